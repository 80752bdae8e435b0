"""``nextadvance mappings ...``: check a mapping file before a sync ever reads it.

``validate FILE`` works offline and lists every problem at once (file, line, key path, what
was expected, a likely fix), exit 2 when there is any; a valid file gets a one-screen summary
of what it maps so a reviewer can sanity-check it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from nextadvance.connectors import (
    CRM_NAMES,
    Connector,
    FieldInfo,
    StageInfo,
    build_connector,
    profile,
)
from nextadvance.core import decide
from nextadvance.core.errors import ConfigError, ConnectorError, MappingError, Problem
from nextadvance.mappings import (
    LiveReport,
    Mapping,
    check_live,
    default_mapping_path,
    load_mapping,
    load_mapping_text,
    load_playbook,
    load_yaml_file,
    render_writeback,
    scaffold_mapping,
)

from ..config._settings import load_settings
from ..config._zones import OwnerZones
from ._common import EXIT_CODES
from ._render import parse_now, render_explanation

#: This module's commands, merged into the root app by :mod:`._app`.
commands = typer.Typer()


__all__ = ["mappings_app", "summary_lines"]

mappings_app = typer.Typer(
    help="Check and inspect CRM field mappings (YAML).", no_args_is_help=True
)

commands.add_typer(mappings_app, name="mappings")

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
        _print_problems(path, exc.problems)
        raise typer.Exit(EXIT_CODES["usage"]) from None


_CONFIG = typer.Option(
    None,
    "--config",
    "-c",
    help="nextadvance.yaml (default: $NEXTADVANCE_CONFIG, ./nextadvance.yaml)",
)


@mappings_app.command("validate")
def validate_command(
    file: Path = typer.Argument(..., help="Mapping YAML file to check."),
    live: bool = typer.Option(
        False, "--live", help="Also check fields, stages and picklists against the CRM."
    ),
    connection: str | None = typer.Option(
        None, "--connection", "-C", help="Connection (in the config) to check against."
    ),
    config: Path | None = _CONFIG,
    quiet: bool = typer.Option(
        False, "--quiet", "-q", help="Print nothing when the file is valid."
    ),
) -> None:
    """Check a mapping file; every problem is listed at once (exit 2 if any).

    Offline by default.  With ``--live --connection NAME`` it also asks the CRM whether every
    referenced field, stage and picklist value exists and write-back targets are writable.
    """
    if live and not connection:
        _err.print("--live needs --connection NAME (a connection in your config file)")
        raise typer.Exit(EXIT_CODES["usage"])
    mapping = _load_or_exit(file)
    warnings: list[Problem] = []
    if live and connection:
        report = _live_report(mapping, file, connection, config)
        warnings = report.warnings
        if report.problems:
            _print_problems(file, report.problems, "against the CRM")
            _print_warnings(warnings)
            raise typer.Exit(EXIT_CODES["usage"])
    if quiet:
        return
    where = f" (checked live against connection '{connection}')" if live else ""
    _out.print(f"[green]ok[/] {file} ({mapping.crm}){where}")
    for line in summary_lines(mapping):
        _out.print(f"  {line}", markup=False)
    _print_warnings(warnings)


def _print_problems(file: Path, problems: Sequence[Problem], suffix: str = "") -> None:
    count = len(problems)
    tail = f" {suffix}" if suffix else ""
    _err.print(f"[bold red]{count} problem{'s' if count != 1 else ''}[/] in {file}{tail}:")
    for problem in problems:
        _err.print(str(problem), markup=False)


def _print_warnings(warnings: Sequence[Problem]) -> None:
    for warning in warnings:
        _err.print(f"[yellow]warning:[/] {escape(str(warning))}")


def _connector_for(
    mapping: Mapping, connection: str, config: Path | None, *, new_mapping: bool = False
) -> Connector:
    """A connector for the named connection that reads with ``mapping``; errors exit 2/4.

    ``new_mapping``: the connection's own mapping file may not exist yet (``init`` makes it).
    """
    try:
        settings = load_settings(config, mapping_may_be_missing=new_mapping)
        conn = settings.connection(connection)
        if conn.crm != mapping.crm:
            _err.print(
                f"the mapping is for {mapping.crm} but connection '{connection}' is {conn.crm}"
            )
            raise typer.Exit(EXIT_CODES["usage"])
        from ..run._parts import connector_config  # the run's modules: not for ``--help``

        return build_connector(connector_config(conn, mapping))
    except ConfigError as exc:
        _err.print(f"[bold red]configuration:[/] {escape(str(exc))}")
        raise typer.Exit(EXIT_CODES["usage"]) from None


def _close(connector: Connector) -> None:
    """Release the connector's sessions (connectors without ``close`` have none)."""
    close = getattr(connector, "close", None)
    if callable(close):
        close()


def _read_metadata(connector: Connector) -> tuple[dict[str, list[FieldInfo]], list[StageInfo]]:
    """The CRM's fields and stages, then the connector closed; a CRM failure exits 1."""
    try:
        return connector.describe(), connector.stages()
    except ConnectorError as exc:
        _err.print(f"[bold red]cannot read the CRM's metadata:[/] {escape(str(exc))}")
        raise typer.Exit(EXIT_CODES["failed"]) from None
    finally:
        _close(connector)


def _live_report(mapping: Mapping, file: Path, connection: str, config: Path | None) -> LiveReport:
    fields, stages = _read_metadata(_connector_for(mapping, connection, config))
    located, _ = load_yaml_file(file, keys_as_text=True)
    return check_live(mapping, located, fields, stages)


