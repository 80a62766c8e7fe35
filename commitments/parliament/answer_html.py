"""Answer HTML as Parliament sends it: made safe for display, and read as plain text.

The raw HTML is kept as received; what we display is the nh3-sanitised copy, which keeps
paragraphs, lists, links and tables but nothing that runs (no script, no event handlers, no styles).
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "a",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "sup",
    "sub",
    "ul",
    "ol",
    "li",
    "blockquote",
    "table",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "h3",
    "h4",
    "h5",
    "h6",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
BLOCKS = {"p", "div", "li", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "br"}
SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
BARE_LINK = re.compile(r'<a rel="[^"]*">')


def sanitise_answer_html(raw: str) -> str:
    """Safe HTML for display; links open as plain links with rel="noopener noreferrer"."""
    if not raw:
        return ""
    cleaned = nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    # A link whose address was removed (javascript:, data:) keeps its text but not a stray rel.
    return BARE_LINK.sub("<a>", cleaned)


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.cells: list[str] | None = None
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self.skip += 1
        elif tag == "tr":
            self._flush()
            self.cells = []
        elif tag in {"td", "th"} and self.cells is not None:
            self.current = []
        elif tag in BLOCKS:
            self._flush()

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self.skip = max(0, self.skip - 1)
        elif tag in {"td", "th"} and self.cells is not None:
            self.cells.append(_clean("".join(self.current)))
            self.current = []
        elif tag == "tr" and self.cells is not None:
            self.blocks.append(" | ".join(self.cells) + " |")
            self.cells = None
        elif tag in BLOCKS:
            self._flush()

    def handle_data(self, data):
        if not self.skip:
            self.current.append(data)

    def _flush(self):
        text = _clean("".join(self.current))
        if text and self.cells is None:
            self.blocks.append(text)
        if self.cells is None:
            self.current = []

    def text(self) -> str:
        self._flush()
        return "\n\n".join(self.blocks)


def _clean(text: str) -> str:
    return SPACES.sub(" ", text).strip()


def answer_html_to_text(raw: str) -> str:
    """Plain text of an answer: paragraphs separated by a blank line, table rows as `a | b |`."""
    if not raw:
        return ""
    if "<" not in raw:  # the list view's text is already plain, with entities left in
        return _clean(html.unescape(raw))
    extractor = _TextExtractor()
    extractor.feed(raw)
    extractor.close()
    return extractor.text()


def normalised(text: str) -> str:
    """The form used to compare texts from different copies. Whitespace is dropped altogether:
    the list view runs paragraphs together ("…rates.On average…") where the detail view's HTML
    separates them, and that is not a change of text."""
    return "".join(text.split())
