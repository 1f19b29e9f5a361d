# SPDX-License-Identifier: Apache-2.0
"""Pele's dataset queries (hysds.md §5.1) over the GRQ catalogue.

Same answers as hysds/pele `pele/lib/query.py`: terms aggregations for types and
datasets, ids filtered by `starttime >=` / `endtime <` / polygon, and "overlaps"
= `endtime > doc.starttime AND starttime < doc.endtime` plus geo_shape on the
reference product's `location`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ogc_hysds.hysds.catalogue import Catalogue
from ogc_hysds.hysds.grq_records import Product

# Pele's METADATA_MODEL (hysds.md §1.3): the fields a product answer carries.
METADATA_FIELDS = (
    "id", "objectid", "dataset", "ipath", "dataset_level", "dataset_type", "version",
    "system_version", "label", "starttime", "endtime", "temporal_span", "location",
    "center", "continent", "urls", "browse_urls", "images", "metadata",
)  # fmt: skip


@dataclass(frozen=True)
class Page:
    total: int
    values: list[Any]


def terms(
    catalogue: Catalogue, field: str, where: dict[str, Any], offset: int, size: int
) -> Page:
    """Distinct values of a keyword field (Pele aggregates 10,000, then slices)."""
    body = {
        "size": 0,
        "query": where,
        "aggs": {"values": {"terms": {"field": field, "size": 10_000}}},
    }
    reply = catalogue.grq.search(catalogue.alias, body, operation="pele")
    keys = [bucket["key"] for bucket in reply["aggregations"]["values"]["buckets"]]
    return Page(len(keys), keys[offset : offset + size])


def product_ids(
    catalogue: Catalogue, where: dict[str, Any], offset: int, size: int
) -> Page:
    body = {
        "query": where,
        "from": offset,
        "size": size,
        "_source": ["id"],
        "sort": [{"starttime": {"order": "desc"}}, {"id.keyword": "asc"}],
        "track_total_hits": True,
    }
    reply = catalogue.grq.search(catalogue.alias, body, operation="pele")
    hits = reply["hits"]
    return Page(
        int(hits["total"]["value"]), [h["_source"].get("id") for h in hits["hits"]]
    )


def products(
    catalogue: Catalogue,
    where: dict[str, Any],
    fields: Sequence[str],
    offset: int,
    size: int,
) -> Page:
    body = {
        "query": where,
        "from": offset,
        "size": size,
        "_source": list(fields),
        "sort": [{"starttime": {"order": "desc"}}, {"id.keyword": "asc"}],
        "track_total_hits": True,
    }
    reply = catalogue.grq.search(catalogue.alias, body, operation="pele")
    hits = reply["hits"]
    return Page(int(hits["total"]["value"]), [h["_source"] for h in hits["hits"]])


def selection(
    *,
    dataset: str | None = None,
    dataset_type: str | None = None,
    start_time: str | None = None,
    end_time: str | None = None,
    polygon: list[Any] | None = None,
) -> dict[str, Any]:
    """Pele's filter: `starttime >= start_time`, `endtime < end_time`, polygon."""
    clauses: list[dict[str, Any]] = []
    if dataset:
        clauses.append({"term": {"dataset.keyword": dataset}})
    if dataset_type:
        clauses.append({"term": {"dataset_type.keyword": dataset_type}})
    if start_time:
        clauses.append({"range": {"starttime": {"gte": start_time}}})
    if end_time:
        clauses.append({"range": {"endtime": {"lt": end_time}}})
    if polygon:
        shape = {"type": "polygon", "coordinates": polygon}
        clauses.append({"geo_shape": {"location": {"shape": shape}}})
    return {"bool": {"filter": clauses}}


def overlapping(
    product: Product,
    *,
    types: Sequence[str] = (),
    datasets: Sequence[str] = (),
) -> dict[str, Any]:
    """Products overlapping `product` in space and time (itself excluded)."""
    record = product.record
    clauses: list[dict[str, Any]] = []
    if record.get("location"):
        shape = {"shape": record["location"], "relation": "intersects"}
        clauses.append({"geo_shape": {"location": shape}})
    if record.get("starttime"):
        clauses.append({"range": {"endtime": {"gt": record["starttime"]}}})
    if record.get("endtime"):
        clauses.append({"range": {"starttime": {"lt": record["endtime"]}}})
    if types:
        clauses.append({"terms": {"dataset_type.keyword": list(types)}})
    if datasets:
        clauses.append({"terms": {"dataset.keyword": list(datasets)}})
    not_self = [{"term": {"id.keyword": product.id}}]
    return {"bool": {"filter": clauses, "must_not": not_self}}


def types_with_overlaps(
    catalogue: Catalogue, product: Product, types: Sequence[str]
) -> dict[str, bool]:
    """For each type, whether at least one product of it overlaps `product`."""
    where = overlapping(product, types=types)
    found = set(terms(catalogue, "dataset_type.keyword", where, 0, 10_000).values)
    return {name: name in found for name in types}
