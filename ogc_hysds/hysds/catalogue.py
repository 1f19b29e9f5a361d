# SPDX-License-Identifier: Apache-2.0
"""The GRQ product catalogue: datasets, extents, queryables and product searches.

One `Catalogue` per process, shared by every request: it holds the search
backend and caches what changes slowly (the dataset list, extents, the merged
index mapping) for a TTL, so the request path never re-reads mappings. Searches
page with `search_after` over a stable sort ending in `id.keyword`, so any page
costs what the first one does and paging past 10,000 hits works.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from pygeofilter import ast

from ogc_hysds.backend.errors import BadRequest
from ogc_hysds.backend.search import SearchBackend
from ogc_hysds.hysds.extent_probe import Envelope, probe_bbox
from ogc_hysds.hysds.grq_cql2 import ResolvedField, to_dsl
from ogc_hysds.hysds.grq_query import (
    END_FIELD,
    GEOMETRY_FIELD,
    START_FIELD,
    TEXT_FIELD,
    Bbox,
    Direction,
    PageToken,
    QueryError,
    SortKey,
    TimeInterval,
    bbox_filter,
    decode_token,
    encode_token,
    free_text_filter,
    interval_overlap_filter,
    sort_clause,
    sort_signature,
    term_filter,
)
from ogc_hysds.hysds.grq_records import Product, product_from_record

log = logging.getLogger(__name__)

T = TypeVar("T")

# OpenSearch's default index.max_result_window: from + size beyond it fails.
MAX_WINDOW = 10_000

# Record fields a feature always needs, whatever `properties=` selects.
ESSENTIAL_FIELDS = (
    "id",
    "dataset",
    START_FIELD,
    END_FIELD,
    "urls",
    "browse_urls",
    "images",
)

# Queryables with a name of their own (OGC API Features Part 3 §6.2 suggests
# `geometry` and `datetime`); the rest keep their GRQ names.
SPECIAL_QUERYABLES: dict[str, ResolvedField] = {
    "geometry": ResolvedField(GEOMETRY_FIELD, "geometry"),
    "datetime": ResolvedField(START_FIELD, "interval"),
    "start_datetime": ResolvedField(START_FIELD, "date"),
    "end_datetime": ResolvedField(END_FIELD, "date"),
}

# Record fields that are not offered as queryables: geometry and time have their
# own names above, the rest are provenance, enrichment or full-text plumbing.
_HIDDEN_PREFIXES = (
    "location",
    "center",
    "starttime",
    "endtime",
    "text_fields",
    "urls",
    "browse_urls",
    "images",
    "prov",
    "city",
    "@timestamp",
    "metadata.context",
    "objectid",
    "ipath",
)

_KINDS = {
    "keyword": "keyword",
    "long": "number",
    "integer": "number",
    "short": "number",
    "byte": "number",
    "double": "number",
    "float": "number",
    "half_float": "number",
    "scaled_float": "number",
    "date": "date",
    "boolean": "boolean",
    "geo_shape": "geometry",
}


@dataclass(frozen=True)
class DatasetSummary:
    name: str
    count: int


@dataclass(frozen=True)
class Extent:
    """Spatial box (CRS84; `minx > maxx` crosses 180°) and time range, if known."""

    bbox: Bbox | None
    start: str | None
    end: str | None


@dataclass(frozen=True)
class ProductQuery:
    """A product search, in domain terms (queryable names, not index fields)."""

    dataset: str | None = None
    bbox: Bbox | None = None
    interval: TimeInterval | None = None
    equals: tuple[tuple[str, tuple[str, ...]], ...] = ()
    text: tuple[str, ...] = ()
    cql2: ast.Node | None = None
    sortby: tuple[tuple[str, bool], ...] = ()
    limit: int = 10
    token: str | None = None
    offset: int | None = None
    include: tuple[str, ...] | None = None
    skip_geometry: bool = False


@dataclass
class ProductPage:
    products: list[Product]
    number_matched: int
    next_token: str | None = None
    prev_token: str | None = None


@dataclass
class _Entry:
    value: Any
    expires: float


@dataclass
class TtlCache:
    """A tiny per-process cache; the clock is injectable for tests."""

    ttl: float
    clock: Callable[[], float] = time.monotonic
    _entries: dict[str, _Entry] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, key: str, load: Callable[[], T]) -> T:
        now = self.clock()
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and entry.expires > now:
            value: T = entry.value
            return value
        value = load()
        with self._lock:
            self._entries[key] = _Entry(value, now + self.ttl)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class Catalogue:
    """Searches and describes the GRQ products behind one alias."""

    def __init__(
        self,
        grq: SearchBackend,
        alias: str,
        *,
        ttl: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.grq = grq
        self.alias = alias
        self.cache = TtlCache(ttl, clock)

    def datasets(self) -> list[DatasetSummary]:
        """Every dataset under the alias (terms aggregation on `dataset.keyword`)."""
        return self.cache.get("datasets", self._load_datasets)

    def extent(self, dataset: str | None = None) -> Extent:
        return self.cache.get(f"extent:{dataset}", lambda: self._load_extent(dataset))

    def queryables(self) -> dict[str, ResolvedField]:
        """Queryable name → index field, from the merged mapping of every index."""
        return self.cache.get("queryables", self._load_queryables)

    def resolve(self, name: str, parameter: str) -> ResolvedField:
        """The index field behind a queryable; unknown names raise `QueryError`."""
        found = self.queryables().get(name)
        if found is None:
            raise QueryError(f"{name!r} is not a queryable property", parameter)
        return found

    def search(self, query: ProductQuery) -> ProductPage:
        """One page of products, with tokens for the neighbouring pages."""
        keys = self._sort_keys(query.sortby)
        signature = sort_signature(keys)
        token = (
            decode_token(query.token, signature, len(sort_clause(keys)))
            if query.token
            else None
        )
        body = self._search_body(query, keys, token)
        reply = self.grq.search(self.alias, body, operation="features")
        return self._page(reply, query, keys, token)

    def get(self, product_id: str, dataset: str | None = None) -> Product | None:
        """One product by id (optionally within a dataset), or None."""
        by_id = {
            "bool": {
                "should": [
                    {"ids": {"values": [product_id]}},
                    {"term": {"id.keyword": product_id}},
                ],
                "minimum_should_match": 1,
            }
        }
        filters = [by_id] + self._dataset_filter(dataset)
        body = {"query": {"bool": {"filter": filters}}, "size": 1}
        hits = self.grq.search(self.alias, body, operation="feature")["hits"]["hits"]
        return product_from_record(hits[0]["_source"]) if hits else None

    def where(self, query: ProductQuery) -> dict[str, Any]:
        """The query clause of a product search (also used by Pele-style views)."""
        clauses = self._dataset_filter(query.dataset)
        if query.bbox is not None:
            clauses.append(bbox_filter(query.bbox))
        if query.interval is not None:
            clauses.append(interval_overlap_filter(query.interval))
        for name, values in query.equals:
            clauses.append(term_filter(self.resolve(name, name).field, values))
        if query.text:
            clauses.append(free_text_filter(query.text))
        if query.cql2 is not None:
            clauses.append(
                to_dsl(query.cql2, lambda name: self.resolve(name, "filter"))
            )
        return {"bool": {"filter": clauses}}

    def _search_body(
        self, query: ProductQuery, keys: list[SortKey], token: PageToken | None
    ) -> dict[str, Any]:
        direction = token.direction if token else "next"
        body: dict[str, Any] = {
            "query": self.where(query),
            "sort": sort_clause(keys, direction),
            "track_total_hits": True,
        }
        source = self._source_filter(query)
        if source is not None:
            body["_source"] = source
        if token is not None:
            body["search_after"] = list(token.values)
        if query.offset is not None:
            if query.offset + query.limit > MAX_WINDOW:
                raise QueryError("offset + limit may not exceed 10000", "offset")
            body["from"] = query.offset
        # One extra hit tells whether another page follows, where the window allows.
        body["size"] = min(query.limit + 1, MAX_WINDOW - (query.offset or 0))
        return body

    def _page(
        self,
        reply: Mapping[str, Any],
        query: ProductQuery,
        keys: list[SortKey],
        token: PageToken | None,
    ) -> ProductPage:
        hits = list(reply["hits"]["hits"])
        more = len(hits) > query.limit or (
            len(hits) == query.limit and query.limit + 1 > MAX_WINDOW
        )
        hits = hits[: query.limit]
        backwards = token is not None and token.direction == "prev"
        if backwards:
            hits.reverse()
        signature = sort_signature(keys)
        page = ProductPage(
            [product_from_record(hit["_source"]) for hit in hits],
            int(reply["hits"]["total"]["value"]),
        )
        if hits and (more if not backwards else True):
            page.next_token = _token("next", hits[-1], signature)
        if hits and (token is not None if not backwards else more):
            page.prev_token = _token("prev", hits[0], signature)
        return page

    def _sort_keys(self, sortby: tuple[tuple[str, bool], ...]) -> list[SortKey]:
        if not sortby:
            # Newest first, as Pele and the HySDS UIs list products.
            return [SortKey(START_FIELD, False), SortKey("id.keyword", True)]
        keys = []
        for name, ascending in sortby:
            resolved = self.resolve(name, "sortby")
            if resolved.kind == "geometry":
                raise QueryError(f"cannot sort by {name}", "sortby")
            keys.append(SortKey(resolved.field, ascending))
        return keys

    def _source_filter(self, query: ProductQuery) -> dict[str, Any] | None:
        """What of each record to fetch; None for the whole stored record.

        `text_fields` is a copy_to target (hysds.md §1.2), never in `_source`,
        so it needs no exclude. Without a filter OpenSearch sends each stored
        record as it is instead of parsing and re-writing it: 12% of the time
        of a 1,000-hit page (docs/features.md, "Benchmark").
        """
        if query.include is None and not query.skip_geometry:
            return None
        excludes = [TEXT_FIELD]
        if query.skip_geometry:
            excludes.append(GEOMETRY_FIELD)
        if query.include is None:
            return {"excludes": excludes}
        includes = list(ESSENTIAL_FIELDS) + list(query.include)
        if not query.skip_geometry:
            includes.append(GEOMETRY_FIELD)
        return {"includes": includes, "excludes": excludes}

    @staticmethod
    def _dataset_filter(dataset: str | None) -> list[dict[str, Any]]:
        return [] if dataset is None else [{"term": {"dataset.keyword": dataset}}]

    def _load_datasets(self) -> list[DatasetSummary]:
        body = {
            "size": 0,
            "aggs": {
                "datasets": {"terms": {"field": "dataset.keyword", "size": 10_000}}
            },
        }
        reply = self.grq.search(self.alias, body, operation="datasets")
        buckets = reply.get("aggregations", {}).get("datasets", {}).get("buckets", [])
        return [DatasetSummary(b["key"], int(b["doc_count"])) for b in buckets]

    def _load_extent(self, dataset: str | None) -> Extent:
        where = {"bool": {"filter": self._dataset_filter(dataset)}}
        body = {
            "size": 0,
            "query": where,
            "aggs": {
                "start": {"min": {"field": START_FIELD}},
                "end": {"max": {"field": END_FIELD}},
                "last_start": {"max": {"field": START_FIELD}},
            },
        }
        aggs = self.grq.search(self.alias, body, operation="extent").get(
            "aggregations", {}
        )
        start = aggs.get("start", {}).get("value_as_string")
        ends = [aggs.get(k, {}).get("value_as_string") for k in ("end", "last_start")]
        end = max((value for value in ends if value), default=None)
        return Extent(self._load_bbox(where), start, end)

    def _load_bbox(self, where: dict[str, Any]) -> Bbox | None:
        try:
            return self._aggregated_bbox(where)
        except BadRequest:
            # HySDS's template asks for the legacy `tree: quadtree`, which has
            # no doc values to aggregate; the extent is then found by asking
            # where products are (hysds/extent_probe.py).
            log.info(
                "%s: geo_bounds unsupported on %s (prefix-tree geo_shape); "
                "bisecting the extent",
                self.alias,
                GEOMETRY_FIELD,
            )
            return probe_bbox(partial(self._any_intersects, where))

    def _aggregated_bbox(self, where: dict[str, Any]) -> Bbox | None:
        body = {
            "size": 0,
            "query": where,
            "aggs": {"box": {"geo_bounds": {"field": GEOMETRY_FIELD}}},
        }
        reply = self.grq.search(self.alias, body, operation="extent")
        bounds = reply.get("aggregations", {}).get("box", {}).get("bounds")
        if not bounds:
            return None
        top_left, bottom_right = bounds["top_left"], bounds["bottom_right"]
        return (
            top_left["lon"],
            bottom_right["lat"],
            bottom_right["lon"],
            top_left["lat"],
        )

    def _any_intersects(
        self, where: dict[str, Any], boxes: Sequence[Envelope]
    ) -> list[bool]:
        bodies = [
            {
                "size": 0,
                # Counting stops at the first hit: only "any?" is asked.
                "track_total_hits": 1,
                "query": {"bool": {"filter": [where, bbox_filter(box)]}},
            }
            for box in boxes
        ]
        replies = self.grq.msearch(self.alias, bodies, operation="extent")
        return [int(reply["hits"]["total"]["value"]) > 0 for reply in replies]

    def _load_queryables(self) -> dict[str, ResolvedField]:
        found = dict(SPECIAL_QUERYABLES)
        reply = self.grq.mapping(self.alias)
        for index_mapping in reply.values():
            properties = index_mapping.get("mappings", {}).get("properties", {})
            for path, spec in _leaves(properties, ""):
                resolved = _resolve_leaf(path, spec)
                if resolved is not None and not path.startswith(_HIDDEN_PREFIXES):
                    found.setdefault(path, resolved)
        return found


def _leaves(properties: Mapping[str, Any], prefix: str) -> Iterator[tuple[str, Any]]:
    for name, spec in properties.items():
        path = f"{prefix}{name}"
        if "properties" in spec:
            yield from _leaves(spec["properties"], f"{path}.")
        else:
            yield path, spec


def _resolve_leaf(path: str, spec: Mapping[str, Any]) -> ResolvedField | None:
    kind = spec.get("type")
    if kind == "text":
        if "keyword" in spec.get("fields", {}):
            return ResolvedField(f"{path}.keyword", "keyword")
        return None
    mapped = _KINDS.get(str(kind))
    if mapped is None:
        return None
    return ResolvedField(path, mapped)  # type: ignore[arg-type]


def _token(direction: Direction, hit: Mapping[str, Any], signature: str) -> str:
    sort_values: tuple[Any, ...] = tuple(hit["sort"])
    return encode_token(PageToken(direction, sort_values, signature))
