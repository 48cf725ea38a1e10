"""HTML to plain paragraphs, with the standard library's tolerant parser (feeds carry broken HTML)."""
from __future__ import annotations

import re
from html.parser import HTMLParser

from wirefeed.text.normalize import normalize_text

_BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "table",
          "section", "article", "header", "footer", "pre", "dd", "dt", "dl", "figcaption", "figure", "hr",
          "address", "aside", "main", "nav", "td", "th", "caption", "center"}
_SKIP = {"script", "style", "noscript", "template", "head", "iframe", "object", "embed", "svg", "math", "select",
         "button", "form", "title"}
_LOOKS_LIKE_HTML = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*[\s/>]|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self._skip_depth += 1
        elif tag in _BLOCK:
            self.parts.append("\n\n")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt and not self._skip_depth:
                self.parts.append(f" {alt} ")

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self._skip_depth:
            self.parts.append(data.replace("\n", " "))


def looks_like_html(text: str) -> bool:
    return bool(_LOOKS_LIKE_HTML.search(text))


# Most feed bodies are plain paragraphs: bare <p>, <br> and inline emphasis, no attributes, no entities.
# Those need no parser (the tolerant parser costs several times more than the rest of cleaning).
_PLAIN_BLOCK = re.compile(r"</?(?:p|br|div)\s*/?>", re.IGNORECASE)
_PLAIN_INLINE = re.compile(r"</?(?:b|i|em|strong|span)\s*/?>", re.IGNORECASE)


def _plain_markup(markup: str) -> str | None:
    if "&" in markup:
        return None
    text = _PLAIN_INLINE.sub("", _PLAIN_BLOCK.sub("\n\n", markup.replace("\n", " ")))
    return None if "<" in text or ">" in text else text


def html_to_paragraphs(markup: str | None) -> list[str]:
    """Visible text of an HTML fragment, one string per paragraph, normalised."""
    if not markup:
        return []
    plain = _plain_markup(markup)
    if plain is not None:
        return split_paragraphs(plain)
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    return split_paragraphs("".join(parser.parts))


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of plain text: blank lines separate them; single newlines too when there is no blank line."""
    text = normalize_text(text)
    if not text:
        return []
    chunks = re.split(r"\n\s*\n", text) if "\n\n" in text else text.split("\n")
    # normalize_text already collapsed spaces and trimmed each line: joining a chunk's lines is enough.
    return [p for p in (" ".join(line for line in c.split("\n") if line) for c in chunks) if p]


def to_paragraphs(text: str | None, content_type: str | None = None) -> list[str]:
    if not text:
        return []
    if content_type == "text/html" or (content_type is None and looks_like_html(text)):
        return html_to_paragraphs(text)
    return split_paragraphs(text)


def to_line(text: str | None) -> str:
    """A title or other one-line field: markup removed, whitespace collapsed to single spaces."""
    return " ".join(to_paragraphs(text))
