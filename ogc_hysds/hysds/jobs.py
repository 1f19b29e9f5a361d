# SPDX-License-Identifier: Apache-2.0
"""Our job records and HySDS's job status, read together.

Decision 5: the OGC jobID is HySDS's `payload_id`, and at submit time we write
our own record (owner, processID, inputs, subscriber, created) to the
`ogc_jobs` index of the Mozart cluster, so a job is `accepted` before Logstash
has indexed its `job_status` document. A record is written `submitted: false`
first and flipped once HySDS confirmed the job; unconfirmed records are never
shown, so a failed submission leaves no job that looks accepted.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from ogc_hysds.backend.errors import NotFound
from ogc_hysds.backend.search import SearchBackend
from ogc_hysds.config import IndexSettings
from ogc_hysds.hysds import status as hysds_status
from ogc_hysds.hysds.status import ACCEPTED, RUNNING, JobState

log = logging.getLogger(__name__)

KIND_HYSDS = "hysds"
# Jobs of in-process processes (echo): their state lives in the record itself.
KIND_LOCAL = "local"


@dataclass
class JobRecord:
    job_id: str
    process_id: str
    owner: str
    created: str
    inputs: dict[str, Any] = field(default_factory=dict)
    subscriber: dict[str, Any] | None = None
    kind: str = KIND_HYSDS
    submitted: bool = False
    tags: list[str] = field(default_factory=list)
    queue: str | None = None
    local_state: dict[str, Any] | None = None
    # Set when the caller dismissed the job: a purge deletes HySDS's status
    # document, so the record has to remember (hysds.md §3.10).
    dismissed: bool = False

    def to_doc(self) -> dict[str, Any]:
        # Inputs and subscriber are stored as JSON text: their shapes differ per
        # process and would otherwise fight over one dynamic mapping.
        return {
            "job_id": self.job_id,
            "process_id": self.process_id,
            "owner": self.owner,
            "created": self.created,
            "inputs": json.dumps(self.inputs),
            "subscriber": json.dumps(self.subscriber),
            "kind": self.kind,
            "submitted": self.submitted,
            "tags": self.tags,
            "queue": self.queue,
            "local_state": json.dumps(self.local_state),
            "dismissed": self.dismissed,
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> JobRecord:
        return cls(
            job_id=doc["job_id"],
            process_id=doc["process_id"],
            owner=doc["owner"],
            created=doc["created"],
            inputs=json.loads(doc.get("inputs") or "{}"),
            subscriber=json.loads(doc.get("subscriber") or "null"),
            kind=doc.get("kind", KIND_HYSDS),
            submitted=bool(doc.get("submitted")),
            tags=list(doc.get("tags") or []),
            queue=doc.get("queue"),
            local_state=json.loads(doc.get("local_state") or "null"),
            dismissed=bool(doc.get("dismissed")),
        )


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


@dataclass(frozen=True)
class Job:
    record: JobRecord
    state: JobState


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class JobStore:
    """Job records in the Mozart cluster, joined with `job_status-current`."""

    def __init__(self, mozart: SearchBackend, indices: IndexSettings) -> None:
        self.mozart = mozart
        self.indices = indices
        self.index_name = indices.name("ogc_jobs")

    def save(self, record: JobRecord) -> None:
        self.mozart.index(self.index_name, record.job_id, record.to_doc(), refresh=True)

    def discard(self, job_id: str) -> None:
        """Drop the record of a submission HySDS never confirmed."""
        try:
            self.mozart.delete(self.index_name, job_id)
        except NotFound:
            pass

    def record(self, job_id: str) -> JobRecord | None:
        try:
            doc = self.mozart.get(self.index_name, job_id)
        except NotFound:
            return None
        record = JobRecord.from_doc(doc)
        return record if record.submitted else None

    def job(self, job_id: str) -> Job | None:
        record = self.record(job_id)
        if record is None:
            return None
        return Job(record, self.states([record])[job_id])

    def states(self, records: list[JobRecord]) -> dict[str, JobState]:
        """Each record's current state, from HySDS or from the record itself."""
        hysds_ids = [r.job_id for r in records if r.kind == KIND_HYSDS]
        docs = self.status_docs(hysds_ids)
        states: dict[str, JobState] = {}
        for record in records:
            states[record.job_id] = self._state(record, docs.get(record.job_id))
        return states

    def _state(self, record: JobRecord, doc: dict[str, Any] | None) -> JobState:
        if record.kind == KIND_LOCAL:
            return JobState(**(record.local_state or {"status": "accepted"}))
        if doc is None and record.dismissed:
            return JobState(status=hysds_status.DISMISSED, created=record.created)
        if doc is None:
            return hysds_status.not_yet_indexed(record.created)
        state = hysds_status.from_status_doc(doc)
        if state.created is None:
            state = replace(state, created=record.created)
        if record.dismissed and state.status in (ACCEPTED, RUNNING):
            # Revoke and purge are asynchronous jobs; the caller's dismissal
            # stands while HySDS catches up.
            state = replace(state, status=hysds_status.DISMISSED)
        if state.dedup_job:
            original = self.status_docs([state.dedup_job]).get(state.dedup_job)
            original_state = (
                hysds_status.from_status_doc(original) if original else None
            )
            state = hysds_status.deduped(state, original_state)
        return state

    def status_docs(self, payload_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The newest `job_status` doc per payload_id (hysds.md §3.8: a doc
        may briefly sit in two daily indices, so sort by `@timestamp`)."""
        ids = list(payload_ids)
        if not ids:
            return {}
        body = {
            "size": len(ids) * 2,
            "query": {"ids": {"values": ids}},
            "sort": [{"@timestamp": {"order": "desc", "unmapped_type": "date"}}],
        }
        reply = self.mozart.search(
            self.indices.name("job_status_alias"), body, operation="job_status"
        )
        docs: dict[str, dict[str, Any]] = {}
        for hit in reply["hits"]["hits"]:
            docs.setdefault(hit["_id"], hit["_source"])
        return docs

    def page(
        self, filters: JobFilters, limit: int, offset: int
    ) -> tuple[list[Job], int | None]:
        """Newest first; returns the page and the offset of the next one.

        Record-level filters run in OpenSearch; status and duration depend on
        HySDS's documents, so they are applied per batch until the page is
        full.
        """
        jobs: list[Job] = []
        cursor = offset
        batch = max(limit * 2, 50)
        while True:
            records = self._records(filters, cursor, batch)
            states = self.states(records)
            for position, record in enumerate(records):
                job = Job(record, states[record.job_id])
                if not _matches(job, filters):
                    continue
                if len(jobs) == limit:
                    return jobs, cursor + position
                jobs.append(job)
            if len(records) < batch:
                return jobs, None
            cursor += batch

    def _records(self, filters: JobFilters, start: int, size: int) -> list[JobRecord]:
        body = {
            "from": start,
            "size": size,
            "query": {"bool": {"filter": _record_filters(filters)}},
            "sort": [
                {"created": {"order": "desc", "unmapped_type": "date"}},
                {"job_id.keyword": {"order": "desc", "unmapped_type": "keyword"}},
            ],
        }
        reply = self.mozart.search(self.index_name, body, operation="ogc_jobs")
        return [JobRecord.from_doc(hit["_source"]) for hit in reply["hits"]["hits"]]


def _record_filters(filters: JobFilters) -> list[dict[str, Any]]:
    clauses: list[dict[str, Any]] = [{"term": {"submitted": True}}]
    if filters.owner is not None:
        clauses.append({"term": {"owner.keyword": filters.owner}})
    if filters.process_ids:
        clauses.append({"terms": {"process_id.keyword": filters.process_ids}})
    if filters.tags:
        clauses.append({"terms": {"tags.keyword": filters.tags}})
    if filters.queues:
        clauses.append({"terms": {"queue.keyword": filters.queues}})
    created: dict[str, str] = {}
    if filters.created_from:
        created["gte"] = filters.created_from
    if filters.created_to:
        created["lte"] = filters.created_to
    if created:
        clauses.append({"range": {"created": created}})
    return clauses


def _matches(job: Job, filters: JobFilters) -> bool:
    if filters.statuses and job.state.status not in filters.statuses:
        return False
    if filters.min_duration is None and filters.max_duration is None:
        return True
    duration = _duration(job.state)
    if duration is None:
        return False
    if filters.min_duration is not None and duration < filters.min_duration:
        return False
    return filters.max_duration is None or duration <= filters.max_duration


def _duration(state: JobState) -> float | None:
    # OGC job-list: duration runs from start to finish, or to now if running.
    if state.started is None:
        return None
    started = parse_time(state.started)
    ended = parse_time(state.finished) if state.finished else dt.datetime.now(dt.UTC)
    return (ended - started).total_seconds()


def parse_time(text: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
