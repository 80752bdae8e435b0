"""The ``nextadvance report``: measures over deals rendered as one self-contained HTML file.

Reads canonical deals (JSONL or, later, a connection's mirror), computes the measures of
:mod:`nextadvance.core.measures` and renders charts and tables (plotly inlined, so the file
opens without a network), or exports the numbers as JSON or CSV.
"""

__all__: list[str] = []
