# SPDX-License-Identifier: Apache-2.0
"""Admission control per backend: a token bucket for rate, a semaphore for concurrency.

A call that cannot get both a token and an in-flight slot within the policy's
`acquire_timeout` is shed (`Shed`), so overload stays in our process and never
reaches the backend. The clock and sleep are injected so tests check timing
without sleeping.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable

Clock = Callable[[], float]
Sleep = Callable[[float], None]


class Shed(Exception):
    """No token or slot in time; `reason` is `rate` or `concurrency`."""

    def __init__(self, reason: str, retry_after: float) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class TokenBucket:
    """`burst` tokens at most, refilled at `rate` per second."""

    def __init__(self, rate: float, burst: int, *, clock: Clock) -> None:
        self.rate = rate
        self.burst = float(burst)
        self._clock = clock
        self._tokens = float(burst)
        self._stamp = clock()
        self._lock = threading.Lock()

    def reserve(self, max_wait: float) -> float | None:
        """Take one token, possibly one not yet refilled; return how long to wait.

        Returns None (and takes nothing) when the token would only be there after
        `max_wait` seconds. Reserving ahead keeps waiting callers in order and the
        rate exact: tokens may go negative, never the refill rate up.
        """
        with self._lock:
            self._refill()
            wait = max(0.0, (1.0 - self._tokens) / self.rate)
            if wait > max_wait:
                return None
            self._tokens -= 1.0
            return wait

    def available(self) -> float:
        with self._lock:
            self._refill()
            return self._tokens

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now


class ConcurrencyLimiter:
    """At most `limit` calls in flight; waiting for a slot is bounded."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._slots = threading.BoundedSemaphore(limit)
        self._lock = threading.Lock()
        self._in_flight = 0

    def acquire(self, timeout: float) -> bool:
        taken = self._slots.acquire(timeout=timeout) if timeout > 0 else False
        if not taken and timeout <= 0:
            taken = self._slots.acquire(blocking=False)
        if taken:
            with self._lock:
                self._in_flight += 1
        return taken

    def release(self) -> None:
        with self._lock:
            self._in_flight -= 1
        self._slots.release()

    @property
    def in_flight(self) -> int:
        return self._in_flight


class Throttle:
    """Both limits together, as one gate a call passes before reaching the backend."""

    def __init__(
        self,
        *,
        rate: float,
        burst: int,
        max_in_flight: int,
        acquire_timeout: float,
        clock: Clock,
        sleep: Sleep,
    ) -> None:
        self.bucket = TokenBucket(rate, burst, clock=clock)
        self.limiter = ConcurrencyLimiter(max_in_flight)
        self.acquire_timeout = acquire_timeout
        self._sleep = sleep
        self._retry_after = max(1.0, math.ceil(1.0 / rate))

    def enter(self) -> None:
        """Wait for a token, then a slot, within `acquire_timeout`; else raise `Shed`.

        The token is taken first: a call that then fails to get a slot has spent
        it, which errs on the side of the backend.
        """
        wait = self.bucket.reserve(self.acquire_timeout)
        if wait is None:
            raise Shed("rate", self._retry_after)
        if wait > 0:
            self._sleep(wait)
        if not self.limiter.acquire(self.acquire_timeout - wait):
            raise Shed("concurrency", 1.0)

    def leave(self) -> None:
        self.limiter.release()
