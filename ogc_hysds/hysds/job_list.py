# SPDX-License-Identifier: Apache-2.0
"""The `/jobs` filters as OpenSearch queries, pushed down to both job sources.

The job list reads two sources (docs/processes.md, "Job list"):
`job_status-current`, where HySDS keeps every job (also those never submitted
through us), and our `ogc_jobs` records of jobs HySDS has not indexed yet.
Status and duration are filtered inside the `job_status` query, so `limit` and
the `next` cursor count only matching jobs. Three corrections to HySDS's own
status are folded into the query:

* a job the caller dismissed reads `dismissed` while its doc still says
  queued or started (revoke and purge are asynchronous, hysds.md §3.10);
* a `job-deduped` job reads as its original (decision 7), so it matches when
  its `dedup_job` is among the originals that match;
* duration is HySDS's `job_info.duration` for finished jobs and now minus
  `time_start` for running ones; other jobs have none.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from ogc_hysds.hysds.status import DISMISSED, HYSDS_STATUSES, SUCCESSFUL

Clause = dict[str, Any]
# A position in the newest-first order: (created, epoch ms) and the job id.
SortKey = tuple[int, str]

JOB_TYPE_PREFIX = "job-"
LIVE = ["job-queued", "job-started"]
DEDUPED = "job-deduped"

TIME_QUEUED = "job.job_info.time_queued"
STATUS_SORT = [{TIME_QUEUED: {"order": "desc"}}, {"payload_id": {"order": "desc"}}]
RECORD_SORT = [{"created": {"order": "desc"}}, {"job_id": {"order": "desc"}}]


@dataclass(frozen=True)
class JobFilters:
    """What `/jobs` narrows by; `owner` None means every owner (ops)."""

    owner: str | None = None
    process_ids: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    created_from: str | None = None
    created_to: str | None = None
    min_duration: float | None = None
    max_duration: float | None = None
    tags: list[str] = field(default_factory=list)
    queues: list[str] = field(default_factory=list)
    # processID globs of HySDS system jobs, never listed (processes.hidden).
    hidden: list[str] = field(default_factory=list)
    # `type` other than `process` was asked for: nothing can match.
    nothing: bool = False

    @property
    def by_duration(self) -> bool:
        return self.min_duration is not None or self.max_duration is not None


def job_type_of(process_id: str) -> str:
    """HySDS's `type` of a process's jobs: its job spec id (`job-<processID>`).

    hysds_commons derives a hysds-io id from the job spec id by replacing
    `job` with `hysds-io` (hysds.md §3.2), and processID drops `hysds-io-`.
    """
    return JOB_TYPE_PREFIX + process_id


def process_id_of_type(job_type: str) -> str:
    return job_type.removeprefix(JOB_TYPE_PREFIX)


def encode_cursor(key: SortKey) -> str:
    raw = json.dumps([key[0], key[1]]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str) -> SortKey:
    """The position a `next` token names; ValueError when it is not ours."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        millis, job_id = json.loads(raw)
    except (binascii.Error, ValueError, TypeError) as err:
        raise ValueError("not a job-list cursor") from err
    if not isinstance(millis, int) or not isinstance(job_id, str):
        raise ValueError("not a job-list cursor")
    return millis, job_id


def status_filters(filters: JobFilters) -> list[Clause]:
    """Filters on `job_status` docs that do not depend on status or duration."""
    clauses: list[Clause] = [{"term": {"resource": "job"}}]
    if filters.owner is not None:
        clauses.append({"term": {"job.username": filters.owner}})
    if filters.process_ids:
        types = [job_type_of(pid) for pid in filters.process_ids]
        clauses.append({"terms": {"type": types}})
    if filters.tags:
        clauses.append({"terms": {"tags.keyword": filters.tags}})
    if filters.queues:
        clauses.append({"terms": {"job.job_info.job_queue": filters.queues}})
    created = _range(filters.created_from, filters.created_to)
    if created:
        clauses.append({"range": {TIME_QUEUED: created}})
    return clauses


def hidden_clauses(filters: JobFilters) -> list[Clause]:
    """must_not clauses leaving out HySDS system jobs (lw-mozart-*, ...)."""
    return [
        {"wildcard": {"type": {"value": job_type_of(pattern)}}}
        for pattern in filters.hidden
    ]


def status_clause(
    statuses: list[str], dismissed: list[str], originals: list[str]
) -> Clause:
    """Docs whose OGC status is one of `statuses`.

    `dismissed`: ids of jobs our records mark dismissed; `originals`: the
    `dedup_job` values whose original job has one of `statuses`.
    """
    hysds = sorted({value for status in statuses for value in HYSDS_STATUSES[status]})
    options: list[Clause] = []
    if hysds:
        direct: Clause = {"filter": [{"terms": {"status": hysds}}]}
        if dismissed:
            direct["must_not"] = [_dismissed_live(dismissed)]
        options.append({"bool": direct})
    if DISMISSED in statuses and dismissed:
        options.append(_dismissed_live(dismissed))
    if originals:
        deduped: list[Clause] = [
            {"term": {"status": DEDUPED}},
            {"terms": {"dedup_job.keyword": originals}},
        ]
        options.append({"bool": {"filter": deduped}})
    return {"bool": {"should": options, "minimum_should_match": 1}}


def _dismissed_live(dismissed: list[str]) -> Clause:
    ids = {"ids": {"values": dismissed}}
    return {"bool": {"filter": [ids, {"terms": {"status": LIVE}}]}}


def duration_clause(
    min_duration: float | None, max_duration: float | None, now: dt.datetime
) -> Clause:
    """Finished jobs by HySDS's `duration`; running ones by their start time."""
    seconds = _range(min_duration, max_duration)
    started: dict[str, str] = {}
    if min_duration is not None:
        started["lte"] = _iso(now - dt.timedelta(seconds=min_duration))
    if max_duration is not None:
        started["gte"] = _iso(now - dt.timedelta(seconds=max_duration))
    running: list[Clause] = [
        {"term": {"status": "job-started"}},
        {"range": {"job.job_info.time_start": started}},
    ]
    finished = {"range": {"job.job_info.duration": seconds}}
    return {
        "bool": {
            "should": [finished, {"bool": {"filter": running}}],
            "minimum_should_match": 1,
        }
    }


def include_orphans(statuses: list[str]) -> bool:
    """A deduped job whose original is gone reads `successful` (status.deduped)."""
    return SUCCESSFUL in statuses


def record_filters(filters: JobFilters) -> list[Clause]:
    """Filters on our `ogc_jobs` records (explicit keyword mapping)."""
    clauses: list[Clause] = [{"term": {"submitted": True}}]
    if filters.owner is not None:
        clauses.append({"term": {"owner": filters.owner}})
    if filters.process_ids:
        clauses.append({"terms": {"process_id": filters.process_ids}})
    if filters.tags:
        clauses.append({"terms": {"tags": filters.tags}})
    if filters.queues:
        clauses.append({"terms": {"queue": filters.queues}})
    created = _range(filters.created_from, filters.created_to)
    if created:
        clauses.append({"range": {"created": created}})
    return clauses


def _range(low: Any, high: Any) -> dict[str, Any]:
    bounds: dict[str, Any] = {}
    if low is not None:
        bounds["gte"] = low
    if high is not None:
        bounds["lte"] = high
    return bounds


def _iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