@mappings_app.command("init")
def init_command(
    connection: str = typer.Option(..., "--connection", "-C", help="Connection to scaffold from."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the mapping here (default: print it)."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing --output file."),
    config: Path | None = _CONFIG,
) -> None:
    """Scaffold a mapping from a live CRM.

    Its pipelines and stages (with proposed canonical keys), the evidence fields it seems to
    have, and the write-back fields still to create.
    """

    if output is not None and output.exists() and not force:
        _err.print(f"{output} exists; pass --force to overwrite it")
        raise typer.Exit(EXIT_CODES["usage"])
    try:
        crm = load_settings(config, mapping_may_be_missing=True).connection(connection).crm
    except ConfigError as exc:
        _err.print(f"[bold red]configuration:[/] {escape(str(exc))}")
        raise typer.Exit(EXIT_CODES["usage"]) from None
    base = load_mapping(default_mapping_path(crm))
    fields, stages = _read_metadata(_connector_for(base, connection, config, new_mapping=True))
    text = scaffold_mapping(crm, stages, fields)
    load_mapping_text(text, "<scaffold>")  # a scaffold that does not load is a bug: fail loudly
    if output is None:
        typer.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    pipelines = len({s.pipeline for s in stages})
    _out.print(f"[green]wrote[/] {output}: {pipelines} pipeline(s), {len(stages)} stage(s)")
    _out.print(
        f"review the proposed stage keys, then: nextadvance mappings validate {output} "
        f"--live --connection {connection}",
        markup=False,
    )


@mappings_app.command("preview")
def preview_command(
    connection: str = typer.Option(..., "--connection", "-C", help="Connection to read from."),
    deal_id: str = typer.Option(..., "--deal", help="CRM id of the deal to preview."),
    mapping_file: Path | None = typer.Option(
        None, "--mapping", "-m", help="Mapping to try (default: the connection's)."
    ),
    now: str | None = typer.Option(None, "--now", help="Decide as of this ISO time."),
    config: Path | None = _CONFIG,
) -> None:
    """Show one deal as the mapping reads it, its decision, and what would be written.

    Writes nothing.  Reads the connection's deals and activities once (streamed, nothing
    stored): meant for checking a mapping, not for big orgs.
    """

    moment = parse_now(now)
    try:
        conn = load_settings(config).connection(connection)
    except ConfigError as exc:
        _err.print(f"[bold red]configuration:[/] {escape(str(exc))}")
        raise typer.Exit(EXIT_CODES["usage"]) from None
    mapping = _load_or_exit(mapping_file or Path(conn.mapping or default_mapping_path(conn.crm)))
    connector = _connector_for(mapping, connection, config)
    deal = None
    activities = []
    try:
        for batch in connector.pull(None):
            for record in batch.deals:
                if record.crm_id == deal_id and record.deal is not None:
                    deal = record.deal
            activities += [
                a.activity for a in batch.activities if deal_id in a.deal_ids and a.activity
            ]
        problems = [p for p in getattr(connector, "problems", []) if deal_id in p]
    except ConnectorError as exc:
        _err.print(f"[bold red]cannot read the CRM:[/] {escape(str(exc))}")
        raise typer.Exit(EXIT_CODES["failed"]) from None
    finally:
        _close(connector)
    for problem in problems:
        _err.print(f"[yellow]mapping problem:[/] {escape(problem)}")
    if deal is None:
        # the same code as `explain` of an unknown deal: the id (or the mapping) is wrong
        _err.print(
            f"[bold red]error:[/] deal {escape(deal_id)} was not found in connection "
            f"'{escape(connection)}', or the mapping could not translate it (problems above)",
            highlight=False,
        )
        raise typer.Exit(EXIT_CODES["usage"])
    deal = deal.model_copy(update={"activities": tuple(sorted(activities, key=lambda a: a.at))})
    _out.print("[bold]Canonical deal[/] (as the mapping reads it):")
    _out.print(deal.model_dump_json(indent=2, exclude={"activities"}), markup=False)
    _out.print(f"activities: {len(deal.activities)}")
    playbook = load_playbook(mapping.playbook_path(), mapping.lexicon_path())
    moment = OwnerZones().now(deal, moment)  # the owner's CRM zone, else UTC
    decision = decide(deal, playbook, moment)
    render_explanation(deal, decision, _out)
    titles = {s.key: s.title for s in playbook.stages if s.title}
    plan = render_writeback(mapping, deal, decision, moment, titles, playbook)
    encode = profile(mapping.crm).encode  # shown as the CRM's API will receive them
    _out.print(f"[bold]Would write[/] to {plan.deal_object} {plan.deal_id}:")
    for crm_field, value in plan.deal_fields.items():
        _out.print(f"  {crm_field} = {encode(value)!r}", markup=False)
    if plan.task is not None:
        _out.print(f"[bold]Suggested task[/] ({plan.task.object_type}, key {plan.task.key}):")
        for crm_field, value in plan.task.fields.items():
            _out.print(f"  {crm_field} = {encode(value)!r}", markup=False)


@mappings_app.command("default")
def default_command(
    crm: str = typer.Argument(..., help=" or ".join(CRM_NAMES)),
) -> None:
    """Print the shipped mapping for a stock org/portal (a starting point to copy)."""
    try:
        path = default_mapping_path(crm)
    except MappingError as exc:
        _err.print(str(exc), markup=False)
        raise typer.Exit(EXIT_CODES["usage"]) from None
    typer.echo(path.read_text(encoding="utf-8"), nl=False)
