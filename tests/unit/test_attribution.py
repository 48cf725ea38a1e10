import pytest

from wirefeed.text.attribution import agency_for, attribute, strip_source_prefix


@pytest.mark.parametrize("first, agency, dateline, rest", [
    ("STOCKHOLM, Aug 29, 2014 (AFP) - Swedish police said", "AFP", "STOCKHOLM, Aug 29, 2014", "Swedish police said"),
    ("PARIS (Reuters) - Shares rose", "Reuters", "PARIS", "Shares rose"),
    ("الساحل - (أ ف ب) - أجلت فرق الدفاع", "AFP", "الساحل", "أجلت فرق الدفاع"),
    ("عمان (بترا) - قال وزير", "Petra", "عمان", "قال وزير"),
    ("BERLIN (dpa) - Die Regierung", "dpa", "BERLIN", "Die Regierung"),
])
def test_datelines_are_recorded_and_removed(first, agency, dateline, rest):
    result = attribute([first, "Second paragraph."])
    assert (result.wire_agency, result.dateline) == (agency, dateline)
    assert result.paragraphs == [rest, "Second paragraph."]


@pytest.mark.parametrize("last, agency", [
    ("نهاية الأسبوع.-(ا ف ب)", "AFP"), ("نهاية الأسبوع. (أ ف ب)", "AFP"), ("في صدارة المجموعة.-(بترا)", "Petra"),
    ("the end. (AP)", "AP"), ("fin. (AFP)", "AFP"), ("آخر الخبر (رويترز)", "Reuters"), ("خبر (د ب أ)", "dpa"),
    ("خبر (الأناضول)", "Anadolu"), ("خبر (كونا)", "KUNA"), ("خبر (واس)", "SPA"), ("خبر (أ ش أ)", "MENA"),
])
def test_trailing_credits_are_recorded_and_removed(last, agency):
    result = attribute(["First paragraph.", last])
    assert result.wire_agency == agency
    assert "(" not in result.paragraphs[-1]


def test_brackets_in_running_text_are_not_credits():
    result = attribute(["The party (APC) said (AP is an agency) nothing."])
    assert result.wire_agency is None
    assert result.paragraphs == ["The party (APC) said (AP is an agency) nothing."]


def test_source_prefix_is_stripped():
    assert strip_source_prefix("أخبار المدينة : أجلت فرق", ["أخبار المدينة"]) == "أجلت فرق"
    assert strip_source_prefix("جو 24 : خبر", ["جو 24"]) == "خبر"
    assert strip_source_prefix("أخبار المدينة تقول", ["أخبار المدينة"]) == "أخبار المدينة تقول"


def test_agency_spellings_map_to_one_name():
    assert {agency_for(a) for a in ("ا ف ب", "أ ف ب", "فرانس برس", "AFP", "afp")} == {"AFP"}
    assert agency_for("unknown") is None
