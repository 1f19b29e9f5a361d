# SPDX-License-Identifier: Apache-2.0
"""The adapter: retries only transient failures, within attempts and deadline."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from opensearchpy import exceptions as os_errors

from ogc_hysds.backend.adapter import BackendAdapter
from ogc_hysds.backend.errors import BadRequest, NotFound, Unavailable
from ogc_hysds.backend.observe import Recorder
from ogc_hysds.config import BackendPolicy
from tests.unit.backend.fakes import FakeClock

CONNECTION_LOST = os_errors.ConnectionError("N/A", "connection refused", OSError())
BAD_QUERY = os_errors.RequestError(400, "parsing_exception", {})


def _adapter(clock: FakeClock, **policy: Any) -> tuple[BackendAdapter, Recorder]:
    settings: dict[str, Any] = {
        "rate": 1000.0,
        "burst": 1000,
        "attempts": 3,
        "backoff_initial": 0.2,
        "backoff_max": 2.0,
        "deadline": 10.0,
        "breaker_failures": 100,
    }
    settings.update(policy)
    recorder = Recorder()
    adapter = BackendAdapter(
        "grq",
        BackendPolicy(**settings),
        timeout=5.0,
        clock=clock,
        sleep=clock.sleep,
        observer=recorder,
    )
    return adapter, recorder


def _failing(*errors: Exception, result: str = "ok") -> Callable[[float], str]:
    pending = list(errors)

    def call(timeout: float) -> str:
        if pending:
            raise pending.pop(0)
        return result

    return call


def test_transient_failures_are_retried_until_success() -> None:
    clock = FakeClock()
    adapter, recorder = _adapter(clock)

    result = adapter.call("search", _failing(CONNECTION_LOST, CONNECTION_LOST))

    assert result == "ok"
    assert recorder.attempts("grq", "search") == 3
    assert len(clock.sleeps) == 2


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (BAD_QUERY, BadRequest),
        (os_errors.NotFoundError(404, "index_not_found_exception", {}), NotFound),
        (os_errors.TransportError(500, "internal", {}), Unavailable),
    ],
)
def test_non_transient_failures_are_not_retried(
    error: Exception, expected: type[Exception]
) -> None:
    clock = FakeClock()
    adapter, recorder = _adapter(clock)

    with pytest.raises(expected):
        adapter.call("search", _failing(error))

    assert recorder.attempts("grq", "search") == 1
    assert clock.sleeps == []


def test_attempts_are_bounded() -> None:
    clock = FakeClock()
    adapter, recorder = _adapter(clock, attempts=4)

    with pytest.raises(Unavailable):
        adapter.call("search", _failing(*[CONNECTION_LOST] * 10))

    assert recorder.attempts("grq", "search") == 4


def test_deadline_bounds_the_whole_call() -> None:
    clock = FakeClock()
    adapter, _ = _adapter(clock, attempts=10, deadline=7.0)
    started = clock.now

    def hang(timeout: float) -> str:
        # A backend that never answers costs each attempt its whole timeout.
        clock.advance(timeout)
        raise os_errors.ConnectionTimeout("TIMEOUT", "read timed out", OSError())

    with pytest.raises(Unavailable):
        adapter.call("search", hang)

    assert clock.now - started <= 7.0


def test_attempt_timeout_never_outlives_the_deadline() -> None:
    clock = FakeClock()
    adapter, _ = _adapter(clock, deadline=3.0)
    given: list[float] = []

    adapter.call("search", lambda timeout: given.append(timeout))

    assert given == [3.0]


def test_backoff_is_full_jitter_exponential_and_capped() -> None:
    clock = FakeClock()
    adapter, _ = _adapter(clock, attempts=6, backoff_initial=0.5, backoff_max=2.0)

    for _ in range(50):
        clock.sleeps.clear()
        with pytest.raises(Unavailable):
            adapter.call("search", _failing(*[CONNECTION_LOST] * 10))
        for attempt, pause in enumerate(clock.sleeps, start=1):
            assert 0 <= pause <= min(2.0, 0.5 * 2 ** (attempt - 1))


def test_each_retry_is_logged_once_at_warning(caplog: pytest.LogCaptureFixture) -> None:
    adapter, _ = _adapter(FakeClock())
    caplog.set_level(logging.WARNING, logger="ogc_hysds.backend.adapter")

    adapter.call("search", _failing(CONNECTION_LOST, CONNECTION_LOST))

    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2
    assert messages[0].startswith(
        "grq search: attempt 1 of 3 failed (connection error)"
    )
    assert messages[1].startswith(
        "grq search: attempt 2 of 3 failed (connection error)"
    )


def test_retries_spend_rate_tokens() -> None:
    clock = FakeClock()
    adapter, recorder = _adapter(clock, rate=0.001, burst=2, acquire_timeout=0)
    adapter.call("search", _failing(CONNECTION_LOST))

    with pytest.raises(Unavailable) as shed:
        adapter.call("search", _failing())

    assert "overloaded" in shed.value.message
    assert recorder.snapshot()["backends"]["grq"]["search"]["shed"] == {"rate": 1}


def test_open_breaker_fails_fast_without_calling_the_backend() -> None:
    clock = FakeClock()
    adapter, recorder = _adapter(clock, attempts=1, breaker_failures=2)
    for _ in range(2):
        with pytest.raises(Unavailable):
            adapter.call("health", _failing(CONNECTION_LOST))

    with pytest.raises(Unavailable) as refused:
        adapter.call("health", _failing())

    assert refused.value.message == "grq: circuit open"
    assert refused.value.retry_after == 15
    assert recorder.attempts("grq", "health") == 2
    assert recorder.snapshot()["breakers"] == {"grq": "open"}


def test_breaker_opening_mid_call_stops_the_retries() -> None:
    clock = FakeClock()
    adapter, recorder = _adapter(clock, attempts=5, breaker_failures=2)

    with pytest.raises(Unavailable) as refused:
        adapter.call("search", _failing(*[CONNECTION_LOST] * 5))

    assert "circuit open" in refused.value.message
    assert recorder.attempts("grq", "search") == 2


def test_probe_after_cooldown_closes_the_breaker() -> None:
    clock = FakeClock()
    adapter, recorder = _adapter(clock, attempts=1, breaker_failures=1)
    with pytest.raises(Unavailable):
        adapter.call("health", _failing(CONNECTION_LOST))
    clock.advance(15)

    assert adapter.call("health", _failing()) == "ok"

    assert recorder.snapshot()["breakers"] == {"grq": "closed"}


def test_transient_failure_runs_the_reconnect_hook() -> None:
    clock = FakeClock()
    dropped: list[bool] = []
    adapter = BackendAdapter(
        "broker",
        BackendPolicy(),
        clock=clock,
        sleep=clock.sleep,
        on_transient=lambda: dropped.append(True),
    )

    adapter.call("publish", _failing(CONNECTION_LOST))

    assert dropped == [True]


def test_unclassified_errors_pass_through_unchanged() -> None:
    adapter, recorder = _adapter(FakeClock())

    with pytest.raises(KeyError):
        adapter.call("search", _failing(KeyError("hits")))

    assert recorder.snapshot()["backends"]["grq"]["search"]["calls"] == {"error": 1}
