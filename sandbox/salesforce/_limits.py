"""``GET /services/data/vXX.X/limits``: the org limits a real Enterprise org lists.

Names follow the REST API Developer Guide, "List Organization Limits" (resources_limits.htm),
whose example response lists these keys; each is ``{"Max", "Remaining"}``.  The maxima are
the documented Enterprise Edition defaults where they are documented (daily Bulk API
batches 15,000, Bulk API 2.0 query jobs 10,000 a day) and otherwise plausible fixed
values: a client reads the names and compares Remaining with Max, nothing more.
DailyApiRequests and DailyBulkApiBatches count what this sandbox has served.
"""

from __future__ import annotations

from typing import Any

__all__ = ["org_limits"]

_FIXED: dict[str, int] = {
    "ActiveScratchOrgs": 3,
    "AnalyticsExternalDataSizeMB": 40960,
    "ConcurrentAsyncGetReportInstances": 200,
    "ConcurrentSyncReportRuns": 20,
    "DailyAnalyticsDataflowJobExecutions": 60,
    "DailyAsyncApexExecutions": 250000,
    "DailyAsyncApexTests": 500,
    "DailyBulkV2QueryFileStorageMB": 976562,
    "DailyBulkV2QueryJobs": 10000,
    "DailyDeliveredPlatformEvents": 50000,
    "DailyDurableGenericStreamingApiEvents": 10000,
    "DailyDurableStreamingApiEvents": 10000,
    "DailyGenericStreamingApiEvents": 10000,
    "DailyScratchOrgs": 6,
    "DailyStandardVolumePlatformEvents": 10000,
    "DailyStreamingApiEvents": 10000,
    "DailyWorkflowEmails": 1000000,
    "DataStorageMB": 1024,
    "DurableStreamingApiConcurrentClients": 20,
    "FileStorageMB": 2048,
    "HourlyAsyncReportRuns": 1200,
    "HourlyDashboardRefreshes": 200,
    "HourlyDashboardResults": 5000,
    "HourlyDashboardStatuses": 999999999,
    "HourlyODataCallout": 10000,
    "HourlyPublishedPlatformEvents": 50000,
    "HourlyPublishedStandardVolumePlatformEvents": 1000,
    "HourlySyncReportRuns": 500,
    "HourlyTimeBasedWorkflow": 50,
    "MassEmail": 5000,
    "Package2VersionCreates": 6,
    "PermissionSets": 1500,
    "SingleEmail": 5000,
    "StreamingApiConcurrentClients": 20,
}
BULK_BATCHES_MAX = 15000


def org_limits(api_max: int, api_used: int, bulk_used: int, bulk_v2_jobs: int) -> dict[str, Any]:
    """Every limit as ``{"Max", "Remaining"}``; the counted ones reflect this sandbox's use."""
    out: dict[str, Any] = {k: {"Max": v, "Remaining": v} for k, v in _FIXED.items()}
    out["DailyApiRequests"] = {"Max": api_max, "Remaining": max(0, api_max - api_used)}
    out["DailyBulkApiBatches"] = {
        "Max": BULK_BATCHES_MAX,
        "Remaining": max(0, BULK_BATCHES_MAX - bulk_used),
    }
    jobs = _FIXED["DailyBulkV2QueryJobs"]
    out["DailyBulkV2QueryJobs"] = {"Max": jobs, "Remaining": max(0, jobs - bulk_v2_jobs)}
    return dict(sorted(out.items()))
