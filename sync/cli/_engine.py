"""``nextadvance decide`` and ``nextadvance explain``: the engine on canonical deals, no CRM.

``decide`` streams a JSONL file of canonical deals (one :class:`~nextadvance.core.models.Deal`
per line) into one decision per line; bad lines are reported with their line number and the
field at fault, skipped and counted (exit 1).  ``explain`` renders one deal's decision for a
person; :func:`render_explanation` is reusable by other commands (e.g. with a connection).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from nextadvance.core import Decision, MappingError, Playbook, batch_gc, decide
from nextadvance.core._wording_lint import wording_warnings
from nextadvance.core.errors import ConfigError, Problem
from nextadvance.core.models import Deal
from nextadvance.mappings import load_playbook

from ..config._zones import OwnerZones
from ._common import EXIT_CODES
from ._explain_text import explain_text, parse_contact
from ._render import VERDICT_STYLE, parse_now, render_explanation

#: This module's commands, merged into the root app by :mod:`._app`.
commands = typer.Typer()


__all__ = ["iter_deals", "render_table"]


def _loc(err: dict[str, object]) -> str:
    parts = err.get("loc") or ()
    out = ""
    for part in parts:  # type: ignore[attr-defined]
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "<line>"


def iter_deals(path: Path) -> Iterator[tuple[int, Deal | None, list[str]]]:
    """(line number, deal or None, error messages) for every non-blank line of a JSONL file."""
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield lineno, None, [f"not UTF-8 text: {exc.reason} at byte {exc.start}"]
                continue
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                yield lineno, None, [f"not valid JSON: {exc.msg} (column {exc.colno})"]
                continue
            try:
                yield lineno, Deal.model_validate(data), []
            except ValidationError as exc:
                yield (
                    lineno,
                    None,
                    [f"field {_loc(dict(e))}: {e['msg']}" for e in exc.errors(include_url=False)],
                )


def _load(playbook: Path | None, lexicon: Path | None) -> Playbook:
    return load_playbook(playbook, lexicon)


class _AtomicOut:
    """Write to a temp file beside the target and rename on success (no half files)."""

    def __init__(self, target: Path | None) -> None:
        self.target = target
        self.tmp: str | None = None
        self.fh: IO[str] | None = None

    def __enter__(self) -> IO[str] | None:
        if self.target is None:
            return None
        fd, self.tmp = tempfile.mkstemp(
            prefix=f".{self.target.name}.", dir=self.target.parent or Path(".")
        )
        self.fh = os.fdopen(fd, "w", encoding="utf-8")
        return self.fh

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if self.fh is None or self.tmp is None or self.target is None:
            return
        self.fh.close()
        if exc_type is not None:
            os.unlink(self.tmp)
            return
        if self.target.is_dir():  # never renamed over a folder, never a temp file left
            os.unlink(self.tmp)
            raise ConfigError(
                [Problem(message="is a folder; -o takes a file to write", file=str(self.target))]
            )
        try:
            os.replace(self.tmp, self.target)
        except OSError:
            os.unlink(self.tmp)
            raise


def render_table(decisions: list[Decision], console: Console) -> None:
    """A rich summary of many decisions, highest priority first (``--format table``)."""
    table = Table(title="nextadvance: open deals by priority", show_lines=False)
    for col in ("Deal", "Stage", "Prio", "Ess.", "Next step", "Stretch advance", "Flags"):
        table.add_column(col, overflow="fold", no_wrap=col in ("Stage", "Next step"))
    for d in sorted(decisions, key=lambda x: (-x.priority, x.deal_id)):
        ess = [o for o in d.objectives if o.stage == d.stage and o.essential]
        learned = sum(1 for o in ess if o.status == "learned")
        flags = [
            f
            for f, on in (
                ("closed", not d.open),
                ("parked", d.momentum.parked),
                ("stalled", d.momentum.stalled),
                ("stage gap", d.stage_gap),
                ("ready", d.ready_to_advance and d.open),
            )
            if on
        ]
        verdict = d.next_step_check.verdict.value
        stretch = d.call_objective.stretch
        table.add_row(
            f"{d.deal_name or d.deal_id}",
            d.stage,
            f"{d.priority:.0f}",
            f"{learned}/{len(ess)}" if d.open else "-",
            f"[{VERDICT_STYLE[verdict]}]{verdict}[/]",
            stretch.advance_id if stretch else "-",
            ", ".join(flags),
        )
    console.print(table)


@commands.command("decide")
def decide_command(
    input: Path = typer.Option(
        ..., "--input", "-i", help="JSONL file, one canonical deal per line."
    ),
    playbook: Path | None = typer.Option(
        None, "--playbook", help="Playbook YAML (default: shipped)."
    ),
    lexicon: Path | None = typer.Option(
        None, "--lexicon", help="Next-step lexicon YAML (default: shipped)."
    ),
    now: str | None = typer.Option(
        None, "--now", help="Decide as of this ISO time (timezone required)."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write JSONL here (atomically) instead of stdout."
    ),
    fmt: str = typer.Option(
        "jsonl", "--format", help="jsonl (default, machine-readable) or table (for people)."
    ),
) -> None:
    """Decide every deal in a JSONL file: one decision JSON per line out."""
    if fmt not in ("jsonl", "table"):
        raise typer.BadParameter("choose jsonl or table", param_hint="--format")
    at = parse_now(now)
    zones = OwnerZones()  # a deal's owner_timezone, else UTC
    book = _load(playbook, lexicon)
    if playbook is not None:  # a custom playbook: wording that loads but reads wrong
        warn = Console(stderr=True, highlight=False)
        for line in wording_warnings(book):
            warn.print(f"warning: {playbook}: {line}", markup=False)
    if not input.is_file():
        raise typer.BadParameter(f"no such file: {input}", param_hint="--input")
    if output is not None and not output.parent.is_dir():
        raise typer.BadParameter(f"no such directory: {output.parent}", param_hint="--output")
    out_console = Console(highlight=False, width=None if os.isatty(1) else 140)
    failed = ok = 0
    collected: list[Decision] = []
    with _AtomicOut(output) as fh, batch_gc():  # fewer collections (core/_gctune.py)
        for lineno, deal, errors in iter_deals(input):
            decision = None
            if deal is not None:
                try:
                    decision = decide(deal, book, zones.now(deal, at))
                except MappingError as exc:
                    errors = [f"field {p.key_path}: {p.message}" for p in exc.problems]
            if decision is None:
                failed += 1
                for msg in errors:
                    typer.echo(f"{input}:{lineno}: {msg}", err=True)
                continue
            ok += 1
            if fmt == "table":
                collected.append(decision)
            elif fh is not None:
                fh.write(decision.model_dump_json() + "\n")
            else:
                typer.echo(decision.model_dump_json())
    if fmt == "table":
        render_table(collected, out_console)
    if failed:
        typer.echo(f"{failed} line(s) skipped, {ok} decided", err=True)
        raise typer.Exit(EXIT_CODES["partial"])


@commands.command("explain")
def explain_command(
    input: Path | None = typer.Option(
        None, "--input", "-i", help="JSONL file of canonical deals (or use --connection)."
    ),
    deal_id: str | None = typer.Option(None, "--deal", help="Id of the deal to explain."),
    text: str | None = typer.Option(
        None, "--text", help="Explain how this text is read (next step and call note)."
    ),
    stage: str = typer.Option("discovery", "--stage", help="Stage for --text."),
    contact: list[str] = typer.Option(
        [], "--contact", help='With --text: a contact "Name|Title|role" (repeatable).'
    ),
    connection: str | None = typer.Option(
        None, "--connection", "-C", help="Explain from this connection's mirror (after a sync)."
    ),
    config: Path | None = typer.Option(
        None, "--config", "-c", help="nextadvance.yaml, with --connection."
    ),
    playbook: Path | None = typer.Option(
        None, "--playbook", help="Playbook YAML (default: shipped)."
    ),
    lexicon: Path | None = typer.Option(
        None, "--lexicon", help="Next-step lexicon YAML (default: shipped)."
    ),
    now: str | None = typer.Option(
        None, "--now", help="Decide as of this ISO time (timezone required)."
    ),
) -> None:
    """Explain the decision for one deal (learned vs missing, next step, call plan, why), or
    with --text how one next step / call-note sentence is read."""
    if text is not None:
        people = tuple(parse_contact(c, i) for i, c in enumerate(contact))
        try:
            explain_text(_load(playbook, lexicon), text, stage, people, Console(highlight=False))
        except MappingError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(EXIT_CODES["usage"]) from None
        return
    if deal_id is None:
        raise typer.BadParameter("give --deal ID (or --text TEXT)", param_hint="--deal")
    at = parse_now(now)
    if connection is not None:  # the mirror's view plus what the last runs wrote
        from ._explain import explain_connection  # the state store's modules: not for --help

        explain_connection(config, connection, deal_id, at, Console(highlight=False))
        return
    if input is None:
        raise typer.BadParameter("give --input FILE or --connection NAME", param_hint="--input")
    book = _load(playbook, lexicon)
    zones = OwnerZones()  # a deal's owner_timezone, else UTC
    if not input.is_file():
        raise typer.BadParameter(f"no such file: {input}", param_hint="--input")
    console = Console(highlight=False)
    for lineno, deal, _errors in iter_deals(input):
        if deal is None or deal.id != deal_id:
            continue
        try:
            decision = decide(deal, book, zones.now(deal, at))
        except MappingError as exc:
            typer.echo(f"{input}:{lineno}: {exc}", err=True)
            raise typer.Exit(EXIT_CODES["partial"]) from None
        render_explanation(deal, decision, console)
        return
    typer.echo(f"deal {deal_id!r} not found (or invalid) in {input}", err=True)
    raise typer.Exit(EXIT_CODES["usage"])
