# SPDX-License-Identifier: Apache-2.0
"""Our job records and HySDS's job status, read together.

Decision 5: the OGC jobID is HySDS's `payload_id`, and at submit time we write
our own record (owner, processID, inputs, subscriber, created) to the
`ogc_jobs` index of the Mozart cluster, so a job is `accepted` before Logstash
has indexed its `job_status` document. A record is written `submitted: false`
first and flipped once HySDS confirmed the job; unconfirmed records are never
shown, so a failed submission leaves no job that looks accepted.

HySDS's `job_status-current` is the authority for every job it has indexed,
including jobs never submitted through us (rule-triggered, Mozart UI); those
are shown too, with HySDS's `job.username` as their owner.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from ogc_hysds.backend.errors import NotFound
from ogc_hysds.backend.search import SearchBackend
from ogc_hysds.config import IndexSettings
from ogc_hysds.hysds import job_list
from ogc_hysds.hysds import status as hysds_status
from ogc_hysds.hysds.job_list import JobFilters, SortKey
from ogc_hysds.hysds.status import ACCEPTED, RUNNING, JobState

__all__ = ["Job", "JobFilters", "JobRecord", "JobStore", "OGC_JOBS_INDEX"]

log = logging.getLogger(__name__)

KIND_HYSDS = "hysds"
# Jobs of in-process processes (echo): their state lives in the record itself.
KIND_LOCAL = "local"

_KEYWORD = {"type": "keyword"}
_BOOLEAN = {"type": "boolean"}
# Inputs, subscriber and local state differ per process: stored as JSON,
# never indexed, so they cannot fight over one dynamic mapping.
_STORED = {"type": "object", "enabled": False}
OGC_JOBS_INDEX: dict[str, Any] = {
    "mappings": {
        "dynamic": False,
        "properties": {
            "job_id": _KEYWORD,
            "process_id": _KEYWORD,
            "owner": _KEYWORD,
            "created": {"type": "date"},
            "inputs": _STORED,
            "subscriber": _STORED,
            "kind": _KEYWORD,
            "submitted": _BOOLEAN,
            "tags": _KEYWORD,
            "queue": _KEYWORD,
            "local_state": _STORED,
            "dismissed": _BOOLEAN,
            "response": _KEYWORD,
        },
    }
}
# Enough dismissed jobs and dedup originals for one status-filtered listing.
_MAX_TERMS = 10000
_RECORD_BATCH = 100


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
    # How the caller asked for results (OGC API Processes 1.0 `response`).
    response: str = "raw"

    def to_doc(self) -> dict[str, Any]:
        return {
            "job_id": self.job_id,
            "process_id": self.process_id,
            "owner": self.owner,
            "created": self.created,
            "inputs": self.inputs,
            "subscriber": self.subscriber,
            "kind": self.kind,
            "submitted": self.submitted,
            "tags": self.tags,
            "queue": self.queue,
            "local_state": self.local_state,
            "dismissed": self.dismissed,
            "response": self.response,
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> JobRecord:
        return cls(
            job_id=doc["job_id"],
            process_id=doc["process_id"],
            owner=doc["owner"],
            created=doc["created"],
            inputs=_json(doc.get("inputs")) or {},
            subscriber=_json(doc.get("subscriber")),
            kind=doc.get("kind", KIND_HYSDS),
            submitted=bool(doc.get("submitted")),
            tags=list(doc.get("tags") or []),
            queue=doc.get("queue"),
            local_state=_json(doc.get("local_state")),
            dismissed=bool(doc.get("dismissed")),
            response=doc.get("response") or "raw",
        )

    @classmethod
    def from_status_doc(cls, doc: dict[str, Any]) -> JobRecord:
        """What we know of a job HySDS ran without us (no record of ours)."""
        job = doc.get("job") or {}
        job_info = job.get("job_info") or {}
        return cls(
            job_id=str(doc["payload_id"]),
            process_id=job_list.process_id_of_type(str(doc.get("type", ""))),
            owner=str(job.get("username") or ""),
            created=str(job_info.get("time_queued") or doc.get("@timestamp") or ""),
            submitted=True,
            tags=list(doc.get("tags") or []),
            queue=job_info.get("job_queue"),
        )


def _json(value: Any) -> Any:
    # Records written before the explicit mapping held JSON text.
    return json.loads(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class Job:
    record: JobRecord
    state: JobState


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class _Listed:
    """A job of the list with its place in the newest-first order."""

    key: SortKey
    job: Job


class JobStore:
    """Job records in the Mozart cluster, joined with `job_status-current`."""

    def __init__(self, mozart: SearchBackend, indices: IndexSettings) -> None:
        self.mozart = mozart
        self.indices = indices
        self.index_name = indices.name("ogc_jobs")
        self.status_index = indices.name("job_status_alias")
        self._ensured = False
        self._lock = threading.Lock()

    def ensure_index(self) -> None:
        """Create `ogc_jobs` with its explicit mapping, once per process."""
        with self._lock:
            if not self._ensured:
                if self.mozart.ensure_index(self.index_name, OGC_JOBS_INDEX):
                    log.info("created job record index %s", self.index_name)
                self._ensured = True

    def save(self, record: JobRecord) -> None:
        """Write a record without waiting for an index refresh.

        A get by id sees it at once, which is all `/jobs/{id}` needs; the job
        list catches up within the index's refresh interval (1 s by default),
        as HySDS's own job status does. Waiting for the refresh would hold
        every execute for up to that long.
        """
        self.ensure_index()
        self.mozart.index(self.index_name, record.job_id, record.to_doc())

    def discard(self, job_id: str) -> None:
        """Drop the record of a submission HySDS never confirmed."""
        try:
            self.mozart.delete(self.index_name, job_id)
        except NotFound:
            pass

    def record(self, job_id: str) -> JobRecord | None:
        """Our record of a job, whether confirmed or not."""
        try:
            doc = self.mozart.get(self.index_name, job_id)
        except NotFound:
            return None
        return JobRecord.from_doc(doc)

    def job(self, job_id: str) -> Job | None:
        """A job we submitted, or one HySDS knows; None for neither.

        An unconfirmed record (the broker never confirmed it) is no job unless
        HySDS has a status document for it after all.
        """
        record = self.record(job_id)
        doc = self.status_docs([job_id]).get(job_id)
        if doc is None and (record is None or not record.submitted):
            return None
        if record is None:
            assert doc is not None
            record = JobRecord.from_status_doc(doc)
        record.submitted = True
        return Job(record, self._states([(record, doc)])[job_id])

    def states(self, records: list[JobRecord]) -> dict[str, JobState]:
        """Each record's current state, from HySDS or from the record itself."""
        hysds_ids = [r.job_id for r in records if r.kind == KIND_HYSDS]
        docs = self.status_docs(hysds_ids)
        return self._states([(r, docs.get(r.job_id)) for r in records])

    def _states(
        self, pairs: list[tuple[JobRecord, dict[str, Any] | None]]
    ) -> dict[str, JobState]:
        # Deduped jobs show their original's state: one lookup for the page.
        originals = [doc["dedup_job"] for _, doc in pairs if doc and _deduped(doc)]
        original_docs = self.status_docs(originals)
        return {
            record.job_id: _state(record, doc, original_docs) for record, doc in pairs
        }

    def status_docs(self, payload_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The newest `job_status` doc per payload_id (hysds.md §3.8: a doc
        may briefly sit in two daily indices, so sort by `@timestamp`)."""
        ids = list(dict.fromkeys(payload_ids))
        if not ids:
            return {}
        body = {
            "size": len(ids) * 2,
            "query": {"ids": {"values": ids}},
            "sort": [{"@timestamp": {"order": "desc", "unmapped_type": "date"}}],
        }
        reply = self.mozart.search(self.status_index, body, operation="job_status")
        docs: dict[str, dict[str, Any]] = {}
        for hit in reply["hits"]["hits"]:
            docs.setdefault(hit["_id"], hit["_source"])
        return docs

    # --- the job list ---------------------------------------------------------

    def page(
        self, filters: JobFilters, limit: int, after: SortKey | None = None
    ) -> tuple[list[Job], SortKey | None]:
        """Newest first; returns the page and the cursor of the next one.

        Jobs HySDS has indexed come from `job_status-current` with every filter
        in the query; jobs only we know of (not indexed yet, purged, echo)
        come from our records. The two sorted streams are merged on
        (created, id), so `next` is a stable search_after position.
        """
        if filters.nothing:
            return [], None
        indexed = self._indexed(filters, limit + 1, after)
        boundary = indexed[limit].key if len(indexed) > limit else None
        unindexed = self._unindexed(filters, limit + 1, after, boundary)

        merged = sorted(indexed + unindexed, key=lambda item: item.key, reverse=True)
        page = merged[:limit]
        next_key = page[-1].key if len(merged) > limit else None
        return [item.job for item in page], next_key

    def _indexed(
        self, filters: JobFilters, size: int, after: SortKey | None
    ) -> list[_Listed]:
        body: dict[str, Any] = {
            "size": size,
            "query": {
                "bool": {
                    "filter": self._status_query(filters),
                    "must_not": job_list.hidden_clauses(filters),
                }
            },
            "sort": job_list.STATUS_SORT,
        }
        if after is not None:
            body["search_after"] = list(after)
        reply = self.mozart.search(self.status_index, body, operation="job list")
        hits = reply["hits"]["hits"]

        records = self._records_by_id([hit["_id"] for hit in hits])
        pairs = []
        for hit in hits:
            record = records.get(hit["_id"]) or JobRecord.from_status_doc(
                hit["_source"]
            )
            pairs.append((record, hit["_source"]))
        states = self._states(pairs)
        return [
            _Listed(_key(hit["sort"]), Job(record, states[record.job_id]))
            for hit, (record, _) in zip(hits, pairs, strict=True)
        ]

    def _status_query(self, filters: JobFilters) -> list[dict[str, Any]]:
        clauses = job_list.status_filters(filters)
        if filters.statuses:
            dismissed = self._dismissed_ids(filters)
            originals = self._matching_originals(filters, dismissed)
            clauses.append(
                job_list.status_clause(filters.statuses, dismissed, originals)
            )
        if filters.by_duration:
            clauses.append(
                job_list.duration_clause(
                    filters.min_duration, filters.max_duration, dt.datetime.now(dt.UTC)
                )
            )
        return clauses

    def _dismissed_ids(self, filters: JobFilters) -> list[str]:
        clauses = job_list.record_filters(filters) + [{"term": {"dismissed": True}}]
        body = {
            "size": _MAX_TERMS,
            "_source": False,
            "query": {"bool": {"filter": clauses}},
        }
        reply = self.mozart.search(self.index_name, body, operation="ogc_jobs")
        return [hit["_id"] for hit in reply["hits"]["hits"]]

    def _matching_originals(
        self, filters: JobFilters, dismissed: list[str]
    ) -> list[str]:
        """`dedup_job` values of deduped jobs whose original matches the status."""
        clauses = job_list.status_filters(filters)
        clauses.append({"term": {"status": job_list.DEDUPED}})
        body = {
            "size": 0,
            "query": {"bool": {"filter": clauses}},
            "aggs": {
                "originals": {
                    "terms": {"field": "dedup_job.keyword", "size": _MAX_TERMS}
                }
            },
        }
        reply = self.mozart.search(self.status_index, body, operation="job list")
        buckets = reply.get("aggregations", {}).get("originals", {}).get("buckets", [])
        candidates = [str(bucket["key"]) for bucket in buckets]
        if not candidates:
            return []
        status = job_list.status_clause(filters.statuses, dismissed, [])
        ids = {"ids": {"values": candidates}}
        body = {
            "size": len(candidates),
            "_source": False,
            "query": {"bool": {"filter": [ids, status]}},
        }
        reply = self.mozart.search(self.status_index, body, operation="job list")
        matching = {hit["_id"] for hit in reply["hits"]["hits"]}
        if job_list.include_orphans(filters.statuses):
            matching |= set(candidates) - set(self.status_docs(candidates))
        return sorted(matching)

    def _unindexed(
        self,
        filters: JobFilters,
        want: int,
        after: SortKey | None,
        boundary: SortKey | None,
    ) -> list[_Listed]:
        """Our confirmed records HySDS has no status doc for, newest first.

        Scans records from the cursor down to the boundary of the indexed
        page: records HySDS has indexed are listed from HySDS instead.
        """
        found: list[_Listed] = []
        cursor = after
        while True:
            hits = self._record_hits(filters, cursor, _RECORD_BATCH)
            records = [JobRecord.from_doc(hit["_source"]) for hit in hits]
            docs = self.status_docs(r.job_id for r in records if r.kind == KIND_HYSDS)
            for hit, record in zip(hits, records, strict=True):
                key = _key(hit["sort"])
                if boundary is not None and key < boundary:
                    return found
                if record.job_id in docs:
                    continue
                job = Job(record, _state(record, None, {}))
                if _matches(job, filters):
                    found.append(_Listed(key, job))
                if len(found) == want:
                    return found
            if len(hits) < _RECORD_BATCH:
                return found
            cursor = _key(hits[-1]["sort"])

    def _record_hits(
        self, filters: JobFilters, after: SortKey | None, size: int
    ) -> list[dict[str, Any]]:
        body: dict[str, Any] = {
            "size": size,
            "query": {"bool": {"filter": job_list.record_filters(filters)}},
            "sort": job_list.RECORD_SORT,
        }
        if after is not None:
            body["search_after"] = list(after)
        reply = self.mozart.search(self.index_name, body, operation="ogc_jobs")
        hits: list[dict[str, Any]] = reply["hits"]["hits"]
        return hits

    def _records_by_id(self, job_ids: list[str]) -> dict[str, JobRecord]:
        if not job_ids:
            return {}
        body = {"size": len(job_ids), "query": {"ids": {"values": job_ids}}}
        reply = self.mozart.search(self.index_name, body, operation="ogc_jobs")
        records = (JobRecord.from_doc(hit["_source"]) for hit in reply["hits"]["hits"])
        return {record.job_id: record for record in records}


def _deduped(doc: dict[str, Any]) -> bool:
    return doc.get("status") == job_list.DEDUPED and bool(doc.get("dedup_job"))


def _state(
    record: JobRecord,
    doc: dict[str, Any] | None,
    originals: dict[str, dict[str, Any]],
) -> JobState:
    """A job's OGC state from its record, its status doc and its original's."""
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
        original = originals.get(state.dedup_job)
        original_state = hysds_status.from_status_doc(original) if original else None
        state = hysds_status.deduped(state, original_state)
    return state


def _key(sort: list[Any]) -> SortKey:
    return int(sort[0]), str(sort[1])


def _matches(job: Job, filters: JobFilters) -> bool:
    """Status and duration of a job only we know of (few: checked here)."""
    if filters.statuses and job.state.status not in filters.statuses:
        return False
    if not filters.by_duration:
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
