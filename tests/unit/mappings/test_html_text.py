"""HTML bodies (Lightning notes, e-mails) become plain text before they are evidence."""

from __future__ import annotations

from nextadvance.mappings._html import html_to_text, looks_like_html


def test_tags_scripts_and_entities_go_blocks_become_lines() -> None:
    html = (
        "<html><head><style>p{color:red}</style></head><body><p><b>Call</b> with Ann &amp; Bo"
        "</p><ul><li>budget&nbsp;approved</li><li>legal   review</li></ul>"
        "<script>alert(1)</script></body></html>"
    )
    assert html_to_text(html) == "Call with Ann & Bo\nbudget approved\nlegal review"


def test_plain_text_is_left_exactly_as_it_is() -> None:
    for text in ("Spoke with Avery: budget < 50k, margin > 20%", "Q&A next week", "  x  "):
        assert not looks_like_html(text)
        assert html_to_text(text) == text


def test_very_long_html_is_stripped_whole() -> None:
    body = "<p>" + "word " * 20000 + "</p>"
    out = html_to_text(body)
    assert out.startswith("word word") and "<" not in out and len(out) == len("word " * 20000) - 1
