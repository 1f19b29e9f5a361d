# SPDX-License-Identifier: Apache-2.0
"""HySDS job status → OGC API Processes status (ARCHITECTURE decision 7).

job-queued → accepted, job-started → running, job-completed → successful,
job-failed → failed (message from `short_error`), job-revoked → dismissed,
job-offline → failed with a message, job-deduped → the original job's status
with a message (the caller resolves `dedup_job`). Times come from
`job.job_info` (hysds.md §7.4).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ACCEPTED = "accepted"
RUNNING = "running"
SUCCESSFUL = "successful"
FAILED = "failed"
DISMISSED = "dismissed"
OGC_STATUSES = (ACCEPTED, RUNNING, SUCCESSFUL, FAILED, DISMISSED)

_DIRECT = {
    "job-queued": ACCEPTED,
    "job-started": RUNNING,
    "job-completed": SUCCESSFUL,
    "job-failed": FAILED,
    "job-revoked": DISMISSED,
    "job-offline": FAILED,
}
# HySDS statuses per OGC status, for queries on job_status-current.
HYSDS_STATUSES: dict[str, list[str]] = {
    ACCEPTED: ["job-queued"],
    RUNNING: ["job-started"],
    SUCCESSFUL: ["job-completed"],
    FAILED: ["job-failed", "job-offline"],
    DISMISSED: ["job-revoked"],
}
OFFLINE_MESSAGE = "the worker running this job went offline; operators may retry it"


@dataclass(frozen=True)
class JobState:
    """A job's state in OGC terms, with what HySDS recorded about it."""

    status: str
    hysds_status: str | None = None
    message: str | None = None
    created: str | None = None
    started: str | None = None
    finished: str | None = None
    updated: str | None = None
    products: list[dict[str, Any]] = field(default_factory=list)
    job_url: str | None = None
    dedup_job: str | None = None
    queue: str | None = None


def not_yet_indexed(created: str | None) -> JobState:
    """A job we submitted whose status document Logstash has not written yet.

    HySDS status is eventually consistent (hysds.md §3.8); our own record says
    the job was confirmed, so it is accepted (§7.4).
    """
    return JobState(status=ACCEPTED, message="submitted to HySDS", created=created)


def from_status_doc(doc: dict[str, Any]) -> JobState:
    """Map one `job_status` document; deduped jobs need `dedup_job` resolved."""
    hysds_status = str(doc.get("status", ""))
    job_info = doc.get("job", {}).get("job_info", {})
    return JobState(
        status=_DIRECT.get(hysds_status, ACCEPTED),
        hysds_status=hysds_status,
        message=_message(hysds_status, doc),
        created=job_info.get("time_queued"),
        started=job_info.get("time_start"),
        finished=job_info.get("time_end") if hysds_status in _TERMINAL else None,
        updated=doc.get("@timestamp"),
        products=list(job_info.get("metrics", {}).get("products_staged", [])),
        job_url=job_info.get("job_url"),
        dedup_job=doc.get("dedup_job") if hysds_status == "job-deduped" else None,
        queue=job_info.get("job_queue"),
    )


_TERMINAL = {"job-completed", "job-failed", "job-revoked", "job-offline", "job-deduped"}


def _message(hysds_status: str, doc: dict[str, Any]) -> str | None:
    if hysds_status == "job-failed":
        return str(doc.get("short_error") or doc.get("error") or "job failed")
    if hysds_status == "job-offline":
        return OFFLINE_MESSAGE
    if hysds_status == "job-deduped":
        return str(doc.get("dedup_msg") or "duplicate of an earlier job")
    return hysds_status or None


def deduped(state: JobState, original: JobState | None) -> JobState:
    """A deduped job shows its original's status, saying so (decision 7)."""
    message = f"deduplicated: same payload as job {state.dedup_job}"
    if original is None:
        return JobState(
            status=SUCCESSFUL,
            hysds_status=state.hysds_status,
            message=message + " (no longer on record)",
            created=state.created,
            finished=state.finished,
            updated=state.updated,
            dedup_job=state.dedup_job,
        )
    return JobState(
        status=original.status,
        hysds_status=state.hysds_status,
        message=message,
        created=state.created,
        started=original.started,
        finished=original.finished,
        updated=state.updated,
        products=original.products,
        job_url=original.job_url,
        dedup_job=state.dedup_job,
        queue=state.queue,
    )
