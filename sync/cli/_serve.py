"""``nextadvance serve``: run every scheduled connection from one long-lived process."""

from __future__ import annotations

from pathlib import Path

import typer

from nextadvance.core.errors import ConfigError, Problem

from ..config._logging import configure_logging, register_secrets_from
from ..config._settings import load_settings

#: This module's commands, merged into the root app by :mod:`._app`.
commands = typer.Typer()


__all__ = ["serve"]


@commands.command()
def serve(
    config: Path | None = typer.Option(
        None, "--config", "-c", help="nextadvance.yaml (default: $NEXTADVANCE_CONFIG or ./)."
    ),
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address for /healthz /readyz /metrics (0.0.0.0 in a pod)."
    ),
    port: int = typer.Option(9464, "--port", help="Port for /healthz /readyz /metrics."),
    misfire_grace: float = typer.Option(
        300.0,
        "--misfire-grace-seconds",
        envvar="NEXTADVANCE_MISFIRE_GRACE_SECONDS",
        min=1,
        help="A run that starts later than this after its fire time is skipped (and logged).",
    ),
    timezone: str = typer.Option(
        "UTC", "--timezone", envvar="NEXTADVANCE_TIMEZONE", help="Time zone of the cron schedules."
    ),
    interval_seconds: float | None = typer.Option(
        None,
        "--interval-seconds",
        min=0.1,
        hidden=True,
        help="Testing/demo: run every connection every N seconds instead of its schedule.",
    ),
    log_level: str | None = typer.Option(
        None, "--log-level", help="DEBUG, INFO, WARNING... (default: the settings' log_level)."
    ),
) -> None:
    """Run the scheduled syncs until SIGTERM/SIGINT, serving health and Prometheus metrics."""
    # the scheduler, the run and the store load with the command, not with ``--help``
    from ..serve import ServeOptions, Service
    from ..serve._jobs import job_specs, make_run, register_credentials, store_probe

    settings = load_settings(config)
    configure_logging(log_level or settings.log_level, None)
    register_secrets_from(settings)
    specs = job_specs(settings, timezone=timezone, interval_seconds=interval_seconds)
    register_credentials(settings, {s.connection for s in specs})
    options = ServeOptions(
        host=host,
        port=port,
        misfire_grace_s=misfire_grace,
        timezone=timezone,
        extra_checks={"state_store": store_probe(settings.state_url)},
    )
    try:
        service = Service(specs, make_run(settings), options)
    except OSError as exc:
        raise ConfigError(
            [
                Problem(
                    f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                    key_path="--port",
                    hint="another process uses the port; pick another with --port",
                )
            ]
        ) from None
    raise typer.Exit(service.run_forever())
