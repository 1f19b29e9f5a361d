# SPDX-License-Identifier: Apache-2.0
"""Maps every error the server raises to an HTTP response, once.

OGC API routes answer RFC 7807-style JSON (`type`, `title`, `status`, `detail`);
backend outages become 503 with `Retry-After`. Anything unexpected is logged once,
here, with its traceback, and the client gets a generic 500 with a request id.
"""

from __future__ import annotations

import logging
import uuid

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from ogc_hysds.backend import errors as backend
from ogc_hysds.errors import (
    ApiError,
    InvalidParameter,
    NotFoundError,
    ServiceUnavailable,
)

log = logging.getLogger(__name__)


def register(app: Flask) -> None:
    app.register_error_handler(ApiError, api_error_response)
    app.register_error_handler(backend.BackendError, _backend_error)
    app.register_error_handler(HTTPException, _http_exception)
    app.register_error_handler(Exception, _unexpected)


def to_api_error(err: backend.BackendError) -> ApiError:
    """The user-facing form of a backend failure."""
    if isinstance(err, backend.Unavailable):
        return ServiceUnavailable(
            f"the {err.backend or 'backend'} service is unavailable; retry later",
            retry_after=err.retry_after,
        )
    if isinstance(err, backend.NotFound):
        return NotFoundError("the requested resource does not exist")
    return InvalidParameter(err.message)


def api_error_response(err: ApiError) -> Response:
    body: dict[str, object] = {
        "type": err.type_uri,
        "title": err.title,
        "status": err.status,
        "detail": err.detail,
    }
    if err.locator:
        body["locator"] = err.locator
    response = jsonify(body)
    response.status_code = err.status
    response.mimetype = "application/problem+json"
    response.headers.update(err.headers)
    return response


def _backend_error(err: backend.BackendError) -> Response:
    if isinstance(err, backend.Unavailable):
        log.warning("backend unavailable: %s", err.message)
    return api_error_response(to_api_error(err))


def _http_exception(err: HTTPException) -> Response:
    api_error = ApiError(err.description or err.name)
    api_error.status = err.code or 500
    api_error.title = err.name
    return api_error_response(api_error)


def _unexpected(err: Exception) -> Response:
    request_id = uuid.uuid4().hex
    log.exception("unhandled error (request %s)", request_id)
    return api_error_response(
        ApiError(f"internal error; quote request id {request_id} to the operators")
    )
