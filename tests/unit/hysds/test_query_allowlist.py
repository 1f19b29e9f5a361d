# SPDX-License-Identifier: Apache-2.0
"""The pass-through allow-list: what a raw search body may and may not contain."""

from __future__ import annotations

from typing import Any

import pytest

from ogc_hysds.hysds.grq_query import QueryError, SortKey
from ogc_hysds.hysds.query_allowlist import (
    FieldFacts,
    Limits,
    TermsAggregation,
    check_body,
    field_facts,
)

MAPPING = {
    "grq_v1.0_x": {
        "mappings": {
            "properties": {
                "id": {"type": "text", "fields": {"keyword": {"type": "keyword"}}},
                "dataset": {
                    "type": "text",
                    "fields": {"keyword": {"type": "keyword"}},
                },
                "starttime": {"type": "date"},
                "location": {"type": "geo_shape"},
                "label": {"type": "text"},
                "metadata": {
                    "properties": {
                        "context": {"type": "object", "enabled": False},
                        "track_number": {"type": "long"},
                    }
                },
            }
        }
    }
}
FACTS = field_facts(MAPPING)
LIMITS = Limits(max_size=10_000, default_size=10)


def nest(depth: int) -> dict[str, Any]:
    clause: dict[str, Any] = {"term": {"dataset.keyword": "x"}}
    for _ in range(depth - 1):
        clause = {"bool": {"filter": [clause]}}
    return clause


def test_field_facts_know_sortable_and_disabled_fields() -> None:
    assert {"id.keyword", "starttime", "metadata.track_number"} <= FACTS.sortable
    assert "label" not in FACTS.sortable
    assert "location" not in FACTS.sortable
    assert FACTS.is_disabled("metadata.context.job_type")
    assert not FACTS.is_disabled("metadata.track_number")


ACCEPTED: list[dict[str, Any]] = [
    {},
    {"query": {"match_all": {}}},
    {"query": {"term": {"dataset.keyword": "S1-GUNW"}}},
    {"query": {"term": {"dataset.keyword": {"value": "a", "case_insensitive": True}}}},
    {"query": {"terms": {"dataset.keyword": ["a", "b"], "boost": 2}}},
    {"query": {"range": {"starttime": {"gte": "2020-01-01", "lt": "now"}}}},
    {"query": {"match": {"label": "sacramento"}}},
    {"query": {"match": {"label": {"query": "a b", "operator": "and"}}}},
    {"query": {"match_phrase": {"label": "sacramento valley"}}},
    {"query": {"multi_match": {"query": "x", "fields": ["label", "dataset"]}}},
    {"query": {"query_string": {"query": "dataset:S1*"}}},
    {"query": {"query_string": {"query": "x", "allow_leading_wildcard": False}}},
    {"query": {"exists": {"field": "endtime"}}},
    {"query": {"prefix": {"id.keyword": "S1-GUNW"}}},
    {"query": {"wildcard": {"id.keyword": "S1*GUNW"}}},
    {"query": {"ids": {"values": ["a", "b"]}}},
    {
        "query": {
            "geo_shape": {
                "location": {
                    "shape": {"type": "envelope", "coordinates": [[0, 1], [1, 0]]},
                    "relation": "intersects",
                }
            }
        }
    },
    {
        "query": {
            "geo_bounding_box": {
                "location": {"top_left": [0, 1], "bottom_right": [1, 0]}
            }
        }
    },
    {"query": {"nested": {"path": "city", "query": {"match_all": {}}}}},
    {
        "query": {
            "bool": {
                "must": {"match": {"label": "x"}},
                "must_not": [{"exists": {"field": "endtime"}}],
                "should": [{"term": {"dataset.keyword": "a"}}],
                "minimum_should_match": 1,
            }
        }
    },
    {"query": nest(10)},
    {
        "sort": [
            "starttime",
            {"id.keyword": "desc"},
            {"dataset.keyword": {"order": "asc"}},
        ]
    },
    {"size": 0},
    {"size": 10_000},
    {"from": 9_990, "size": 10},
    {"search_after": ["2020-01-01", "a"]},
    {"_source": ["dataset", "metadata.track_number"]},
    {"_source": {"includes": ["label"]}},
    {"aggs": {"by_dataset": {"terms": {"field": "dataset.keyword", "size": 100}}}},
    {"track_total_hits": True},
]


@pytest.mark.parametrize("body", ACCEPTED)
def test_accepts(body: dict[str, Any]) -> None:
    check_body(body, FACTS, LIMITS)


