from wirefeed.text.clean import clean_item, content_hash, remove_repeated_paragraphs
from wirefeed.text.normalize import matching_form


def test_repeated_paragraphs_go_even_with_edits_at_the_edges():
    second = "The union said its members had rejected a wage offer that fell well below inflation."
    kept, removed, _ = remove_repeated_paragraphs(["Alpha beta gamma delta.", second,
                                                "alpha beta gamma delta", second + " (AFP)"])
    assert kept == ["Alpha beta gamma delta.", second]
    assert len(removed) == 2


def test_different_paragraphs_stay():
    kept, _, _ = remove_repeated_paragraphs(["The minister resigned.", "The minister resigned on Monday after a vote "
                                          "of no confidence in parliament."])
    assert len(kept) == 2


def test_shared_arabic_feed_item_1_is_cleaned(arabic_feed_raw_items):
    first = arabic_feed_raw_items[0]
    text = clean_item(first["title"], first.get("summary"), first["body"], first["content_type"],
                      [first["source"]["title"]])
    assert text.wire_agency == "AFP"
    assert len(text.paragraphs) == 3, text.paragraphs
    assert len({matching_form(p) for p in text.paragraphs}) == 3
    assert not text.paragraphs[0].startswith("أخبار المدينة")
    assert "ا ف ب" not in text.body
    assert text.summary == text.paragraphs[0]


def test_footer_lines_are_removed(arabic_feed_raw_items):
    second = arabic_feed_raw_items[1]
    text = clean_item(second["title"], second.get("summary"), second["body"], second["content_type"])
    assert text.dateline == "الساحل"
    assert all("تابعونا" not in p for p in text.paragraphs)
    assert len(text.paragraphs) == 2


def test_content_hash_ignores_diacritics_and_falls_back_to_title():
    assert content_hash("x", "مَدرسة") == content_hash("y", "مدرسه")
    assert content_hash("A title", "") == content_hash("a TITLE!", "")
    assert content_hash("t", "one") != content_hash("t", "two")


def test_the_body_form_from_paragraphs_equals_folding_the_body():
    from wirefeed.text.normalize import matching_form

    text = clean_item("t", None, "<p>أجلت فرقُ الدفاع المدني «مئات» السكان.</p><p>Élections, À PARIS!</p><p>٦٠٠ x</p>",
                      "text/html")
    assert text.body_form == matching_form(text.body)


def test_a_body_printed_twice_in_one_paragraph_is_kept_once():
    from wirefeed.text.clean import remove_repeated_run

    body = ("أجلت فرق الدفاع المدني مئات السكان من أحياء منخفضة في مدينة الساحل بعد أمطار غزيرة استمرت "
            "يومين، وفق ما أعلنت السلطات المحلية الاثنين.")
    twice = body + " " + body.replace("الاثنين", "يوم الاثنين")  # a small change at the seam's far end
    assert remove_repeated_run(twice) == body
    english = "Rail workers began a two-day strike on Thursday over pay and working conditions across the country."
    assert remove_repeated_run(english + " " + english) == english
    # A phrase that merely recurs is not a repeated body.
    recurring = ("The minister said the plan would cut costs. The minister said the plan would cut costs for "
                 "families, but critics said it would hurt rural areas and small towns most of all.")
    assert remove_repeated_run(recurring) == recurring
    assert remove_repeated_run(english) == english
