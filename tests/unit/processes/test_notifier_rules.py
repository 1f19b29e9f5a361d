# SPDX-License-Identifier: Apache-2.0
"""What a subscriber is owed and when a failed callback is tried again."""

from __future__ import annotations

import pytest

from ogc_hysds.hysds import callbacks
from ogc_hysds.hysds.callbacks import Delivery, TargetRefused

SUBSCRIBER = {
    "successUri": "https://example.org/ok",
    "inProgressUri": "https://example.org/running",
    "failedUri": "https://example.org/failed",
}


@pytest.mark.parametrize(
    ("status", "uri"),
    [
        ("accepted", None),
        ("running", "https://example.org/running"),
        ("successful", "https://example.org/ok"),
        ("failed", "https://example.org/failed"),
        ("dismissed", "https://example.org/failed"),
    ],
)
def test_each_status_is_announced_on_its_uri(status: str, uri: str | None) -> None:
    assert callbacks.wanted_uri(SUBSCRIBER, status) == uri


def test_a_missing_optional_uri_owes_nothing() -> None:
    only_success = {"successUri": "https://example.org/ok"}
    assert not callbacks.owed(Delivery("j"), only_success, "running")
    assert callbacks.owed(Delivery("j"), only_success, "successful")


def test_a_delivered_status_is_not_owed_again() -> None:
    delivery = Delivery("j")
    callbacks.start_attempt(delivery, "running", now=100.0, lease=30.0)
    callbacks.succeed(delivery, "running")
    assert not callbacks.owed(delivery, SUBSCRIBER, "running")
    assert callbacks.owed(delivery, SUBSCRIBER, "successful")
    assert not delivery.done


def test_a_terminal_delivery_finishes_the_job() -> None:
    delivery = Delivery("j")
    callbacks.start_attempt(delivery, "successful", now=100.0, lease=30.0)
    callbacks.succeed(delivery, "successful")
    assert delivery.done and delivery.attempts == 0 and delivery.pending is None


def test_a_claim_counts_the_attempt_and_leases_it() -> None:
    delivery = Delivery("j")
    callbacks.start_attempt(delivery, "successful", now=100.0, lease=30.0)
    callbacks.start_attempt(delivery, "successful", now=140.0, lease=30.0)
    assert delivery.attempts == 2
    assert delivery.first_attempt == 100.0
    assert delivery.next_attempt == 170.0


def test_a_newer_status_restarts_the_count() -> None:
    delivery = Delivery("j")
    callbacks.start_attempt(delivery, "running", now=100.0, lease=30.0)
    callbacks.start_attempt(delivery, "successful", now=110.0, lease=30.0)
    assert delivery.pending == "successful"
    assert delivery.attempts == 1 and delivery.first_attempt == 110.0


@pytest.mark.parametrize(
    ("attempts", "expected"), [(1, 5.0), (2, 10.0), (3, 20.0), (8, 600.0)]
)
def test_backoff_doubles_up_to_the_cap(attempts: int, expected: float) -> None:
    assert callbacks.backoff(attempts, initial=5.0, maximum=600.0) == expected


def test_give_up_after_max_attempts_or_max_age() -> None:
    delivery = Delivery("j", attempts=3, first_attempt=1000.0)
    assert callbacks.give_up(delivery, 1001.0, max_attempts=3, max_age=60.0)
    delivery.attempts = 2
    assert not callbacks.give_up(delivery, 1001.0, max_attempts=3, max_age=60.0)
    assert callbacks.give_up(delivery, 1060.0, max_attempts=3, max_age=60.0)


def test_an_abandoned_status_is_recorded_as_such() -> None:
    delivery = Delivery("j")
    callbacks.start_attempt(delivery, "failed", now=1.0, lease=1.0)
    callbacks.abandon(delivery, "failed", "HTTP 500")
    assert delivery.abandoned == ["failed"] and delivery.delivered == ["failed"]
    assert delivery.done and delivery.last_error == "HTTP 500"


def test_delivery_round_trips_through_its_document() -> None:
    delivery = Delivery("j", delivered=["running"], attempts=2, next_attempt=5.5)
    assert Delivery.from_doc(delivery.to_doc()) == delivery


@pytest.mark.parametrize(
    "uri",
    ["ftp://example.org/x", "file:///etc/passwd", "/relative", "http://"],
)
def test_only_absolute_http_uris_are_accepted(uri: str) -> None:
    with pytest.raises(TargetRefused):
        callbacks.check_target(uri, allow_internal=True)


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "::1", "169.254.169.254", "fe80::1%eth0", "0.0.0.0"]
)
def test_internal_addresses_are_refused(address: str) -> None:
    with pytest.raises(TargetRefused):
        callbacks.check_target(
            "http://receiver.example/cb",
            allow_internal=False,
            resolve=lambda host: ["93.184.215.14", address],
        )


def test_internal_addresses_pass_when_allowed_and_public_ones_always() -> None:
    callbacks.check_target("http://127.0.0.1:9/cb", allow_internal=True)
    callbacks.check_target(
        "https://receiver.example/cb",
        allow_internal=False,
        resolve=lambda host: ["93.184.215.14", "10.0.0.5"],
    )
