# SPDX-License-Identifier: Apache-2.0
"""Which client-library errors are retried, and which end as 404, 400 or 503."""

from __future__ import annotations

import pytest
import requests
from opensearchpy import exceptions as os_errors
from opensearchpy.helpers import BulkIndexError
from pika import exceptions as amqp_errors

from ogc_hysds.backend.classify import (
    BAD_REQUEST,
    NOT_FOUND,
    TRANSIENT,
    UNAVAILABLE,
    HttpStatusError,
    classify,
    safe,
)

_ROOT_CAUSE = {"error": {"root_cause": [{"reason": "unknown query [bogus]"}]}}


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (os_errors.ConnectionError("N/A", "refused", OSError()), TRANSIENT),
        (
            os_errors.ConnectionTimeout("TIMEOUT", "read timed out", OSError()),
            TRANSIENT,
        ),
        (os_errors.SSLError("N/A", "handshake", OSError()), TRANSIENT),
        (os_errors.TransportError(429, "too_many_requests", {}), TRANSIENT),
        (os_errors.TransportError(502, "bad gateway", {}), TRANSIENT),
        (os_errors.TransportError(503, "unavailable", {}), TRANSIENT),
        (os_errors.TransportError(504, "gateway timeout", {}), TRANSIENT),
        (os_errors.RequestError(400, "parsing_exception", _ROOT_CAUSE), BAD_REQUEST),
        (os_errors.RequestError(400, "mapper_parsing_exception", {}), BAD_REQUEST),
        (os_errors.NotFoundError(404, "index_not_found_exception", {}), NOT_FOUND),
        (os_errors.ConflictError(409, "version_conflict", {}), BAD_REQUEST),
        (os_errors.AuthorizationException(403, "security", {}), UNAVAILABLE),
        (os_errors.TransportError(500, "internal", {}), UNAVAILABLE),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else value,
)
def test_opensearch_errors(error: Exception, kind: str) -> None:
    failure = classify(error)

    assert failure is not None and failure.kind == kind


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (amqp_errors.AMQPConnectionError("refused"), TRANSIENT),
        (amqp_errors.StreamLostError("EOF"), TRANSIENT),
        (amqp_errors.ConnectionClosedByBroker(320, "CONNECTION_FORCED"), TRANSIENT),
        (amqp_errors.AMQPHeartbeatTimeout("missed"), TRANSIENT),
        (amqp_errors.ConnectionWrongStateError("closed"), TRANSIENT),
        (amqp_errors.ChannelWrongStateError("closed"), TRANSIENT),
        (amqp_errors.NackError([]), TRANSIENT),
        (amqp_errors.UnroutableError([]), BAD_REQUEST),
        (amqp_errors.ChannelClosedByBroker(406, "PRECONDITION_FAILED"), BAD_REQUEST),
        (amqp_errors.ChannelClosedByBroker(404, "NOT_FOUND - no exchange"), NOT_FOUND),
        (amqp_errors.ChannelClosedByBroker(403, "ACCESS_REFUSED"), UNAVAILABLE),
        (amqp_errors.ProbableAuthenticationError("bad login"), UNAVAILABLE),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else value,
)
def test_pika_errors(error: Exception, kind: str) -> None:
    failure = classify(error)

    assert failure is not None and failure.kind == kind


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (requests.ConnectionError("refused"), TRANSIENT),
        (requests.ConnectTimeout("slow"), TRANSIENT),
        (requests.ReadTimeout("slow"), TRANSIENT),
        (HttpStatusError(429, "Too Many Requests"), TRANSIENT),
        (HttpStatusError(502, "Bad Gateway"), TRANSIENT),
        (HttpStatusError(503, "Service Unavailable"), TRANSIENT),
        (HttpStatusError(504, "Gateway Timeout"), TRANSIENT),
        (HttpStatusError(400, "Bad Request"), BAD_REQUEST),
        (HttpStatusError(404, "Not Found"), NOT_FOUND),
        (HttpStatusError(401, "Unauthorized"), UNAVAILABLE),
        (HttpStatusError(500, "Internal Server Error"), UNAVAILABLE),
        (requests.exceptions.InvalidURL("no host"), UNAVAILABLE),
        (TimeoutError("timed out"), TRANSIENT),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else value,
)
def test_requests_errors(error: Exception, kind: str) -> None:
    failure = classify(error)

    assert failure is not None and failure.kind == kind


@pytest.mark.parametrize(
    "error", [KeyError("hits"), BulkIndexError("1 document(s) failed", [{}])]
)
def test_errors_no_backend_raised_are_not_classified(error: Exception) -> None:
    assert classify(error) is None


def test_bad_request_message_names_the_root_cause() -> None:
    failure = classify(os_errors.RequestError(400, "parsing_exception", _ROOT_CAUSE))

    assert failure is not None and failure.message == "unknown query [bogus]"


def test_messages_for_users_carry_no_urls() -> None:
    text = "failed to reach http://grq-es.internal:9200/grq_v1/_search?q=1 today"

    assert safe(text) == "failed to reach <url> today"
