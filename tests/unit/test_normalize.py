from wirefeed.text.normalize import matching_form, normalize_text


def test_normalize_removes_invisible_controls_and_tatweel_and_composes():
    text = "مـــدينة\u200b الساحل\u200f  e\u0301te\u0301\n\n  second   line "
    assert normalize_text(text) == "مدينة الساحل été\n\nsecond line"


def test_normalize_keeps_paragraph_newlines_and_handles_empty():
    assert normalize_text("a\r\nb") == "a\nb"
    assert normalize_text(None) == ""
    assert normalize_text("   ") == ""


def test_matching_form_folds_arabic_variants():
    # diacritics, hamza forms, alef maqsura, ta marbuta, Arabic-Indic digits
    assert matching_form("أَجْلَتْ إلى مدرسةٍ مستشفى ٢٠٢٦") == "اجلت الي مدرسه مستشفي 2026"
    assert matching_form("آمن") == matching_form("امن")
    assert matching_form("مسؤول") == matching_form("مسوول")


def test_matching_form_folds_latin_case_accents_and_punctuation():
    assert matching_form("Élysée, PARIS — (AFP)!") == "elysee paris afp"
    assert matching_form("") == ""


def test_matching_forms_of_many_paragraphs_equal_one_by_one():
    from wirefeed.text.normalize import matching_form, matching_forms

    paragraphs = ["أجلت فرقُ الدفاع المدني «مئات» السكان، ٦٠٠ شخص.", "Élections À PARIS: l'œuvre_x!", "", "  ...  ",
                  "مدرسة إلى ۱۲ کتاب", "Straße ﬁnal"]
    assert matching_forms(paragraphs) == [matching_form(p) for p in paragraphs]
    assert matching_forms(["two\nlines", "x"]) == [matching_form("two\nlines"), "x"]
