"""``nextadvance --help`` loads neither the state store nor the run, the scheduler, the
report's charts or a CRM's client library: they load with the commands that use them (and
behave the same)."""

from __future__ import annotations

import json
import subprocess
import sys

#: modules the command line must not load just to build its commands and print help
HEAVY = (
    "alembic",
    "sqlalchemy",
    "plotly",
    "apscheduler",
    "nextadvance.sync.store",
    "nextadvance.sync.run",
    "nextadvance.sync.serve",
    "nextadvance.sync.report",
    # the CRMs are listed through their profiles, which need neither client library
    "simple_salesforce",
    "hubspot",
    "requests",
)


def test_help_loads_no_store_run_or_report() -> None:
    code = (
        "import json, sys\n"
        "from nextadvance.sync import cli\n"
        "try:\n"
        "    cli.main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_connector_names_still_load_on_use() -> None:
    """The CRM packages' lazily loaded names are the ones their modules define."""
    from nextadvance.connectors import hubspot, salesforce
    from nextadvance.connectors.hubspot._connector import HubSpotConnector
    from nextadvance.connectors.salesforce._errors import classify_salesforce

    assert hubspot.HubSpotConnector is HubSpotConnector
    assert salesforce.classify_salesforce is classify_salesforce
    for pkg in (hubspot, salesforce):
        assert all(getattr(pkg, name) is not None for name in pkg.__all__)


def test_public_names_still_load_on_use() -> None:
    import nextadvance.sync as sync
    from nextadvance.sync.run import run_sync
    from nextadvance.sync.store import StateStore

    assert sync.run_sync is run_sync and sync.StateStore is StateStore
    assert {"load_settings", "RunReport", "ConnectionLocked"} <= set(sync.__all__)