REJECTED: list[tuple[dict[str, Any] | list[Any], str]] = [
    ([], "body"),
    ({"index": "grq_*"}, "index"),
    ({"routing": "x"}, "routing"),
    ({"preference": "_local"}, "preference"),
    ({"highlight": {}}, "highlight"),
    ({"script_fields": {"a": {"script": "1"}}}, "script_fields"),
    ({"runtime_mappings": {}}, "runtime_mappings"),
    ({"query": {"script": {"script": {"source": "1"}}}}, "query.script"),
    (
        {"query": {"bool": {"filter": [{"script": {"script": "x"}}]}}},
        "query.bool.filter[0].script",
    ),
    ({"query": {"function_score": {}}}, "query.function_score"),
    ({"query": {"fuzzy": {"label": "x"}}}, "query.fuzzy"),
    ({"query": {"regexp": {"label": ".*"}}}, "query.regexp"),
    ({"query": {"more_like_this": {}}}, "query.more_like_this"),
    (
        {"query": {"bool": {"must": [{"percolate": {}}]}}},
        "query.bool.must[0].percolate",
    ),
    ({"query": {"term": {"a": 1}, "match": {"b": 2}}}, "query"),
    ({"query": {"bool": {"boost": 1, "explain": True}}}, "query.bool.explain"),
    (
        {"query": {"terms": {"id": {"index": "users", "id": "1", "path": "ids"}}}},
        "query.terms.id",
    ),
    (
        {"query": {"geo_shape": {"location": {"indexed_shape": {"index": "s"}}}}},
        "query.geo_shape.location.indexed_shape",
    ),
    (
        {"query": {"query_string": {"query": "*x", "allow_leading_wildcard": True}}},
        "query.query_string.allow_leading_wildcard",
    ),
    ({"query": {"wildcard": {"id.keyword": "*GUNW"}}}, "query.wildcard.id.keyword"),
    (
        {"query": {"wildcard": {"id.keyword": {"value": "?GUNW"}}}},
        "query.wildcard.id.keyword",
    ),
    ({"query": {"term": {"dataset.keyword": {"value": {"a": 1}}}}}, "value"),
    ({"query": {"range": {"starttime": "2020"}}}, "query.range.starttime"),
    ({"query": {"nested": {"path": "a", "inner_hits": {}}}}, "inner_hits"),
    ({"query": nest(11)}, "query"),
    ({"sort": ["label"]}, "sort[0]"),
    ({"sort": [{"location": "asc"}]}, "sort[0]"),
    ({"sort": ["unknown_field"]}, "sort[0]"),
    ({"sort": [{"starttime": {"order": "asc", "mode": "max"}}]}, "sort[0].starttime"),
    ({"sort": [{"_script": {"type": "number"}}]}, "sort[0]._script"),
    ({"size": 10_001}, "size"),
    ({"size": -1}, "size"),
    ({"size": "10"}, "size"),
    ({"from": 9_995, "size": 10}, "from"),
    ({"from": 10, "search_after": [1]}, "from"),
    ({"search_after": [{"a": 1}]}, "search_after"),
    ({"_source": ["metadata.context"]}, "_source[0]"),
    ({"_source": ["metadata.context.job_type"]}, "_source[0]"),
    ({"_source": ["nope"]}, "_source[0]"),
    ({"_source": {"excludes": ["label"]}}, "_source"),
    ({"aggs": {"a": {"terms": {"field": "dataset.keyword", "size": 101}}}}, "size"),
    ({"aggs": {"a": {"terms": {"field": "label"}}}}, "aggs.a.terms.field"),
    ({"aggs": {"a": {"avg": {"field": "starttime"}}}}, "aggs.a"),
    (
        {
            "aggs": {
                "a": {
                    "terms": {"field": "dataset.keyword"},
                    "aggs": {"b": {"terms": {"field": "id.keyword"}}},
                }
            }
        },
        "aggs.a",
    ),
    ({"aggregations": {f"a{n}": {} for n in range(6)}}, "aggregations"),
]


@pytest.mark.parametrize(("body", "locator"), REJECTED)
def test_rejects_naming_the_offence(body: Any, locator: str) -> None:
    with pytest.raises(QueryError) as raised:
        check_body(body, FACTS, LIMITS)
    assert locator in raised.value.parameter


def test_query_string_gets_leading_wildcards_turned_off() -> None:
    checked = check_body({"query": {"query_string": {"query": "a"}}}, FACTS, LIMITS)
    assert checked.query == {
        "query_string": {"query": "a", "allow_leading_wildcard": False}
    }


def test_defaults_and_parts() -> None:
    checked = check_body(
        {
            "sort": [{"starttime": "desc"}],
            "aggs": {"d": {"terms": {"field": "dataset.keyword"}}},
        },
        FACTS,
        LIMITS,
    )
    assert checked.size == LIMITS.default_size
    assert checked.sort == (SortKey("starttime", False),)
    assert checked.aggregations == {"d": TermsAggregation("dataset.keyword", 10)}


def test_size_follows_the_configured_maximum() -> None:
    with pytest.raises(QueryError):
        check_body({"size": 101}, FieldFacts(frozenset(), frozenset()), Limits(100))
