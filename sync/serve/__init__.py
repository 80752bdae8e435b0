"""``nextadvance serve``: scheduled syncs in one long-running process, with health and metrics.

One APScheduler job per connection (coalesced, at most one instance, explicit misfire
grace), ``/healthz`` ``/readyz`` ``/metrics`` over HTTP, graceful shutdown on SIGTERM.
For many connections or large orgs, run ``nextadvance sync --connection X`` from a
Kubernetes CronJob instead (deploy/k8s/); the state-store lock makes both safe together.
"""

from ._http import HealthServer, ReadinessCheck
from ._metrics import RunOutcome, ServeMetrics
from ._scheduling import (
    DEFAULT_MISFIRE_GRACE_S,
    JobSpec,
    build_scheduler,
    trigger_for,
)
from ._service import RunFn, ServeOptions, Service

__all__ = [
    "DEFAULT_MISFIRE_GRACE_S",
    "HealthServer",
    "JobSpec",
    "ReadinessCheck",
    "RunFn",
    "RunOutcome",
    "ServeMetrics",
    "ServeOptions",
    "Service",
    "build_scheduler",
    "trigger_for",
]
