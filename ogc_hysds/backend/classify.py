# SPDX-License-Identifier: Apache-2.0
"""What a client library's exception means: retry, not found, bad request, or down.

One table per library (opensearch-py, pika, requests). Only transient failures are
retried: connection errors, timeouts, HTTP 429/502/503/504, a lost AMQP connection
or a broker nack. A refused query, a missing document or a mapping error is the
caller's to fix and is never retried. Messages meant for users carry no URLs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import requests
from opensearchpy import exceptions as os_errors
from pika import exceptions as amqp_errors

TRANSIENT = "transient"
NOT_FOUND = "not_found"
BAD_REQUEST = "bad_request"
UNAVAILABLE = "unavailable"

TRANSIENT_STATUS = frozenset({429, 502, 503, 504})

_URL = re.compile(r"\b[a-z][a-z0-9+.\-]*://\S+", re.IGNORECASE)


@dataclass(frozen=True)
class Failure:
    """A classified exception: `kind` decides retry and error class."""

    kind: str
    message: str


class HttpStatusError(Exception):
    """A non-2xx answer from an HTTP backend, classified by its status."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"HTTP {status} {reason}")
        self.status = status
        self.reason = reason


def classify(err: BaseException) -> Failure | None:
    """The failure class of `err`, or None to let it pass unchanged.

    None covers our own bugs and `helpers.BulkIndexError`, whose per-document
    errors the caller reads (the cluster answered; some documents were refused).
    """
    for table in (_opensearch, _amqp, _requests):
        failure = table(err)
        if failure is not None:
            return failure
    if isinstance(err, (ConnectionError, TimeoutError)):
        return Failure(TRANSIENT, type(err).__name__)
    return None


def safe(text: str) -> str:
    """`text` without URLs (they name internal hosts), trimmed for a user's eyes."""
    return _URL.sub("<url>", text)[:300]


def by_status(status: int, detail: str) -> Failure:
    if status in TRANSIENT_STATUS:
        return Failure(TRANSIENT, f"HTTP {status}")
    if status == 404:
        return Failure(NOT_FOUND, "not found")
    if status in (401, 403):
        # Our credentials, not the user's request, are wrong: not a 400.
        return Failure(UNAVAILABLE, f"HTTP {status}")
    if 400 <= status < 500:
        return Failure(BAD_REQUEST, safe(detail) or f"HTTP {status}")
    return Failure(UNAVAILABLE, f"HTTP {status}")


def _opensearch(err: BaseException) -> Failure | None:
    if isinstance(err, os_errors.ConnectionTimeout):
        return Failure(TRANSIENT, "timeout")
    if isinstance(err, os_errors.ConnectionError):
        # Also SSLError; the connection never carried an answer.
        return Failure(TRANSIENT, "connection error")
    if isinstance(err, os_errors.TransportError):
        status = err.status_code if isinstance(err.status_code, int) else 0
        return by_status(status, _opensearch_reason(err))
    if isinstance(err, os_errors.SerializationError):
        return Failure(BAD_REQUEST, "request or answer is not valid JSON")
    return None


def _opensearch_reason(err: os_errors.TransportError) -> str:
    # The root cause's reason says what is wrong with the query, e.g. "failed to
    # parse date field"; the error type alone ("search_phase_execution_exception")
    # does not.
    info: Any = err.info
    if isinstance(info, dict):
        error = info.get("error")
        if isinstance(error, dict):
            causes = error.get("root_cause") or [error]
            reason = causes[0].get("reason") if isinstance(causes[0], dict) else None
            if reason:
                return str(reason)
    return str(err.error)


def _amqp(err: BaseException) -> Failure | None:
    if isinstance(err, amqp_errors.UnroutableError):
        return Failure(BAD_REQUEST, "message was not routed to any queue")
    if isinstance(err, amqp_errors.NackError):
        return Failure(TRANSIENT, "broker nack")
    if isinstance(err, amqp_errors.ChannelClosedByBroker):
        if err.reply_code == 404:
            return Failure(NOT_FOUND, safe(err.reply_text))
        if err.reply_code == 406:
            return Failure(BAD_REQUEST, safe(err.reply_text))
        return Failure(UNAVAILABLE, f"channel closed ({err.reply_code})")
    if isinstance(err, amqp_errors.ProbableAuthenticationError):
        return Failure(UNAVAILABLE, "broker refused our credentials")
    if isinstance(err, (amqp_errors.AMQPConnectionError, amqp_errors.AMQPChannelError)):
        return Failure(TRANSIENT, f"broker connection lost ({type(err).__name__})")
    return None


def _requests(err: BaseException) -> Failure | None:
    if isinstance(err, HttpStatusError):
        return by_status(err.status, err.reason)
    if isinstance(err, requests.Timeout):
        return Failure(TRANSIENT, "timeout")
    if isinstance(err, requests.ConnectionError):
        return Failure(TRANSIENT, "connection error")
    if isinstance(err, requests.RequestException):
        return Failure(UNAVAILABLE, type(err).__name__)
    return None
