# SPDX-License-Identifier: Apache-2.0
"""A circuit breaker per backend: stop calling a backend that keeps failing.

Closed: calls pass; `failures` consecutive transient failures open it. Open: calls
fail fast with the remaining cool-down as their retry-after. After `cooldown`
seconds the breaker is half-open and lets exactly one probe through: its success
closes the breaker, its failure opens it again for another cool-down.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from ogc_hysds.backend.throttle import Clock

log = logging.getLogger(__name__)

CLOSED = "closed"
OPEN = "open"
HALF_OPEN = "half_open"


class CircuitOpen(Exception):
    """The breaker refused the call; retry after `retry_after` seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"circuit open, retry in {retry_after:.0f} s")
        self.retry_after = retry_after


class CircuitBreaker:
    def __init__(
        self,
        name: str,
        *,
        failures: int,
        cooldown: float,
        clock: Clock,
        on_change: Callable[[str], None] | None = None,
    ) -> None:
        self.name = name
        self.failures = failures
        self.cooldown = cooldown
        self._clock = clock
        self._on_change = on_change
        self._lock = threading.Lock()
        self._state = CLOSED
        self._consecutive = 0
        self._opened_at = 0.0
        self._probing = False

    @property
    def state(self) -> str:
        with self._lock:
            if self._state == OPEN and self._remaining() <= 0:
                return HALF_OPEN
            return self._state

    def retry_after(self) -> float:
        """Seconds until the breaker lets a probe through (0 when closed)."""
        with self._lock:
            return max(0.0, self._remaining()) if self._state == OPEN else 0.0

    def admit(self) -> None:
        """Let a call through or raise `CircuitOpen`."""
        with self._lock:
            if self._state == CLOSED:
                return
            if self._state == OPEN:
                remaining = self._remaining()
                if remaining > 0:
                    raise CircuitOpen(remaining)
                self._set(HALF_OPEN)
            if self._probing:
                # One probe at a time; the others come back after a short pause.
                raise CircuitOpen(1.0)
            self._probing = True

    def record_success(self) -> None:
        """The backend answered (even with 400 or 404): it is alive."""
        with self._lock:
            self._consecutive = 0
            self._probing = False
            if self._state != CLOSED:
                self._set(CLOSED)

    def record_failure(self) -> None:
        """A transient failure: count it, open at the threshold or on a failed probe."""
        with self._lock:
            self._consecutive += 1
            probe_failed = self._state == HALF_OPEN
            self._probing = False
            if probe_failed or (
                self._state == CLOSED and self._consecutive >= self.failures
            ):
                self._opened_at = self._clock()
                self._set(OPEN)

    def release(self) -> None:
        """An admitted call never reached the backend (shed): free the probe."""
        with self._lock:
            self._probing = False

    def _remaining(self) -> float:
        return self._opened_at + self.cooldown - self._clock()

    def _set(self, state: str) -> None:
        self._state = state
        if state == OPEN:
            log.warning(
                "%s circuit open after %d failures; cooling down %.0f s",
                self.name,
                self._consecutive,
                self.cooldown,
            )
        else:
            log.info("%s circuit %s", self.name, state)
        if self._on_change is not None:
            self._on_change(state)
