# SPDX-License-Identifier: Apache-2.0
"""The retry policy: full-jitter exponential backoff, bounded attempts and deadline.

Built on tenacity. Only `Transient` failures are retried; everything else ends the
call at once. The deadline is measured on the injected clock and counts the next
backoff pause, so a call never sleeps past it; the sleep is injected too, so tests
check the whole schedule without sleeping.
"""

from __future__ import annotations

from collections.abc import Callable

from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)
from tenacity.stop import stop_base

from ogc_hysds.backend.throttle import Clock, Sleep


class Transient(Exception):
    """A failure worth retrying (connection lost, timeout, 429/502/503/504, nack)."""

    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause


class Deadline:
    """The time one call (all its attempts and pauses) may take."""

    def __init__(self, seconds: float, clock: Clock) -> None:
        self._clock = clock
        self.expires = clock() + seconds

    def remaining(self) -> float:
        return self.expires - self._clock()


class _stop_at_deadline(stop_base):
    # tenacity's own stop_before_delay reads time.monotonic; ours reads the clock
    # the adapter was given, so the deadline is testable without sleeping.
    def __init__(self, deadline: Deadline) -> None:
        self.deadline = deadline

    def __call__(self, retry_state: RetryCallState) -> bool:
        return retry_state.upcoming_sleep >= self.deadline.remaining()


def retrying(
    *,
    attempts: int,
    backoff_initial: float,
    backoff_max: float,
    deadline: Deadline,
    sleep: Sleep,
    before_sleep: Callable[[RetryCallState], None],
) -> Retrying:
    """A tenacity `Retrying` for one call; the last `Transient` is re-raised."""
    return Retrying(
        retry=retry_if_exception_type(Transient),
        stop=stop_after_attempt(attempts) | _stop_at_deadline(deadline),
        wait=wait_random_exponential(multiplier=backoff_initial, max=backoff_max),
        sleep=sleep,
        before_sleep=before_sleep,
        reraise=True,
    )
