# SPDX-License-Identifier: Apache-2.0
"""Revoke and purge through HySDS's lightweight jobs (hysds.md §3.10).

Mozart has no REST revoke: clients submit `job-lw-mozart-revoke` (a running
job) or `job-lw-mozart-purge` (a queued one) with an ES query selecting the
job by payload_id, `component: mozart` and the operation, on the job spec's
required queue (`system-jobs-queue`).
"""

from __future__ import annotations

from ogc_hysds.hysds.registry import Process, ProcessRegistry
from ogc_hysds.hysds.resolve import Controls, ResolvedJob

REVOKE = "revoke"
PURGE = "purge"


def find_lightweight(registry: ProcessRegistry, operation: str) -> Process | None:
    """The newest registered `job-lw-mozart-<operation>` job type."""
    prefix = f"job-lw-mozart-{operation}:"
    found = [p for p in registry.all() if p.job_spec_id.startswith(prefix)]
    return found[-1] if found else None


def lightweight_job(process: Process, operation: str, payload_id: str) -> ResolvedJob:
    query = {"query": {"bool": {"must": [{"term": {"_id": payload_id}}]}}}
    queues = process.queues or ["system-jobs-queue"]
    controls = Controls(
        queue=queues[0],
        priority=0,
        tags=[f"{operation}-{payload_id}"],
        job_name=None,
        soft_time_limit=int(process.job_spec.get("soft_time_limit", 86400)),
        time_limit=int(process.job_spec.get("time_limit", 86700)),
        disk_usage=str(process.job_spec.get("disk_usage", "3GB")),
        # Two dismissals of the same job are one dismissal.
        enable_dedup=False,
    )
    params = {"query": query, "component": "mozart", "operation": operation}
    return ResolvedJob(process=process, params=params, controls=controls)
