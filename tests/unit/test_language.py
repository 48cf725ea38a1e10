import pytest

from wirefeed.language import LanguageTag, detect_language, is_a_name


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
    headline = "Ministro a Mosca"  # Italian, Portuguese or Spanish: the text alone cannot say
    assert detect_language(headline).language == "und"
    assert detect_language(headline, "it").language == "it" and detect_language(headline, "pt").language == "pt"
    assert detect_language("Rail workers begin 48-hour national strike over pay").language == "en"
    long_french = "La coalition sortante est arrivée en tête du premier tour des élections municipales dimanche"
    assert detect_language(long_french, "en").language == "fr"


def test_long_text_is_capped_not_an_error():
    assert detect_language("word " * 100_000, "en").language == "en"


def test_arabic_script_is_decided_by_letters_only_one_language_writes():
    assert detect_language("موجة حر").language == "ar"  # ة: two words are enough
    assert detect_language("بلدیاتی انتخابات کا اعلان ہو گیا").language == "ur"  # ہ
    assert detect_language("وزارت بهداشت از افزایش شمار مبتلایان خبر داد").language == "fa"


def test_a_feed_can_narrow_the_candidates():
    assert detect_language("Presidente", candidates=frozenset({"pt", "en"})).language == "pt"
    assert detect_language("Der Minister tritt zurück", candidates=frozenset({"ar", "en"})).language != "de"


def test_a_script_no_candidate_writes_is_und():
    assert detect_language("政府宣布新的经济刺激计划以应对经济放缓", "en") == detect_language("政府宣布新的经济刺激计划")
    assert detect_language("政府宣布新的经济刺激计划").language == "und"


def test_mixed_language_text_gets_its_main_language():
    text = ("Le gouvernement a présenté mercredi un projet de budget marqué par des économies. "
            "« We will not raise taxes », a déclaré le ministre, avant de quitter la salle.")
    assert detect_language(text).language == "fr"


def test_evaluation_set_accuracy():
    """The benchmark's labelled set, as a regression check: sentences all right, headlines >= 97 %."""
    from benchmarks.bench_language import accuracy, load, ours

    sets, _ = load()
    assert accuracy(ours, sets["sentences"])[0] >= 0.995
    assert accuracy(ours, sets["headlines"])[0] >= 0.97


@pytest.mark.parametrize("name", ["Emmanuel Macron", "Donald Trump", "Giorgia Meloni", "Mohammed bin Salman", "Abdullah II"])
def test_a_persons_name_is_no_evidence_of_language(name):
    assert detect_language(name) == LanguageTag("und", 0.0)
    assert detect_language(name, "ar").language == "ar"  # the declared language stands


def test_a_headline_that_starts_with_a_name_or_a_common_word_is_still_read():
    assert detect_language("Emmanuel Macron se rend à Berlin pour un sommet").language == "fr"
    assert detect_language("Will Prices Rise Again").language == "en"  # "Will" is a word before a name
    assert detect_language("Nova Lei Aprovada").language == "pt"
    assert is_a_name("Jean-Luc Mélenchon", frozenset({"fr"})) is False  # "Jean" is a common French word
