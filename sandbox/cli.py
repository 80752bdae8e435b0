"""``nextadvance sandbox serve|seed``: run the local CRM emulator or write a world data file.

The credentials printed by ``serve`` are invented, sandbox-only values (they open nothing but
this local process), so printing them is safe and is how a person points a client at it.
"""

from __future__ import annotations

import json
import signal
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

import typer

from ._faults import FaultPlan
from ._generator import generate
from ._sandbox import Sandbox
from ._transcript import Transcript

__all__ = ["sandbox_app"]

sandbox_app = typer.Typer(
    name="sandbox",
    help="A local Salesforce/HubSpot emulator over loopback HTTPS, for demos and tests.",
    no_args_is_help=True,
    add_completion=False,
)


def _faults(text: str | None) -> FaultPlan:
    plan = FaultPlan()
    if not text:
        return plan
    try:
        changes = json.loads(text)
        if not isinstance(changes, dict):
            raise ValueError("expected a JSON object")
        plan.update(changes)
    except ValueError as exc:
        raise typer.BadParameter(f"--faults: {exc}") from None
    return plan


def _instant(text: str) -> datetime:
    """``--now`` as an aware datetime (a trailing Z is UTC); a clear error otherwise."""
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise typer.BadParameter(
            f"--now must be an ISO 8601 instant such as 2026-12-07T12:00:00Z, not {text!r}"
        ) from None
    if value.tzinfo is None:
        raise typer.BadParameter(f"--now needs an offset or Z (UTC): {text!r}")
    return value


@sandbox_app.command("serve")
def serve(
    host: str = typer.Option(
        "127.0.0.1", help="Listen address (loopback only unless --allow-remote)."
    ),
    port: int = typer.Option(0, help="Port (0: any free port)."),
    crm: str = typer.Option("both", help="salesforce, hubspot or both."),
    deals: int = typer.Option(200, min=0, help="Deals to generate."),
    seed: int = typer.Option(7, help="Generator seed."),
    data: Path | None = typer.Option(
        None, exists=True, dir_okay=False, help="World file from `sandbox seed`."
    ),
    faults: str | None = typer.Option(None, help="Fault plan as JSON, e.g. '{\"rate_429\": 0.1}'."),
    custom_fields: bool = typer.Option(
        True, "--custom-fields/--no-custom-fields", help="Pre-create the NA_*__c Salesforce fields."
    ),
    state_dir: Path | None = typer.Option(
        None, help="Where ca.pem is written (default: a temp dir)."
    ),
    allow_remote: bool = typer.Option(False, help="Allow a non-loopback --host."),
    org: str = typer.Option(
        "stock", help="stock, or messy: the shapes real orgs have (docs/connectors.md)."
    ),
    transcript: Path | None = typer.Option(
        None, dir_okay=False, help="Write every API request (JSON lines) here, for replays."
    ),
    now: str | None = typer.Option(
        None,
        help="The instant the generated world is dated from (ISO 8601 with an offset, e.g. "
        "2026-12-07T12:00:00Z; default: the clock), so that a world is the same whenever "
        "it is served.",
    ),
) -> None:
    """Serve the emulator until Ctrl-C / SIGTERM, printing URL, CA path and credentials."""
    if crm not in ("both", "salesforce", "hubspot"):
        raise typer.BadParameter("--crm must be salesforce, hubspot or both")
    anchor = _instant(now) if now is not None else None
    try:
        sb = Sandbox(
            crm=crm,
            deals=deals,
            seed=seed,
            faults=_faults(faults),
            host=host,
            port=port,
            data=data,
            custom_fields=custom_fields,
            state_dir=state_dir,
            allow_remote=allow_remote,
            org=org,
            now=anchor,
        )
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    stop = threading.Event()
    sb.start()
    if transcript is not None:
        assert sb.hub is not None
        sb.hub.transcript = Transcript(transcript)
    try:
        info: dict[str, Any] = {
            "base_url": sb.base_url,
            "ca_path": str(sb.ca_path),
            "salesforce": sb.salesforce_credentials,
            "hubspot": sb.hubspot_credentials,
            "admin": f"{sb.base_url}/_sandbox/stats",
        }
        typer.echo(json.dumps(info, indent=2), nl=True)
        typer.echo("serving; Ctrl-C or SIGTERM to stop", err=True)
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        sb.stop()
        if sb.hub is not None and sb.hub.transcript is not None:
            sb.hub.transcript.close()


@sandbox_app.command("seed")
def seed_cmd(
    output: Path = typer.Option(..., dir_okay=False, help="File to write (gzipped JSON lines)."),
    deals: int = typer.Option(200, min=0, help="Deals to generate."),
    seed: int = typer.Option(7, help="Generator seed."),
) -> None:
    """Generate a world and write it to a data file that `sandbox serve --data` loads."""
    from ._datafile import save_world

    world = generate(deals, seed)
    save_world(world, output)
    typer.echo(
        f"wrote {output}: {len(world.deals)} deals, {len(world.activities)} activities, "
        f"{len(world.contacts)} contacts (seed {seed})"
    )


if __name__ == "__main__":  # ``python -m nextadvance.sandbox.cli serve ...`` (benchmarks)
    sandbox_app()
