# SPDX-License-Identifier: Apache-2.0
"""JSON on the hot paths, with orjson and the standard library as its fallback.

A page of a thousand GRQ products is megabytes of JSON in each direction: the
search response we decode and the feature collection we encode. The standard
library spends about as long on those as OpenSearch spends answering (measured
in docs/features.md, "Benchmark"); orjson takes a fraction of that.

Where orjson refuses what the standard library accepts (`NaN` in a document,
integers beyond 64 bits to encode), the standard library does the work. One
difference stays: orjson decodes an integer beyond 64 bits as a float, which is
how JSON clients (JavaScript, GDAL) read every number anyway; HySDS records
carry none.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import orjson

Default = Callable[[Any], Any]


def dumps(
    value: Any,
    *,
    sort_keys: bool = False,
    default: Default | None = None,
    passthrough: bool = False,
) -> bytes:
    """Compact UTF-8 JSON of `value`.

    `default` converts what JSON has no type for. With `passthrough`, dates,
    times and dataclasses go to `default` too instead of orjson's own encoding,
    for callers whose format for them is fixed (Flask's HTTP dates).
    """
    options = orjson.OPT_NON_STR_KEYS
    if sort_keys:
        options |= orjson.OPT_SORT_KEYS
    if passthrough:
        options |= orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
    try:
        return orjson.dumps(value, default=default, option=options)
    except orjson.JSONEncodeError:
        text = json.dumps(
            value, sort_keys=sort_keys, default=default, separators=(",", ":")
        )
        return text.encode()


def loads(data: str | bytes) -> Any:
    """The value of a JSON document."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)
