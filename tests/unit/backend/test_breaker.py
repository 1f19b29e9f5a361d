# SPDX-License-Identifier: Apache-2.0
"""Circuit breaker: open after N failures, fail fast, one probe, close on success."""

from __future__ import annotations

import pytest

from ogc_hysds.backend.breaker import (
    CLOSED,
    HALF_OPEN,
    OPEN,
    CircuitBreaker,
    CircuitOpen,
)
from tests.unit.backend.fakes import FakeClock


def _breaker(clock: FakeClock, states: list[str] | None = None) -> CircuitBreaker:
    return CircuitBreaker(
        "grq",
        failures=3,
        cooldown=10.0,
        clock=clock,
        on_change=states.append if states is not None else None,
    )


def _fail(breaker: CircuitBreaker, times: int) -> None:
    for _ in range(times):
        breaker.admit()
        breaker.record_failure()


def test_stays_closed_below_the_threshold() -> None:
    breaker = _breaker(FakeClock())

    _fail(breaker, 2)

    assert breaker.state == CLOSED


def test_opens_after_consecutive_failures() -> None:
    breaker = _breaker(FakeClock())

    _fail(breaker, 3)

    assert breaker.state == OPEN


def test_a_success_resets_the_count() -> None:
    breaker = _breaker(FakeClock())
    _fail(breaker, 2)
    breaker.record_success()

    _fail(breaker, 2)

    assert breaker.state == CLOSED


def test_open_breaker_fails_fast_with_remaining_cooldown() -> None:
    clock = FakeClock()
    breaker = _breaker(clock)
    _fail(breaker, 3)
    clock.advance(4)

    with pytest.raises(CircuitOpen) as refused:
        breaker.admit()

    assert refused.value.retry_after == pytest.approx(6)
    assert breaker.retry_after() == pytest.approx(6)


def test_half_open_lets_exactly_one_probe_through() -> None:
    clock = FakeClock()
    breaker = _breaker(clock)
    _fail(breaker, 3)
    clock.advance(10)

    breaker.admit()

    assert breaker.state == HALF_OPEN
    with pytest.raises(CircuitOpen):
        breaker.admit()


def test_successful_probe_closes() -> None:
    clock = FakeClock()
    breaker = _breaker(clock)
    _fail(breaker, 3)
    clock.advance(10)
    breaker.admit()

    breaker.record_success()

    assert breaker.state == CLOSED
    breaker.admit()


def test_failed_probe_reopens_for_a_full_cooldown() -> None:
    clock = FakeClock()
    breaker = _breaker(clock)
    _fail(breaker, 3)
    clock.advance(10)
    breaker.admit()

    breaker.record_failure()

    assert breaker.state == OPEN
    assert breaker.retry_after() == pytest.approx(10)


def test_released_probe_lets_the_next_call_probe() -> None:
    clock = FakeClock()
    breaker = _breaker(clock)
    _fail(breaker, 3)
    clock.advance(10)
    breaker.admit()

    breaker.release()

    breaker.admit()


def test_reports_each_transition() -> None:
    clock = FakeClock()
    states: list[str] = []
    breaker = _breaker(clock, states)
    _fail(breaker, 3)
    clock.advance(10)
    breaker.admit()

    breaker.record_success()

    assert states == [OPEN, HALF_OPEN, CLOSED]
