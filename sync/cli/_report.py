"""``nextadvance report``: the measures over canonical deals as HTML, JSON or CSV.

Reads the same JSONL as ``nextadvance decide``; bad lines are reported with their line
number, skipped and counted, and the command exits 1 after writing the report.  Periods
and daily blocks are computed in ``--tz`` (and each rep's timezone from ``--targets``).
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import tempfile
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path

import typer

from nextadvance.core.errors import ConfigError, Problem
from nextadvance.core.measures import Period, parse_period, period_between, quarter_of
from nextadvance.mappings import load_playbook

from ..config._targets import zone
from ._common import EXIT_CODES, err_console

#: This module's commands, merged into the root app by :mod:`._app`.
commands = typer.Typer()


__all__ = ["resolve_period"]


class Format(StrEnum):
    """Output formats of the report."""

    html = "html"
    json = "json"
    csv = "csv"


def _problem(option: str, message: str, hint: str | None = None) -> ConfigError:
    return ConfigError([Problem(message=message, key_path=option, hint=hint)])


def resolve_period(
    period: str | None, from_: str | None, to: str | None, now: datetime, tz_name: str
) -> Period:
    """The reporting period from ``--period`` or ``--from/--to`` (default: quarter of now)."""
    tz = zone(tz_name)
    if period and (from_ or to):
        raise _problem("--period", "give --period or --from/--to, not both")
    if period:
        try:
            return parse_period(period, tz)
        except ValueError as exc:
            raise _problem("--period", str(exc)) from None
    if from_ or to:
        try:
            first = date.fromisoformat(from_) if from_ else None
            last = date.fromisoformat(to) if to else now.astimezone(tz).date()
        except ValueError as exc:
            raise _problem("--from/--to", f"not a date: {exc}", "use YYYY-MM-DD") from None
        if first is None:
            raise _problem("--from", "--to needs --from")
        try:
            return period_between(first, last, tz)
        except ValueError as exc:
            raise _problem("--from/--to", str(exc)) from None
    return quarter_of(now, tz)


def _parse_now(value: str | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _problem(
            "--now", f"{value!r} is not an ISO timestamp", "e.g. 2026-11-23T09:00:00Z"
        ) from None
    if parsed.tzinfo is None:
        raise _problem("--now", "must include a timezone", "e.g. 2026-11-23T09:00:00Z or +01:00")
    return parsed.astimezone(UTC)


def _write(output: Path, text: str) -> None:
    """Write atomically (temp file + rename), so a failed run never leaves half a report."""
    if str(output) == "-":
        sys.stdout.write(text)
        return
    parent = output.parent if str(output.parent) else Path(".")
    if not parent.is_dir():
        raise _problem("--output", f"directory {parent} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", dir=parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; a report is meant to be shared
        os.replace(tmp, output)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


@commands.command("report")
def report(
    output: Path = typer.Option(..., "--output", "-o", help="File to write ('-' = stdout)."),
    input_: Path | None = typer.Option(
        None, "--input", "-i", help="JSONL of canonical deals (as for decide)."
    ),
    connection: str | None = typer.Option(
        None, "--connection", help="A configured connection's mirror."
    ),
    period: str | None = typer.Option(None, "--period", help="2026-Q3, 2026-11, 2026-W47 or 2026."),
    from_: str | None = typer.Option(None, "--from", help="First day (YYYY-MM-DD)."),
    to: str | None = typer.Option(None, "--to", help="Last day, inclusive (default today)."),
    now: str | None = typer.Option(None, "--now", help="Report as of this ISO time (default now)."),
    tz: str = typer.Option("UTC", "--tz", help="Timezone of periods and charts (IANA name)."),
    targets: Path | None = typer.Option(None, "--targets", help="Prospecting targets YAML/JSON."),
    fmt: Format = typer.Option(Format.html, "--format", "-f", help="html, json or csv."),
    playbook: Path | None = typer.Option(
        None, "--playbook", help="Playbook YAML (default: shipped)."
    ),
    lexicon: Path | None = typer.Option(None, "--lexicon", help="Next-step lexicon YAML."),
    config: Path | None = typer.Option(
        None,
        "--config",
        "-c",
        help="nextadvance.yaml for --connection (default: $NEXTADVANCE_CONFIG).",
    ),
) -> None:
    """Sit rate, velocity, advance rate, coverage, drift and prospecting goals in one report."""
    if (input_ is None) == (connection is None):
        raise _problem(
            "--input/--connection", "give exactly one of --input FILE or --connection NAME"
        )
    if fmt is Format.html and str(output) == "-":
        raise _problem("--output", "an HTML report needs a file name")
    # the report's modules (plotly; the state store for --connection) load with the command
    from ..report import (
        DealInput,
        Targets,
        build_report,
        load_targets,
        read_deals_file,
        render_html,
        to_csv,
        to_json,
    )
    from ..report._mirror_source import deals_from_mirror

    try:
        tz_info = zone(tz)
    except ValueError as exc:
        raise _problem("--tz", str(exc)) from None
    at = _parse_now(now)
    span = resolve_period(period, from_, to, at, tz)
    goals = load_targets(targets, tz_info) if targets is not None else Targets()
    if connection is not None:
        mirrored = deals_from_mirror(config, connection)
        loaded = DealInput(deals=mirrored.deals)
        pb = load_playbook(playbook, lexicon) if playbook else mirrored.playbook
        source = f"connection {connection}"
        if not mirrored.deals:
            err_console.print(
                f"no deals mirrored for connection {connection}: run nextadvance sync first",
                markup=False,
                highlight=False,
            )
    else:
        assert input_ is not None
        loaded = read_deals_file(input_)
        pb = load_playbook(playbook, lexicon)
        source = str(input_)
    data = build_report(loaded.deals, pb, span, at, tz, goals, loaded.bad)
    if connection is not None and mirrored.suggestions is not None:
        data = dataclasses.replace(data, suggestions=mirrored.suggestions)
    if fmt is Format.html:
        text = render_html(data)
    elif fmt is Format.json:
        text = json.dumps(to_json(data), indent=2, ensure_ascii=False) + "\n"
    else:
        text = to_csv(data)
    _write(output, text)
    for bad in data.skipped[:20]:
        where = f"{source}:{bad.line}: " if bad.line else ""
        err_console.print(
            f"skipped {where}{bad.reason}", markup=False, highlight=False, soft_wrap=True
        )
    if len(data.skipped) > 20:
        err_console.print(f"... and {len(data.skipped) - 20} more skipped", highlight=False)
    if str(output) != "-":
        typer.echo(
            f"wrote {output} ({fmt.value}): {data.deals} deals, period {span.label} ({tz}),"
            f" {len(data.skipped)} skipped"
        )
    if data.skipped:
        raise typer.Exit(EXIT_CODES["partial"])
