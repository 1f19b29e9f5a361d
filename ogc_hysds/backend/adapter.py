# SPDX-License-Identifier: Apache-2.0
"""The one throttled path every backend call takes.

`BackendAdapter.call(operation, fn)` runs `fn` under the backend's policy:

1. the circuit breaker fails fast while the backend is known to be down;
2. the throttle admits the attempt (token + in-flight slot) or sheds it;
3. `fn` runs with a timeout that never outlives the call's deadline;
4. what it raised is classified; only transient failures are retried, with
   full-jitter exponential backoff, and every retry passes steps 1-2 again.

Whatever cannot be answered ends as `Unavailable(retry_after)`; `NotFound` and
`BadRequest` pass through untouched by retries.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import TypeVar

from tenacity import RetryCallState

from ogc_hysds.backend import observe
from ogc_hysds.backend.breaker import CircuitBreaker, CircuitOpen
from ogc_hysds.backend.classify import (
    BAD_REQUEST,
    NOT_FOUND,
    TRANSIENT,
    Failure,
    classify,
)
from ogc_hysds.backend.errors import BadRequest, NotFound, Unavailable
from ogc_hysds.backend.observe import BackendObserver, Recorder
from ogc_hysds.backend.retry import Deadline, Transient, retrying
from ogc_hysds.backend.throttle import Clock, Shed, Sleep, Throttle
from ogc_hysds.config import BackendPolicy

log = logging.getLogger(__name__)

T = TypeVar("T")

# `fn` gets the seconds its attempt may take and passes them to its client.
Attempt = Callable[[float], T]

_OUTCOMES = {
    NOT_FOUND: observe.NOT_FOUND,
    BAD_REQUEST: observe.BAD_REQUEST,
    TRANSIENT: observe.TRANSIENT,
}


class BackendAdapter:
    """Policy enforcement for one backend; one instance per backend per process."""

    def __init__(
        self,
        name: str,
        policy: BackendPolicy,
        *,
        timeout: float = 10.0,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
        observer: BackendObserver | None = None,
        on_transient: Callable[[], None] | None = None,
    ) -> None:
        """`timeout` caps one attempt; `on_transient` runs before a retry."""
        self.name = name
        self.policy = policy
        self.timeout = timeout
        self.observer: BackendObserver = observer or Recorder()
        self._clock = clock
        self._sleep = sleep
        self._on_transient = on_transient
        self.throttle = Throttle(
            rate=policy.rate,
            burst=policy.burst,
            max_in_flight=policy.max_in_flight,
            acquire_timeout=policy.acquire_timeout,
            clock=clock,
            sleep=sleep,
        )
        self.breaker = CircuitBreaker(
            name,
            failures=policy.breaker_failures,
            cooldown=policy.breaker_cooldown,
            clock=clock,
            on_change=lambda state: self.observer.on_breaker(name, state),
        )

    def call(self, operation: str, fn: Attempt[T]) -> T:
        """Run `fn` under the policy; raises NotFound, BadRequest or Unavailable."""
        deadline = Deadline(self.policy.deadline, self._clock)
        policy = retrying(
            attempts=self.policy.attempts,
            backoff_initial=self.policy.backoff_initial,
            backoff_max=self.policy.backoff_max,
            deadline=deadline,
            sleep=self._sleep,
            before_sleep=lambda state: self._before_retry(operation, state),
        )
        try:
            result: T = policy(self._attempt, operation, fn, deadline)
        except Transient as err:
            raise Unavailable(
                f"{self.name} {operation}: {err.cause}",
                backend=self.name,
                retry_after=self._retry_after(),
            ) from err
        return result

    def _attempt(self, operation: str, fn: Attempt[T], deadline: Deadline) -> T:
        self._admit(operation)
        started = self._clock()
        try:
            result = fn(max(0.001, min(self.timeout, deadline.remaining())))
        except Exception as err:
            failure = classify(err)
            self._record(operation, failure, self._clock() - started)
            if failure is None:
                raise
            raise self._error(operation, failure) from err
        else:
            self._record(operation, None, self._clock() - started, ok=True)
            return result
        finally:
            self.throttle.leave()

    def _admit(self, operation: str) -> None:
        try:
            self.breaker.admit()
        except CircuitOpen as err:
            self.observer.on_shed(self.name, operation, "circuit_open")
            raise Unavailable(
                f"{self.name}: circuit open",
                backend=self.name,
                retry_after=math.ceil(err.retry_after),
            ) from err
        try:
            self.throttle.enter()
        except Shed as err:
            self.breaker.release()
            self.observer.on_shed(self.name, operation, err.reason)
            log.warning(
                "%s %s: shed (%s limit), retry after %.0f s",
                self.name,
                operation,
                err.reason,
                err.retry_after,
            )
            raise Unavailable(
                f"{self.name}: overloaded ({err.reason} limit)",
                backend=self.name,
                retry_after=math.ceil(err.retry_after),
            ) from err

    def _record(
        self, operation: str, failure: Failure | None, seconds: float, ok: bool = False
    ) -> None:
        if failure is not None and failure.kind == TRANSIENT:
            self.breaker.record_failure()
        else:
            # The backend answered, even if with 400 or 404: it is alive.
            self.breaker.record_success()
        if ok:
            outcome = observe.OK
        elif failure is None:
            outcome = observe.ERROR
        else:
            outcome = _OUTCOMES.get(failure.kind, observe.ERROR)
        self.observer.on_call(self.name, operation, outcome, seconds)

    def _error(self, operation: str, failure: Failure) -> Exception:
        if failure.kind == TRANSIENT:
            if self._on_transient is not None:
                self._on_transient()
            return Transient(failure.message)
        if failure.kind == NOT_FOUND:
            return NotFound(f"{self.name}: {failure.message}", backend=self.name)
        if failure.kind == BAD_REQUEST:
            return BadRequest(f"{self.name}: {failure.message}", backend=self.name)
        return Unavailable(
            f"{self.name} {operation}: {failure.message}",
            backend=self.name,
            retry_after=self._retry_after(),
        )

    def _before_retry(self, operation: str, state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        cause = error.cause if isinstance(error, Transient) else repr(error)
        log.warning(
            "%s %s: attempt %d of %d failed (%s); retrying in %.2f s",
            self.name,
            operation,
            state.attempt_number,
            self.policy.attempts,
            cause,
            state.upcoming_sleep,
        )
        self.observer.on_retry(self.name, operation, state.attempt_number, cause)

    def _retry_after(self) -> int:
        # While the breaker is open nothing is tried before its cool-down ends.
        return max(1, math.ceil(self.breaker.retry_after() or self.policy.backoff_max))
