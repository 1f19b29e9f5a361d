# SPDX-License-Identifier: Apache-2.0
"""hysds-io parameter types: their JSON Schema, their checks and conversions.

Each hysds-io `type` (hysds.md §2.3) gets a JSON Schema for the OGC process
description, a check that names what is wrong with a caller's value, and the
conversion hysds_commons applies before routing (§3.2: number → float,
boolean → `value.lower() == "true"`, region → decoded JSON, else a string).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

DATASET_PREFIX = "dataset_jpath:"

# RFC 7946 geometry types; GRQ stores them lower-case, callers send proper case.
GEOMETRY_TYPES = [
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
]
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_VERSION_TYPES = ("container_version", "jobspec_version", "hysdsio_version")


class InvalidValue(ValueError):
    """A caller's value does not fit its hysds-io type; the message says why."""


def is_dataset_param(param: dict[str, Any]) -> bool:
    return str(param.get("from", "")).startswith(DATASET_PREFIX)


def json_schema(param: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema of a hysds-io param's value, default included."""
    if is_dataset_param(param):
        # A catalogue product: its GRQ id or the URL of our Features item.
        return {"type": "string", "minLength": 1}
    schema = _type_schema(param)
    default = param.get("default")
    if default is not None and default != "":
        try:
            schema["default"] = convert(param, default)
        except InvalidValue:
            pass
    return schema


def _type_schema(param: dict[str, Any]) -> dict[str, Any]:
    kind = str(param.get("type", "text"))
    if kind == "number":
        return {"type": "number"}
    if kind == "boolean":
        return {"type": "boolean"}
    if kind == "datetime":
        return {"type": "string", "format": "date-time"}
    if kind == "date":
        return {"type": "string", "format": "date"}
    if kind == "email":
        return {"type": "string", "format": "email"}
    if kind == "enum":
        return {
            "type": "string",
            "enum": [str(v) for v in param.get("enumerables", [])],
        }
    if kind in _VERSION_TYPES:
        return {"type": "string", "pattern": str(param.get("version_regex", ".*"))}
    if kind == "region":
        return _geometry_schema()
    if kind == "object":
        return {"type": ["object", "array"]}
    return {"type": "string"}


def _geometry_schema() -> dict[str, Any]:
    # "geojson-geometry" is the format OGC API Processes examples use for
    # geometry inputs; the object schema lets generic clients validate too.
    return {
        "type": "object",
        "format": "geojson-geometry",
        "required": ["type", "coordinates"],
        "properties": {
            "type": {"type": "string", "enum": GEOMETRY_TYPES},
            "coordinates": {"type": "array"},
        },
    }


def convert(param: dict[str, Any], value: Any) -> Any:
    """Check a value against the param's type and convert it as HySDS does."""
    kind = str(param.get("type", "text"))
    if kind == "number":
        return _number(value)
    if kind == "boolean":
        return _boolean(value)
    if kind == "region":
        return _region(value)
    if kind == "object":
        return _object(value)
    text = _string(value)
    _check_text(param, kind, text)
    return text


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise InvalidValue("expected a number")
    try:
        return float(value)
    except (TypeError, ValueError) as err:
        raise InvalidValue("expected a number") from err


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise InvalidValue("expected a boolean")


def _region(value: Any) -> dict[str, Any]:
    # hysds-io defaults hold regions as JSON strings; callers send objects.
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as err:
            raise InvalidValue("expected a GeoJSON geometry") from err
    if not isinstance(value, dict) or value.get("type") not in GEOMETRY_TYPES:
        raise InvalidValue(f"expected a GeoJSON geometry ({', '.join(GEOMETRY_TYPES)})")
    if not isinstance(value.get("coordinates"), list):
        raise InvalidValue("a GeoJSON geometry needs a coordinates array")
    return value


def _object(value: Any) -> Any:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as err:
            raise InvalidValue("expected a JSON object or array") from err
    if not isinstance(value, dict | list):
        raise InvalidValue("expected a JSON object or array")
    return value


def _string(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise InvalidValue("expected a string")


def _check_text(param: dict[str, Any], kind: str, text: str) -> None:
    if kind == "enum" and text not in [str(v) for v in param.get("enumerables", [])]:
        raise InvalidValue(f"must be one of {param.get('enumerables')}")
    if kind in _VERSION_TYPES:
        regex = str(param.get("version_regex", ".*"))
        if not re.fullmatch(regex, text):
            raise InvalidValue(f"must match {regex}")
    if kind == "email" and not _EMAIL.match(text):
        raise InvalidValue("expected an email address")
    if kind == "date":
        _parse(dt.date.fromisoformat, text, "expected a date (YYYY-MM-DD)")
    if kind == "datetime":
        _parse(_datetime, text, "expected an RFC 3339 date-time")


def _datetime(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _parse(parser: Any, text: str, message: str) -> None:
    try:
        parser(text)
    except ValueError as err:
        raise InvalidValue(message) from err
