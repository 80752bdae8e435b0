"""``nextadvance mappings ...``: check a mapping file before a sync ever reads it.

``validate FILE`` works offline and lists every problem at once (file, line, key path, what
was expected, a likely fix), exit 2 when there is any; a valid file gets a one-screen summary
of what it maps so a reviewer can sanity-check it.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from nextadvance.core.errors import MappingError
from nextadvance.mappings import Mapping, default_mapping_path, load_mapping
from nextadvance.sync.cli import EXIT_CODES, app

__all__ = ["mappings_app", "summary_lines"]

mappings_app = typer.Typer(
    help="Check and inspect CRM field mappings (YAML).", no_args_is_help=True
)
app.add_typer(mappings_app, name="mappings")

_out = Console(highlight=False, soft_wrap=True)
_err = Console(stderr=True, highlight=False, soft_wrap=True)


def summary_lines(mapping: Mapping) -> list[str]:
    """What a valid mapping maps, in a few lines a reviewer can check at a glance."""
    lines = []
    for name, pipeline in mapping.pipelines.items():
        stages = ", ".join(f"{crm} -> {key}" for crm, key in pipeline.stages.items())
        lines.append(f"pipeline {name}: {stages}")
    evidence = ", ".join(
        f"{name} <- {spec.field} ({spec.transform})" for name, spec in mapping.deal.evidence.items()
    )
    lines.append(f"evidence: {evidence or 'none'}")
    if mapping.contacts is not None:
        lines.append(
            f"contact roles: {len(mapping.contacts.roles)} values from "
            f"{mapping.contacts.object}.{mapping.contacts.role}"
        )
    lines.append("activities: " + (", ".join(mapping.activities) or "none"))
    wb = mapping.writeback
    outputs = [
        f"{name} -> {spec.field}" for name, spec in wb.deal if spec is not None and spec.enabled
    ]
    lines.append("write-back: " + (", ".join(outputs) or "no deal fields"))
    if wb.task is not None and wb.task.enabled:
        lines.append(
            f"suggested task: {wb.task.object}, key {wb.task.key_field}, due {wb.task.due}"
        )
    if wb.never_write:
        lines.append("never written: " + ", ".join(wb.never_write))
    return lines


def _load_or_exit(path: Path) -> Mapping:
    try:
        return load_mapping(path)
    except MappingError as exc:
        count = len(exc.problems)
        _err.print(f"[bold red]{count} problem{'s' if count != 1 else ''}[/] in {path}:")
        for problem in exc.problems:
            _err.print(str(problem), markup=False)
        raise typer.Exit(EXIT_CODES["usage"]) from None


@mappings_app.command("validate")
def validate_command(
    file: Path = typer.Argument(..., help="Mapping YAML file to check."),
    quiet: bool = typer.Option(
        False, "--quiet", "-q", help="Print nothing when the file is valid."
    ),
) -> None:
    """Check a mapping file offline; every problem is listed at once (exit 2 if any)."""
    mapping = _load_or_exit(file)
    if quiet:
        return
    _out.print(f"[green]ok[/] {file} ({mapping.crm})")
    for line in summary_lines(mapping):
        _out.print(f"  {line}", markup=False)


@mappings_app.command("default")
def default_command(
    crm: str = typer.Argument(..., help="salesforce or hubspot"),
) -> None:
    """Print the shipped mapping for a stock org/portal (a starting point to copy)."""
    try:
        path = default_mapping_path(crm)
    except MappingError as exc:
        _err.print(str(exc), markup=False)
        raise typer.Exit(EXIT_CODES["usage"]) from None
    typer.echo(path.read_text(encoding="utf-8"), nl=False)
