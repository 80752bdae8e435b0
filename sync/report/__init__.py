"""The ``nextadvance report``: measures over deals rendered as one self-contained HTML file.

Reads canonical deals (JSONL; a connection's mirror later), computes the measures of
:mod:`nextadvance.core.measures` once (:func:`build_report`) and renders charts and tables
with plotly inlined, so the file opens without a network (:func:`render_html`), or exports
the same numbers as JSON or CSV.
"""

from ._build import ReportData, RepPlan, build_report
from ._charts import CHART_IDS
from ._export import to_csv, to_json
from ._html import render_html
from ._input import BadLine, DealInput, read_deals, read_deals_file
from ._targets import RepGoals, Targets, load_targets

__all__ = [
    "CHART_IDS",
    "BadLine",
    "DealInput",
    "RepGoals",
    "RepPlan",
    "ReportData",
    "Targets",
    "build_report",
    "load_targets",
    "read_deals",
    "read_deals_file",
    "render_html",
    "to_csv",
    "to_json",
]
