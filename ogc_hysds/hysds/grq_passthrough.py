# SPDX-License-Identifier: Apache-2.0
"""Raw search bodies run on GRQ products or Mozart job statuses, after the allow-list.

The caller's body (checked by `query_allowlist`) is reassembled here around what
the server decides: the index (the `grq` alias or `job_status-current`, never
one the caller names), exact hit counts, a stable sort ending in a unique
tiebreaker and paging by opaque `search_after` tokens in the style of the items
endpoint, so pages past 10,000 hits work. Hits come back as GRQ products or as
job summaries (ARCHITECTURE decision 7 for the status).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ogc_hysds.backend.search import SearchBackend
from ogc_hysds.hysds import status as job_status
from ogc_hysds.hysds.catalogue import ESSENTIAL_FIELDS, TtlCache
from ogc_hysds.hysds.grq_query import (
    GEOMETRY_FIELD,
    START_FIELD,
    Direction,
    PageToken,
    QueryError,
    SortKey,
    decode_token,
    encode_token,
    sort_signature,
)
from ogc_hysds.hysds.query_allowlist import (
    CheckedQuery,
    FieldFacts,
    Limits,
    check_body,
    field_facts,
)

# Job-status fields a job summary is made of.
JOB_FIELDS = (
    "payload_id",
    "job_id",
    "status",
    "type",
    "tags",
    "short_error",
    "error",
    "dedup_job",
    "dedup_msg",
    "@timestamp",
    "job.type",
    "job.username",
    "job.job_info.job_queue",
    "job.job_info.time_queued",
    "job.job_info.time_start",
    "job.job_info.time_end",
    "job.job_info.job_url",
)


@dataclass(frozen=True)
class Target:
    """Where pass-through queries run and how their results are ordered."""

    name: str
    index: str
    default_sort: tuple[SortKey, ...]
    tiebreaker: str
    # Fields the result rendering needs whatever `_source` the caller asks for.
    required_source: tuple[str, ...]
    # Fields never sent back (HySDS's catch-all copy of every string).
    excluded_source: tuple[str, ...] = ()


def grq_target(alias: str) -> Target:
    return Target(
        name="grq",
        index=alias,
        default_sort=(SortKey(START_FIELD, False),),
        tiebreaker="id.keyword",
        required_source=(*ESSENTIAL_FIELDS, GEOMETRY_FIELD),
        excluded_source=("text_fields",),
    )


def jobs_target(alias: str) -> Target:
    # `payload_id` is the status document's `_id` (hysds.md §2.5): unique.
    return Target(
        name="jobs",
        index=alias,
        default_sort=(SortKey("job.job_info.time_queued", False),),
        tiebreaker="payload_id",
        required_source=JOB_FIELDS,
    )


@dataclass
class PassthroughPage:
    """Raw hit sources of one page, with counts, tokens and aggregation buckets."""

    sources: list[dict[str, Any]]
    number_matched: int
    next_token: str | None = None
    prev_token: str | None = None
    aggregations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


class QueryPassthrough:
    """Runs checked search bodies on one target through the search backend."""

    def __init__(
        self, search: SearchBackend, target: Target, limits: Limits, *, ttl: float
    ) -> None:
        self.search = search
        self.target = target
        self.limits = limits
        self.cache = TtlCache(ttl)

    def facts(self) -> FieldFacts:
        """Known, sortable and disabled fields of the target, cached for the TTL."""
        return self.cache.get(
            "facts", lambda: field_facts(self.search.mapping(self.target.index))
        )

    def run(self, body: Any) -> PassthroughPage:
        """Check `body`, run it and return one page; `QueryError` names an offence."""
        checked = check_body(body, self.facts(), self.limits)
        keys = self._sort_keys(checked)
        signature = sort_signature(keys)
        token = (
            decode_token(checked.token, signature, len(keys)) if checked.token else None
        )
        if checked.search_after is not None and len(checked.search_after) != len(keys):
            raise QueryError(
                f"search_after needs {len(keys)} values: the sort ends in "
                f"{self.target.tiebreaker}",
                "search_after",
            )

        search_body = self._search_body(checked, keys, token)
        reply = self.search.search(
            self.target.index, search_body, operation=f"passthrough-{self.target.name}"
        )
        return self._page(reply, checked, signature, token)

    def _sort_keys(self, checked: CheckedQuery) -> list[SortKey]:
        keys = list(checked.sort or self.target.default_sort)
        if not any(key.field == self.target.tiebreaker for key in keys):
            keys.append(SortKey(self.target.tiebreaker, True))
        return keys

    def _search_body(
        self, checked: CheckedQuery, keys: list[SortKey], token: PageToken | None
    ) -> dict[str, Any]:
        direction: Direction = token.direction if token else "next"
        body: dict[str, Any] = {
            "query": checked.query or {"match_all": {}},
            "sort": sort_clause(keys, direction),
            "track_total_hits": True,
            "_source": self._source(checked),
            # One extra hit tells whether another page follows.
            "size": min(checked.size + 1, MAX_SIZE - (checked.start or 0)),
        }
        if token is not None:
            body["search_after"] = list(token.values)
        elif checked.search_after is not None:
            body["search_after"] = list(checked.search_after)
        if checked.start is not None:
            body["from"] = checked.start
        if checked.aggregations:
            body["aggs"] = {
                name: {"terms": {"field": agg.field, "size": agg.size}}
                for name, agg in checked.aggregations.items()
            }
        return body

    def _source(self, checked: CheckedQuery) -> dict[str, Any] | bool:
        excludes = list(self.target.excluded_source)
        if checked.source is None:
            return {"excludes": excludes} if excludes else True
        # Only mapped names: the backend refuses `_source` fields it cannot find,
        # and HySDS maps some (e.g. `dedup_job`) only once a document has them.
        known = self.facts().known
        required = {name for name in self.target.required_source if name in known}
        includes = sorted(required | set(checked.source))
        return {"includes": includes, "excludes": excludes}

    def _page(
        self,
        reply: Mapping[str, Any],
        checked: CheckedQuery,
        signature: str,
        token: PageToken | None,
    ) -> PassthroughPage:
        hits = list(reply["hits"]["hits"])
        # At the window's edge the extra hit cannot be asked for: a full page
        # then counts as having a successor.
        more = len(hits) > checked.size or (
            len(hits) == checked.size > 0 and checked.size + 1 > MAX_SIZE
        )
        hits = hits[: checked.size]
        backwards = token is not None and token.direction == "prev"
        if backwards:
            hits.reverse()
        page = PassthroughPage(
            sources=[hit["_source"] for hit in hits],
            number_matched=int(reply["hits"]["total"]["value"]),
            aggregations=_buckets(reply.get("aggregations", {})),
        )
        # A page reached by from or search_after has pages before it, too.
        paged = token is not None or checked.search_after is not None
        paged = paged or bool(checked.start)
        if hits and (more or backwards):
            page.next_token = _token("next", hits[-1], signature)
        if hits and (more if backwards else paged):
            page.prev_token = _token("prev", hits[0], signature)
        return page


# OpenSearch's default index.max_result_window bounds size + from.
MAX_SIZE = 10_000


def sort_clause(keys: Sequence[SortKey], direction: Direction) -> list[dict[str, Any]]:
    """The sort for a page; a `prev` page reverses it (missing values too)."""
    clause = []
    for key in keys:
        ascending = key.ascending if direction == "next" else not key.ascending
        missing = "_last" if ascending == key.ascending else "_first"
        order = "asc" if ascending else "desc"
        clause.append({key.field: {"order": order, "missing": missing}})
    return clause


def _token(direction: Direction, hit: Mapping[str, Any], signature: str) -> str:
    return encode_token(PageToken(direction, tuple(hit["sort"]), signature))


def _buckets(aggregations: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {
        name: [
            {"value": bucket["key"], "count": int(bucket["doc_count"])}
            for bucket in result.get("buckets", [])
        ]
        for name, result in aggregations.items()
    }


# --- job summaries ---------------------------------------------------------------


def job_summaries(
    sources: list[dict[str, Any]],
    originals: Callable[[list[str]], dict[str, dict[str, Any]]],
) -> list[dict[str, Any]]:
    """Job summaries of status documents; `originals` looks up deduped jobs' originals.

    A deduplicated job shows its original's status (decision 7), so the originals
    of the page's deduped jobs are read in one search.
    """
    states = [job_status.from_status_doc(source) for source in sources]
    wanted = [state.dedup_job for state in states if state.dedup_job]
    found = originals(wanted) if wanted else {}
    summaries = []
    for source, state in zip(sources, states, strict=True):
        if state.dedup_job:
            original = found.get(state.dedup_job)
            state = job_status.deduped(
                state, job_status.from_status_doc(original) if original else None
            )
        summaries.append(job_summary(source, state))
    return summaries


def job_summary(
    source: Mapping[str, Any], state: job_status.JobState
) -> dict[str, Any]:
    """One job as the jobs pass-through returns it: OGC status plus HySDS facts."""
    job = source.get("job", {})
    return {
        "jobID": source.get("payload_id"),
        "status": state.status,
        "hysdsStatus": state.hysds_status,
        "message": state.message,
        "type": source.get("type") or job.get("type"),
        "tags": list(source.get("tags") or []),
        "username": job.get("username"),
        "queue": state.queue,
        "created": state.created,
        "started": state.started,
        "finished": state.finished,
        "updated": state.updated,
        "hysdsJobId": source.get("job_id"),
        "dedupJob": state.dedup_job,
    }


def status_docs_by_payload(
    search: SearchBackend, index: str
) -> Callable[[list[str]], dict[str, dict[str, Any]]]:
    """A lookup of status documents by payload id (for deduped jobs' originals)."""

    def lookup(payload_ids: list[str]) -> dict[str, dict[str, Any]]:
        body = {
            "query": {"terms": {"payload_id": sorted(set(payload_ids))}},
            "size": len(set(payload_ids)),
            "_source": {"includes": list(JOB_FIELDS)},
        }
        reply = search.search(index, body, operation="passthrough-dedup")
        return {
            hit["_source"]["payload_id"]: hit["_source"]
            for hit in reply["hits"]["hits"]
            if "payload_id" in hit["_source"]
        }

    return lookup
