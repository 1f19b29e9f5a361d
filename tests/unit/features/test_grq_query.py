# SPDX-License-Identifier: Apache-2.0
"""GRQ query builders: pure functions, no OpenSearch."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pygeofilter.parsers.cql2_text import parse

from ogc_hysds.hysds.grq_cql2 import ResolvedField, to_dsl
from ogc_hysds.hysds.grq_query import (
    PageToken,
    QueryError,
    SortKey,
    TimeInterval,
    bbox_filter,
    decode_token,
    encode_token,
    interval_overlap_filter,
    sort_clause,
)
from ogc_hysds.hysds.grq_records import geojson_geometry, utc_timestamp

FIELDS = {
    "label": ResolvedField("label.keyword", "keyword"),
    "priority": ResolvedField("metadata.priority", "number"),
    "geometry": ResolvedField("location", "geometry"),
    "datetime": ResolvedField("starttime", "interval"),
}


def resolve(name: str) -> ResolvedField:
    if name not in FIELDS:
        raise QueryError(name, "filter")
    return FIELDS[name]


def test_bbox_is_one_envelope() -> None:
    shape = bbox_filter((0, 1, 2, 3))["geo_shape"]["location"]["shape"]
    assert shape["coordinates"] == [[0, 3], [2, 1]]


def test_antimeridian_bbox_is_two_envelopes_ored() -> None:
    should = bbox_filter((170, -10, -170, 10))["bool"]["should"]
    boxes = [c["geo_shape"]["location"]["shape"]["coordinates"] for c in should]
    assert boxes == [[[170, 10], [180, -10]], [[-180, 10], [-170, -10]]]


@pytest.mark.parametrize("bbox", [(0, 10, 1, 5), (-200, 0, 0, 1), (0, -91, 1, 0)])
def test_bad_bbox_raises(bbox: tuple[float, float, float, float]) -> None:
    with pytest.raises(QueryError):
        bbox_filter(bbox)


def test_open_start_interval_only_bounds_starttime() -> None:
    end = datetime(2020, 1, 1, tzinfo=UTC)
    clauses = interval_overlap_filter(TimeInterval(None, end))["bool"]["filter"]
    assert {"range": {"starttime": {"lte": "2020-01-01T00:00:00Z"}}} in clauses
    assert len(clauses) == 2


def test_interval_start_matches_ongoing_products() -> None:
    start = datetime(2020, 1, 1)
    clauses = interval_overlap_filter(TimeInterval(start, None))["bool"]["filter"]
    should = clauses[-1]["bool"]["should"]
    assert {"bool": {"must_not": [{"exists": {"field": "endtime"}}]}} in should


def test_sort_ends_with_id_tiebreaker_and_reverses_for_prev() -> None:
    keys = [SortKey("starttime", False)]
    assert sort_clause(keys)[-1] == {"id.keyword": {"order": "asc", "missing": "_last"}}
    assert sort_clause(keys, "prev")[0] == {
        "starttime": {"order": "asc", "missing": "_first"}
    }


def test_token_round_trip() -> None:
    token = PageToken("next", ("2020-01-01", "abc"), "sig")
    assert decode_token(encode_token(token), "sig", 2) == token


@pytest.mark.parametrize("text", ["!!!", encode_token(PageToken("next", (1,), "x"))])
def test_bad_or_foreign_token_raises(text: str) -> None:
    with pytest.raises(QueryError):
        decode_token(text, "sig", 2)


def test_cql2_like_becomes_wildcard_on_keyword() -> None:
    dsl = to_dsl(parse("label LIKE 'S1_%'"), resolve)
    assert dsl == {"wildcard": {"label.keyword": {"value": "S1?*"}}}


def test_cql2_spatial_within_is_geo_shape_relation() -> None:
    dsl = to_dsl(parse("S_WITHIN(geometry, POLYGON((0 0,1 0,1 1,0 0)))"), resolve)
    assert dsl["geo_shape"]["location"]["relation"] == "within"


def test_cql2_temporal_after_compares_starttime() -> None:
    dsl = to_dsl(parse("datetime T_AFTER TIMESTAMP('2020-01-01T00:00:00Z')"), resolve)
    assert dsl == {
        "bool": {"filter": [{"range": {"starttime": {"gt": "2020-01-01T00:00:00Z"}}}]}
    }


def test_cql2_unknown_property_raises() -> None:
    with pytest.raises(QueryError):
        to_dsl(parse("nope = 1"), resolve)


def test_lower_case_geojson_types_are_restored() -> None:
    assert geojson_geometry({"type": "multipolygon", "coordinates": []}) == {
        "type": "MultiPolygon",
        "coordinates": [],
    }


def test_naive_times_are_utc() -> None:
    assert utc_timestamp("2017-03-01T00:00:00") == "2017-03-01T00:00:00Z"
