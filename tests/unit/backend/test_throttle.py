# SPDX-License-Identifier: Apache-2.0
"""Token bucket, concurrency cap and the gate that combines them."""

from __future__ import annotations

import pytest

from ogc_hysds.backend.throttle import ConcurrencyLimiter, Shed, Throttle, TokenBucket
from tests.unit.backend.fakes import FakeClock


def test_bucket_starts_full_and_serves_a_burst_without_waiting() -> None:
    bucket = TokenBucket(rate=10, burst=5, clock=FakeClock())

    waits = [bucket.reserve(max_wait=0) for _ in range(5)]

    assert waits == [0.0] * 5
    assert bucket.reserve(max_wait=0) is None


def test_bucket_refills_at_rate() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=10, burst=5, clock=clock)
    for _ in range(5):
        bucket.reserve(max_wait=0)

    clock.advance(0.3)

    assert bucket.available() == pytest.approx(3.0)


def test_bucket_never_holds_more_than_burst() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=10, burst=5, clock=clock)

    clock.advance(3600)

    assert bucket.available() == 5


def test_bucket_reserves_future_tokens_in_order_up_to_max_wait() -> None:
    bucket = TokenBucket(rate=10, burst=1, clock=FakeClock())
    bucket.reserve(max_wait=0)

    waits = [bucket.reserve(max_wait=0.35) for _ in range(4)]

    assert waits[:3] == [pytest.approx(0.1), pytest.approx(0.2), pytest.approx(0.3)]
    assert waits[3] is None


def test_refused_reservation_takes_no_token() -> None:
    bucket = TokenBucket(rate=10, burst=1, clock=FakeClock())
    bucket.reserve(max_wait=0)

    bucket.reserve(max_wait=0)

    assert bucket.available() == pytest.approx(0.0)


def test_limiter_caps_calls_in_flight() -> None:
    limiter = ConcurrencyLimiter(2)

    taken = [limiter.acquire(timeout=0) for _ in range(3)]

    assert taken == [True, True, False]
    assert limiter.in_flight == 2


def test_limiter_slot_is_free_again_after_release() -> None:
    limiter = ConcurrencyLimiter(1)
    limiter.acquire(timeout=0)

    limiter.release()

    assert limiter.acquire(timeout=0)


def test_limiter_gives_up_after_its_timeout() -> None:
    limiter = ConcurrencyLimiter(1)
    limiter.acquire(timeout=0)

    assert not limiter.acquire(timeout=0.01)


def _throttle(clock: FakeClock, **policy: float) -> Throttle:
    settings = {"rate": 10.0, "burst": 1, "max_in_flight": 1, "acquire_timeout": 0.5}
    settings.update(policy)
    return Throttle(
        rate=settings["rate"],
        burst=int(settings["burst"]),
        max_in_flight=int(settings["max_in_flight"]),
        acquire_timeout=settings["acquire_timeout"],
        clock=clock,
        sleep=clock.sleep,
    )


def test_gate_waits_for_a_token_within_acquire_timeout() -> None:
    clock = FakeClock()
    gate = _throttle(clock, max_in_flight=5)
    gate.enter()

    gate.enter()

    assert clock.sleeps == [pytest.approx(0.1)]


def test_gate_sheds_when_no_token_comes_in_time() -> None:
    gate = _throttle(FakeClock(), rate=1.0, max_in_flight=5)
    gate.enter()

    with pytest.raises(Shed) as shed:
        gate.enter()

    assert shed.value.reason == "rate"
    assert shed.value.retry_after >= 1


def test_gate_sheds_when_every_slot_is_busy() -> None:
    gate = _throttle(FakeClock(), burst=10, acquire_timeout=0)
    gate.enter()

    with pytest.raises(Shed) as shed:
        gate.enter()

    assert shed.value.reason == "concurrency"
