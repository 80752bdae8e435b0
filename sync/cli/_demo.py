"""``nextadvance demo``: run the whole product against the bundled sandbox CRM."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from types import FrameType

import typer
from rich.console import Console

from ._common import EXIT_CODES
from ._demo_run import run_demo
from ._demo_view import EMULATED

#: This module's commands, merged into the root app by :mod:`._app`.
commands = typer.Typer()


__all__: list[str] = []


@commands.command("demo")
def demo_command(
    ctx: typer.Context,
    crm: str = typer.Option(
        "salesforce", "--crm", help="Which CRM to emulate: " + " or ".join(EMULATED) + "."
    ),
    deals: int = typer.Option(300, "--deals", min=5, max=20000, help="Invented deals to seed."),
    seed: int = typer.Option(7, "--seed", help="Seed of the invented data (same seed, same data)."),
    directory: Path | None = typer.Option(
        None,
        "--dir",
        help="Where to write config, mapping, state and report (default: a temp dir).",
    ),
    keep_running: bool = typer.Option(
        False, "--keep-running", help="Leave the sandbox up afterwards (Ctrl-C to stop)."
    ),
) -> None:
    """Start a local CRM, sync it, show what reps see, change a few deals, sync again."""
    if crm not in EMULATED:
        raise typer.BadParameter(
            f"'{crm}' is not one of: {', '.join(EMULATED)}", param_hint="--crm"
        )
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    if keep_running and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
    root = ctx.find_root().command

    def invoke(args: list[str]) -> int:
        rv = root.main(args=args, standalone_mode=False)
        return rv if isinstance(rv, int) else 0

    result = run_demo(
        invoke=invoke,
        crm=crm,
        deals=deals,
        seed=seed,
        directory=directory,
        console=Console(),
        keep_running=keep_running,
        stop=stop,
    )
    statuses = {result.full_run.get("status"), result.incremental_run.get("status")}
    raise typer.Exit(EXIT_CODES["ok"] if statuses <= {"ok"} else EXIT_CODES["partial"])
