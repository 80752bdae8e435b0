"""HTML activity bodies as the plain text evidence reading expects. Pure (stdlib parser).

Why: HubSpot stores note, meeting and call bodies as the HTML of its rich-text editor
(``<div><p>...</p><ul><li>...</li></ul>``, ``&nbsp;``, ``&amp;``); read as text, tags and
entities would end up inside sentences and block boundaries would glue sentences together.
Blocks (paragraphs, list items, line breaks, table rows, headings) become line breaks, which
the note reader already treats as clause boundaries; ``script``/``style`` content is
dropped; entities are decoded.  Text without markup is returned unchanged, so plain bodies
(and every stock sandbox body) read exactly as before.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["html_to_text", "looks_like_html"]

_TAG = re.compile(
    r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>|<!--|&(?:[a-z]+|#\d+|#x[0-9a-f]+);", re.I
)
_BLOCKS = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "tr",
        "table",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "hr",
        "section",
        "article",
        "header",
        "footer",
    }
)
_SKIPPED = frozenset({"script", "style", "head", "title"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")


def looks_like_html(text: str) -> bool:
    """Whether ``text`` holds a tag, comment or entity (not just a stray ``<``, ``>`` or ``&``)."""
    return ("<" in text or "&" in text) and _TAG.search(text) is not None


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skip += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_to_text(text: str) -> str:
    """Plain text of an HTML body: one line per block, entities decoded, spaces collapsed."""
    if not looks_like_html(text):
        return text
    parser = _Text()
    parser.feed(text)
    parser.close()
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)
