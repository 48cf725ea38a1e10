from wirefeed.text.html import html_to_paragraphs, to_line, to_paragraphs


def test_paragraphs_are_kept_and_scripts_dropped():
    html = "<p>One <b>bold</b> line.</p><script>alert(1)</script><style>p{}</style><div>Two<br>Three</div>"
    assert html_to_paragraphs(html) == ["One bold line.", "Two", "Three"]


def test_entities_are_decoded_and_broken_markup_tolerated():
    assert html_to_paragraphs("<p>Tom &amp; Jerry &#x627;<p>unclosed <i>tag") == ["Tom & Jerry ا", "unclosed tag"]


def test_plain_text_splits_on_blank_lines_or_newlines():
    assert to_paragraphs("a b\n\nc", "text/plain") == ["a b", "c"]
    assert to_paragraphs("a\nb", "text/plain") == ["a", "b"]
    assert to_paragraphs("a < b and c > d", None) == ["a < b and c > d"]


def test_titles_become_one_line_without_markup():
    assert to_line("<b>Breaking</b>:\n flood <i>warning</i>") == "Breaking: flood warning"
    assert to_line(None) == ""
