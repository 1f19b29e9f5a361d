# SPDX-License-Identifier: Apache-2.0
"""One error tree for the HTTP layer, mapped to responses in one place.

Handlers raise these; they never build error bodies. Each error carries its HTTP
status, an exception type URI (OGC API exception types where the standard defines
one) and a message safe to show to users. `http_errors.register(app)` turns them
into RFC 7807-style JSON bodies (OGC API) or OWS ExceptionReports (WPS).
"""

from __future__ import annotations

OGC_EXCEPTIONS = "http://www.opengis.net/def/exceptions"
PROCESSES_EXCEPTIONS = f"{OGC_EXCEPTIONS}/ogcapi-processes-1/1.0"


class ApiError(Exception):
    status = 500
    type_uri = "about:blank"
    title = "Internal Server Error"
    # OWS ExceptionReport code used when the error surfaces through WPS.
    ows_code = "NoApplicableCode"

    def __init__(
        self,
        detail: str,
        *,
        locator: str | None = None,
        type_uri: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.locator = locator
        self.headers = dict(headers or {})
        if type_uri is not None:
            self.type_uri = type_uri


class InvalidParameter(ApiError):
    """A query parameter or body member is malformed; `locator` names it."""

    status = 400
    type_uri = f"{OGC_EXCEPTIONS}/ogcapi-common-1/1.0/invalid-parameter-value"
    title = "Invalid parameter value"
    ows_code = "InvalidParameterValue"


class MissingParameter(InvalidParameter):
    title = "Missing parameter value"
    ows_code = "MissingParameterValue"


class Unauthorized(ApiError):
    status = 401
    title = "Unauthorized"


class Forbidden(ApiError):
    status = 403
    title = "Forbidden"


class NotFoundError(ApiError):
    status = 404
    type_uri = f"{OGC_EXCEPTIONS}/ogcapi-common-1/1.0/not-found"
    title = "Not Found"
    ows_code = "InvalidParameterValue"


class NoSuchProcess(NotFoundError):
    type_uri = f"{PROCESSES_EXCEPTIONS}/no-such-process"
    title = "No such process"


class NoSuchJob(NotFoundError):
    type_uri = f"{PROCESSES_EXCEPTIONS}/no-such-job"
    title = "No such job"
    ows_code = "NoSuchJob"


class ResultNotReady(NotFoundError):
    type_uri = f"{PROCESSES_EXCEPTIONS}/result-not-ready"
    title = "Result not ready"
    ows_code = "ResultNotReady"


class Conflict(ApiError):
    status = 409
    title = "Conflict"


class TooManyRequests(ApiError):
    status = 429
    title = "Too Many Requests"
    ows_code = "ServerBusy"


class ServiceUnavailable(ApiError):
    status = 503
    title = "Service Unavailable"
    ows_code = "ServerBusy"

    def __init__(self, detail: str, *, retry_after: int = 5) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)})
        self.retry_after = retry_after
