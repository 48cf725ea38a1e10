import pytest

from wirefeed.language import detect_language


@pytest.mark.parametrize("text, expected", [
    ("أجلت فرق الدفاع المدني مئات السكان من أحياء منخفضة في مدينة الساحل بعد أمطار غزيرة", "ar"),
    ("إصابة ثمانية أشخاص في انهيار جسر بوادي الريم", "ar"),  # langdetect alone says "fa"
    ("این یک متن فارسی است که برای آزمایش نوشته شده است", "fa"),
    ("Rail workers across the country walked out on Tuesday at the start of a strike over pay", "en"),
    ("La coalition sortante est arrivée en tête du premier tour des élections municipales", "fr"),
    ("Die Regierung hat am Dienstag einen neuen Haushalt für das kommende Jahr vorgelegt", "de"),
])
def test_sentences(text, expected):
    assert detect_language(text).language == expected


def test_deterministic():
    text = "Storm brings heavy rain"
    assert len({detect_language(text, "en") for _ in range(20)}) == 1


def test_too_little_evidence_is_und_or_the_declared_language():
    assert detect_language("https://example.org/123 4567").language == "und"
    assert detect_language("", "fr").language == "fr"
    assert detect_language("12:30 — 14:45").language == "und"


def test_declared_language_tips_a_short_headline_but_strong_evidence_overrules_it():
    headline = "Rail workers begin 48-hour national strike over pay"
    assert detect_language(headline).language == "und"  # langdetect alone leans to Afrikaans
    assert detect_language(headline, "en").language == "en"
    long_french = "La coalition sortante est arrivée en tête du premier tour des élections municipales dimanche"
    assert detect_language(long_french, "en").language == "fr"


def test_long_text_is_capped_not_an_error():
    assert detect_language("word " * 100_000, "en").language == "en"
