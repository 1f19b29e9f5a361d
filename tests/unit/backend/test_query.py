# SPDX-License-Identifier: Apache-2.0
"""Query hygiene: scripts, paging bounds, and fields checked against the mapping."""

from __future__ import annotations

from typing import Any

import pytest

from ogc_hysds.backend.errors import BadRequest, Unavailable
from ogc_hysds.backend.query import (
    MappingCache,
    check_body,
    check_fields,
    mapped_fields,
    sort_fields,
    source_fields,
)
from ogc_hysds.backend.search import PARTIAL_MARKER, SearchBackend, check_partial
from ogc_hysds.config import BackendPolicy, SearchClusterSettings
from tests.unit.backend.fakes import FakeClock

MAPPING = {
    "grq_v1_slc": {
        "mappings": {
            "properties": {
                "starttime": {"type": "date"},
                "id": {"type": "text", "fields": {"keyword": {"type": "keyword"}}},
                "metadata": {"properties": {"orbit": {"type": "integer"}}},
            }
        }
    }
}
KNOWN = mapped_fields(MAPPING)


@pytest.mark.parametrize(
    "body",
    [
        {"query": {"script": {"script": {"source": "1"}}}},
        {"query": {"function_score": {"script_score": {"script": "1"}}}},
        {"aggs": {"x": {"scripted_metric": {"map_script": "1"}}}},
        {"runtime_mappings": {"day": {"type": "keyword"}}},
        {"script_fields": {"x": {"script": "1"}}},
        {"query": {"bool": {"filter": [{"match_all": {}}, {"script": {}}]}}},
        {"sort": [{"_script": {"type": "number"}}]},
    ],
)
def test_scripts_are_refused_anywhere(body: dict[str, Any]) -> None:
    with pytest.raises(BadRequest, match="is not allowed"):
        check_body("grq", body)


@pytest.mark.parametrize(
    "body",
    [
        {"size": 10_001},
        {"size": -1},
        {"from": 9_995, "size": 10},
        {"from": 10_000},
        {"from": -1},
        {"size": "10"},
    ],
)
def test_paging_beyond_the_result_window_is_refused(body: dict[str, Any]) -> None:
    with pytest.raises(BadRequest):
        check_body("grq", body)


def test_bounded_body_yields_its_sort_and_source_fields() -> None:
    body = {
        "size": 10_000,
        "sort": [{"starttime": "desc"}, "_id"],
        "_source": ["id"],
    }

    assert check_body("grq", body) == ["starttime", "id"]


@pytest.mark.parametrize(
    ("sort", "fields"),
    [
        ("starttime", ["starttime"]),
        ({"starttime": {"order": "asc"}}, ["starttime"]),
        (["starttime", {"id.keyword": "asc"}, "_score"], ["starttime", "id.keyword"]),
        ([{"_geo_distance": {"location": [0, 0]}}], []),
        (None, []),
    ],
)
def test_sort_fields(sort: Any, fields: list[str]) -> None:
    assert sort_fields(sort) == fields


@pytest.mark.parametrize(
    ("source", "fields"),
    [
        (False, []),
        ("id", ["id"]),
        (["id", "metadata.*"], ["id", "metadata.*"]),
        ({"includes": ["id"], "excludes": "metadata"}, ["id", "metadata"]),
    ],
)
def test_source_fields(source: Any, fields: list[str]) -> None:
    assert source_fields(source) == fields


def test_mapping_fields_include_objects_and_multi_fields() -> None:
    assert KNOWN == {"starttime", "id", "id.keyword", "metadata", "metadata.orbit"}


@pytest.mark.parametrize("field", ["starttime", "id.keyword", "metadata.*", "_id"])
def test_known_fields_pass(field: str) -> None:
    check_fields("grq", [field], KNOWN)


def test_unknown_field_is_named() -> None:
    with pytest.raises(BadRequest, match="unknown field 'endtme'"):
        check_fields("grq", ["starttime", "endtme"], KNOWN)


def test_mapping_cache_looks_up_once_per_ttl() -> None:
    clock = FakeClock()
    loads: list[str] = []

    def load(index: str) -> dict[str, Any]:
        loads.append(index)
        return MAPPING

    cache = MappingCache(load, ttl=60, clock=clock)
    cache.fields("grq")
    cache.fields("grq")
    clock.advance(61)
    cache.fields("grq")

    assert loads == ["grq", "grq"]


def test_complete_response_passes() -> None:
    response = {"timed_out": False, "_shards": {"total": 2, "failed": 0}}

    assert check_partial("grq", "search", response, "unavailable") == response


@pytest.mark.parametrize(
    "response",
    [
        {"timed_out": True, "_shards": {"total": 2, "failed": 0}},
        {"timed_out": False, "_shards": {"total": 2, "failed": 1}},
        # An unassigned shard: neither successful nor failed (OpenSearch 2.19).
        {"timed_out": False, "_shards": {"total": 2, "successful": 1, "failed": 0}},
    ],
)
def test_partial_response_is_refused(response: dict[str, Any]) -> None:
    with pytest.raises(Unavailable, match="partial results"):
        check_partial("grq", "search", response, "unavailable")


def test_partial_response_is_flagged_when_policy_says_so() -> None:
    response = {"timed_out": False, "_shards": {"total": 2, "failed": 1}}

    assert check_partial("grq", "search", response, "flag")[PARTIAL_MARKER] is True


def test_index_outside_the_namespace_is_our_bug() -> None:
    # The client connects lazily: nothing listens on this port, nothing is sent.
    cluster = SearchClusterSettings.model_validate({"url": "http://127.0.0.1:9"})
    backend = SearchBackend("grq", cluster, BackendPolicy(), namespace="t1_")

    with pytest.raises(ValueError, match="outside namespace"):
        backend.search("grq_v1_slc,t1_grq", {})


def _shard_failure(kind: str) -> dict[str, Any]:
    return {"shard": 0, "index": "grq_v1.0_x", "reason": {"type": kind, "reason": "no"}}


def test_shards_refusing_the_query_make_a_bad_request() -> None:
    failures = [_shard_failure("query_shard_exception")] * 2
    response = {"_shards": {"total": 4, "failed": 2, "failures": failures}}

    with pytest.raises(BadRequest):
        check_partial("grq", "search", response, "unavailable")


def test_a_shard_lost_among_refusals_is_still_partial() -> None:
    failures = [
        _shard_failure("query_shard_exception"),
        _shard_failure("node_not_connected_exception"),
    ]
    response = {"_shards": {"total": 4, "failed": 2, "failures": failures}}

    with pytest.raises(Unavailable, match="partial results"):
        check_partial("grq", "search", response, "unavailable")


def test_refusals_beside_an_unavailable_shard_are_still_partial() -> None:
    failures = [_shard_failure("query_shard_exception")]
    response = {"_shards": {"total": 3, "successful": 1, "failed": 1}}
    response["_shards"]["failures"] = failures

    with pytest.raises(Unavailable, match="partial results"):
        check_partial("grq", "search", response, "unavailable")
