# SPDX-License-Identifier: Apache-2.0
from __future__ import annotations

from typing import Any

import pytest

from ogc_hysds.hysds.params import InvalidValue, convert, json_schema

POLYGON = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}


@pytest.mark.parametrize(
    ("param", "schema"),
    [
        ({"type": "text"}, {"type": "string"}),
        ({"type": "textarea"}, {"type": "string"}),
        ({"type": "number", "default": "3"}, {"type": "number", "default": 3.0}),
        ({"type": "datetime"}, {"type": "string", "format": "date-time"}),
        ({"type": "date"}, {"type": "string", "format": "date"}),
        ({"type": "boolean", "default": "true"}, {"type": "boolean", "default": True}),
        (
            {"type": "enum", "enumerables": ["a", "b"]},
            {"type": "string", "enum": ["a", "b"]},
        ),
        ({"type": "email"}, {"type": "string", "format": "email"}),
        (
            {"type": "jobspec_version", "version_regex": "v.*"},
            {"type": "string", "pattern": "v.*"},
        ),
        ({"type": "object"}, {"type": ["object", "array"]}),
        (
            {"from": "dataset_jpath:_id", "type": "text"},
            {"type": "string", "minLength": 1},
        ),
    ],
)
def test_schema_per_hysds_io_type(
    param: dict[str, Any], schema: dict[str, Any]
) -> None:
    assert json_schema(param) == schema


def test_region_schema_is_a_geojson_geometry() -> None:
    schema = json_schema({"type": "region"})
    assert schema["format"] == "geojson-geometry"
    assert "Polygon" in schema["properties"]["type"]["enum"]


@pytest.mark.parametrize(
    ("param", "value", "expected"),
    [
        ({"type": "number"}, "2.5", 2.5),
        ({"type": "number"}, 4, 4.0),
        ({"type": "boolean"}, "TRUE", True),
        ({"type": "boolean"}, False, False),
        ({"type": "region"}, POLYGON, POLYGON),
        (
            {"type": "region"},
            '{"type": "Point", "coordinates": [1, 2]}',
            {"type": "Point", "coordinates": [1, 2]},
        ),
        ({"type": "object"}, [1, 2], [1, 2]),
        ({"type": "date"}, "2024-05-15", "2024-05-15"),
        ({"type": "datetime"}, "2024-05-15T18:12:04Z", "2024-05-15T18:12:04Z"),
        ({"type": "container_version", "version_regex": "v[0-9]+"}, "v2", "v2"),
    ],
)
def test_conversion_as_hysds_does(
    param: dict[str, Any], value: Any, expected: Any
) -> None:
    assert convert(param, value) == expected


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ({"type": "number"}, "abc"),
        ({"type": "number"}, True),
        ({"type": "boolean"}, "yes"),
        ({"type": "enum", "enumerables": ["a"]}, "b"),
        ({"type": "email"}, "nobody"),
        ({"type": "date"}, "15/05/2024"),
        ({"type": "datetime"}, "yesterday"),
        ({"type": "region"}, {"type": "Circle", "coordinates": []}),
        ({"type": "container_version", "version_regex": "v[0-9]+"}, "v2beta"),
        ({"type": "text"}, 5),
        ({"type": "object"}, 5),
    ],
)
def test_bad_values_are_refused(param: dict[str, Any], value: Any) -> None:
    with pytest.raises(InvalidValue):
        convert(param, value)
