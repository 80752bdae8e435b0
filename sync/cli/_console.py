"""How a run looks on a terminal: live phase progress, then a summary table and the diff.

Kept apart from the run itself: ``run_sync`` only calls a ``progress(phase, n, total)``
callback, so serve/cron runs stay silent and the CLI decides how to show things.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table

from ..run._report import RunReport

__all__ = ["LiveProgress", "print_diff", "print_runs", "print_summary"]

_PHASES = {
    "reconcile": "Reconcile pending writes",
    "pull": "Pull changes",
    "decide": "Decide open deals",
    "push": "Write back",
}


class LiveProgress:
    """A rich progress display with one bar per phase (a ``run_sync`` progress callback)."""

    def __init__(self, console: Console) -> None:
        self._progress = Progress(
            TextColumn("{task.description:<26}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
            transient=False,
        )
        self._tasks: dict[str, TaskID] = {}
        self._api: TaskID | None = None

    def __enter__(self) -> LiveProgress:
        self._progress.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.__exit__(exc_type, exc, tb)

    def __call__(self, phase: str, n: int, total: int | None) -> None:
        if phase == "api_calls":
            if self._api is None:
                self._api = self._progress.add_task("API calls", total=None)
            self._progress.update(self._api, completed=n)
            return
        task = self._tasks.get(phase)
        if task is None:
            task = self._progress.add_task(_PHASES.get(phase, phase), total=total)
            self._tasks[phase] = task
        if total is not None:
            self._progress.update(task, total=total)
        self._progress.advance(task, n)


def print_summary(console: Console, report: RunReport) -> None:
    """The run's outcome as a small table, then rejects and conflicts."""
    colour = {"ok": "green", "partial": "yellow", "failed": "red", "locked": "yellow"}
    title = f"{report.connection}: [{colour.get(report.status, 'white')}]{report.status}[/]"
    if report.dry_run:
        title += " (dry run: nothing written)"
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column("what")
    table.add_column("count", justify="right")
    d, tk, api = report.deals, report.tasks, report.api_calls
    rows: list[tuple[str, Any]] = [
        ("deals pulled", d.pulled),
        ("activities pulled", report.activities_pulled),
        ("open deals decided", f"{d.decided}/{d.open}"),
        ("  unchanged since the last run (kept)", d.reused),
        ("unmapped open deals (not decided)", d.unmapped),
        ("parked deals", d.parked),
        ("deals removed", d.deleted),
        ("tasks created / updated / closed", f"{tk.created} / {tk.updated} / {tk.closed}"),
        ("tasks unchanged", tk.unchanged),
        ("deal fields updated", report.fields_updated),
        ("conflicts (left alone)", len(report.conflicts)),
        ("rejected records", len(report.rejects)),
        ("API calls (reads / writes)", f"{api.total} ({api.reads} / {api.writes})"),
        ("duration", f"{report.duration_s or 0:.1f}s"),
    ]
    if report.prospecting is not None:
        rows.insert(-2, ("reps with a prospecting task today", len(report.prospecting.reps)))
    for name, value in rows:
        table.add_row(name, str(value))
    console.print(table)
    if report.prospecting is not None and report.prospecting.unknown_reps:
        console.print(
            "[yellow]prospecting[/] no synced deal is owned by: "
            + ", ".join(report.prospecting.unknown_reps)
            + " (give them owner: <CRM owner id> in the targets file)",
            highlight=False,
        )
    if report.message:
        label = "[bold red]failed:[/]" if report.status == "failed" else "[bold]note:[/]"
        console.print(f"{label} {escape(report.message)}", highlight=False, soft_wrap=True)
    for u in report.unmapped[:50]:
        console.print(
            f"[red]unmapped[/] deal {escape(u.deal)} {escape(repr(u.name))}: {escape(u.message)}",
            highlight=False,
            markup=True,
            soft_wrap=True,
        )
    if report.deals.unmapped > 50:
        console.print(f"... and {report.deals.unmapped - 50} more unmapped deals (see --json)")
    for pipeline, n in sorted(report.pipelines_left_out.items()):
        if pipeline in report.pipelines_undecided:  # not a choice: nobody decided yet
            console.print(
                f"[red]undecided[/] {n} deal(s) of pipeline {escape(repr(pipeline))}: neither "
                "mapped nor ignored (add it under pipelines: or ignore_pipelines:)",
                highlight=False,
                soft_wrap=True,
            )
            continue
        console.print(
            f"[yellow]skipped[/] {n} deal(s) of pipeline {escape(repr(pipeline))}: the mapping "
            "leaves it out (add it under pipelines: to decide them)",
            highlight=False,
            soft_wrap=True,
        )
    for pipeline, n in sorted(report.pipelines_ignored.items()):
        console.print(
            f"ignored {n} deal(s) of pipeline {escape(repr(pipeline))} (ignore_pipelines)",
            highlight=False,
            soft_wrap=True,
        )
    for p in report.problems[:20]:
        console.print(f"[yellow]problem[/] {escape(p)}", highlight=False, soft_wrap=True)
    if len(report.problems) > 20:
        console.print(f"... and {len(report.problems) - 20} more problems (see --json)")
    for r in report.rejects[:50]:
        console.print(
            f"[red]rejected[/] {r.record} {r.field or ''} {r.code or ''}: {r.message}",
            highlight=False,
        )
    for c in report.conflicts[:50]:
        console.print(
            f"[yellow]conflict[/] deal {c.deal} {c.field}: we wrote {c.ours!r}, "
            f"now {c.theirs!r} (left as is)",
            highlight=False,
        )


def print_diff(console: Console, report: RunReport, limit: int = 200) -> None:
    """What a dry run would write, one line per planned write."""
    if not report.diff:
        console.print("nothing to write")
        return
    for item in report.diff[:limit]:
        changes = ", ".join(f"{k}={_short(v)}" for k, v in item.changes.items())
        console.print(f"deal {item.deal}: {item.op} {changes}", highlight=False, markup=False)
    if len(report.diff) > limit:
        console.print(f"... and {len(report.diff) - limit} more writes")


def print_runs(console: Console, reports: list[dict[str, Any]]) -> None:
    """Run history, newest first."""
    table = Table(title="runs")
    for col in ("id", "connection", "started", "status"):
        table.add_column(col, no_wrap=True)
    for col in ("deals", "tasks c/u/x", "fields", "rejects", "api"):
        table.add_column(col, justify="right")
    for r in reports:
        tasks = r.get("tasks") or {}
        table.add_row(
            str(r.get("run_id")),
            str(r.get("connection")),
            str(r.get("started_at", ""))[:16].replace("T", " "),
            str(r.get("status")) + (" (dry)" if r.get("dry_run") else ""),
            str((r.get("deals") or {}).get("pulled", 0)),
            f"{tasks.get('created', 0)}/{tasks.get('updated', 0)}/{tasks.get('closed', 0)}",
            str(r.get("fields_updated", 0)),
            str(len(r.get("rejects") or [])),
            str((r.get("api_calls") or {}).get("total", 0)),
        )
    console.print(table)


def _short(value: Any, width: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"
