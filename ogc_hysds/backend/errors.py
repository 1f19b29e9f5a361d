# SPDX-License-Identifier: Apache-2.0
"""The three ways a backend call can fail, as every caller sees them.

The adapter classifies whatever the client library raised into one of these, so
the OGC layer maps errors to HTTP once: `NotFound` → 404, `BadRequest` → 400 and
`Unavailable` → 503 with `Retry-After`. An empty result is not an error.
"""

from __future__ import annotations


class BackendError(Exception):
    """Base class; `backend` names the service (grq, mozart, broker, ...)."""

    def __init__(self, message: str, *, backend: str = "") -> None:
        super().__init__(message)
        self.backend = backend
        self.message = message


class NotFound(BackendError):
    """The document, index or queue asked for does not exist."""


class BadRequest(BackendError):
    """The backend refused the request as malformed; `message` is safe to show."""


class Unavailable(BackendError):
    """The backend cannot answer now; try again after `retry_after` seconds."""

    def __init__(self, message: str, *, backend: str = "", retry_after: int = 5):
        super().__init__(message, backend=backend)
        self.retry_after = max(1, int(retry_after))
