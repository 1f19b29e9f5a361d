# SPDX-License-Identifier: Apache-2.0
"""What the adapter reports about each backend call, and a default in-process recorder.

The adapter calls an observer at four points: after every attempt that reached the
backend (`on_call`), before each retry (`on_retry`), when a call is turned away
before reaching the backend (`on_shed`) and when a circuit breaker changes state
(`on_breaker`). The metrics layer can expose `Recorder.snapshot()` (or implement
the protocol itself) without the adapter knowing about Prometheus.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Protocol

# Outcomes of an attempt that reached the backend.
OK = "ok"
NOT_FOUND = "not_found"
BAD_REQUEST = "bad_request"
TRANSIENT = "transient"
ERROR = "error"


class BackendObserver(Protocol):
    """Receives one event per attempt, retry, shed call and breaker transition."""

    def on_call(
        self, backend: str, operation: str, outcome: str, seconds: float
    ) -> None: ...

    def on_retry(
        self, backend: str, operation: str, attempt: int, cause: str
    ) -> None: ...

    def on_shed(self, backend: str, operation: str, reason: str) -> None: ...

    def on_breaker(self, backend: str, state: str) -> None: ...


@dataclass
class _Latency:
    count: int = 0
    total: float = 0.0
    max: float = 0.0

    def add(self, seconds: float) -> None:
        self.count += 1
        self.total += seconds
        self.max = max(self.max, seconds)


@dataclass
class _Operation:
    outcomes: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    latency: _Latency = field(default_factory=_Latency)
    retries: int = 0
    shed: dict[str, int] = field(default_factory=lambda: defaultdict(int))


class Recorder:
    """Thread-safe counters per backend and operation, read with `snapshot()`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._operations: dict[tuple[str, str], _Operation] = defaultdict(_Operation)
        self._breakers: dict[str, str] = {}

    def on_call(
        self, backend: str, operation: str, outcome: str, seconds: float
    ) -> None:
        with self._lock:
            entry = self._operations[backend, operation]
            entry.outcomes[outcome] += 1
            entry.latency.add(seconds)

    def on_retry(self, backend: str, operation: str, attempt: int, cause: str) -> None:
        with self._lock:
            self._operations[backend, operation].retries += 1

    def on_shed(self, backend: str, operation: str, reason: str) -> None:
        with self._lock:
            self._operations[backend, operation].shed[reason] += 1

    def on_breaker(self, backend: str, state: str) -> None:
        with self._lock:
            self._breakers[backend] = state

    def snapshot(self) -> dict[str, Any]:
        """A plain-data copy: `{"backends": {name: {operation: {...}}}, "breakers"}`."""
        with self._lock:
            backends: dict[str, dict[str, Any]] = defaultdict(dict)
            for (backend, operation), entry in self._operations.items():
                backends[backend][operation] = {
                    "calls": dict(entry.outcomes),
                    "attempts": entry.latency.count,
                    "seconds_total": entry.latency.total,
                    "seconds_max": entry.latency.max,
                    "retries": entry.retries,
                    "shed": dict(entry.shed),
                }
            return {"backends": dict(backends), "breakers": dict(self._breakers)}

    def attempts(self, backend: str, operation: str) -> int:
        """How many attempts of one operation reached the backend."""
        with self._lock:
            entry = self._operations.get((backend, operation))
            return entry.latency.count if entry else 0
