"""HTML to plain text, for notes and e-mails whose bodies CRMs store as HTML.

Why: Lightning notes (``ContentNote``), Enhanced Email ``HtmlBody`` and HubSpot notes hold
markup; the engine judges words, so tags, scripts and styles go and entities are decoded
before a body becomes evidence.  Pure (stdlib ``html.parser``): no I/O.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["html_to_text", "looks_like_html"]

_TAG = re.compile(
    r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>|<!--|&(?:[a-z]+|#\d+|#x[0-9a-f]+);", re.I
)
_BLOCK = frozenset(
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
_SKIP = frozenset({"script", "style", "head", "title"})


def looks_like_html(text: str) -> bool:
    """Whether ``text`` holds a tag, comment or entity (plain text passes through as is)."""
    return _TAG.search(text) is not None


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(text: str) -> str:
    """The readable text of ``text``: block elements become line breaks, runs of blanks
    collapse, entities are decoded; text without markup is returned unchanged."""
    if not looks_like_html(text):
        return text
    parser = _Text()
    parser.feed(text)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)
