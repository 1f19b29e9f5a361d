# SPDX-License-Identifier: Apache-2.0
"""JSON responses for every route, encoded by `jsonio` (orjson)."""

from __future__ import annotations

from typing import Any

from flask import Response, make_response
from flask.json.provider import DefaultJSONProvider

from ogc_hysds import jsonio


class FastJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider with the same output, encoded by orjson.

    Keys stay sorted and dates keep Flask's HTTP-date form, so `jsonify`
    answers exactly as before; indented output (debug mode) stays with the
    standard library.
    """

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        if "indent" in kwargs:
            return super().dumps(obj, **kwargs)
        encoded = jsonio.dumps(
            obj, sort_keys=self.sort_keys, default=self.default, passthrough=True
        )
        return encoded.decode()

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return jsonio.loads(s)


def json_response(body: Any, mimetype: str, status: int = 200) -> Response:
    """A JSON document as a response; its members keep their order."""
    response = make_response(jsonio.dumps(body), status)
    response.mimetype = mimetype
    return response
