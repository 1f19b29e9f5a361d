# SPDX-License-Identifier: Apache-2.0
"""What a job's `subscriber` is owed, and when to try again (no I/O here).

OGC API Processes 1.0 §7.11.4 (callback conformance class): an execute request
may carry `subscriber` {successUri, inProgressUri, failedUri}; the server POSTs
the job's statusInfo there as the job progresses. Delivery is at least once:
a callback is retried with exponential backoff until it is acknowledged with a
2xx, or until too many attempts or too much time, when it is abandoned.

The per-job `Delivery` record is what the notifier keeps in OpenSearch, so a
restarted notifier carries on exactly where the last one stopped.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ogc_hysds.hysds.status import DISMISSED, FAILED, RUNNING, SUCCESSFUL

# Which subscriber URI each OGC status is announced on. `accepted` is the
# answer to execute itself, so it has no callback.
URI_FOR_STATUS = {
    RUNNING: "inProgressUri",
    SUCCESSFUL: "successUri",
    FAILED: "failedUri",
    DISMISSED: "failedUri",
}
TERMINAL = frozenset({SUCCESSFUL, FAILED, DISMISSED})

Resolver = Callable[[str], list[str]]


class TargetRefused(ValueError):
    """A callback URI we will not POST to; the message says why."""


@dataclass
class Delivery:
    """Notification state of one job, stored in the `ogc_callbacks` index.

    `delivered` lists the statuses acknowledged (or abandoned, also listed in
    `abandoned`); `pending` is the status being delivered, `attempts` its tries
    so far and `next_attempt` the epoch second before which nobody retries it.
    A claimed delivery's `next_attempt` is its lease: a notifier that dies
    mid-POST leaves it to be retried once the lease has run out.
    """

    job_id: str
    delivered: list[str] = field(default_factory=list)
    abandoned: list[str] = field(default_factory=list)
    pending: str | None = None
    attempts: int = 0
    first_attempt: float | None = None
    next_attempt: float = 0.0
    last_error: str | None = None
    done: bool = False

    def to_doc(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Delivery:
        known = {name: doc[name] for name in cls.__dataclass_fields__ if name in doc}
        return cls(**known)


def wanted_uri(subscriber: dict[str, Any] | None, status: str) -> str | None:
    """The URI announcing `status`, if the subscriber asked for one."""
    key = URI_FOR_STATUS.get(status)
    if key is None or not subscriber:
        return None
    uri = subscriber.get(key)
    return uri if isinstance(uri, str) and uri else None


def owed(delivery: Delivery, subscriber: dict[str, Any] | None, status: str) -> bool:
    """Whether the job's current `status` still has to be announced."""
    if status in delivery.delivered:
        return False
    return wanted_uri(subscriber, status) is not None


def backoff(attempts: int, initial: float, maximum: float) -> float:
    """Seconds to wait after `attempts` failed tries: initial × 2^(n-1), capped."""
    return float(min(maximum, initial * 2 ** max(0, attempts - 1)))


def give_up(delivery: Delivery, now: float, max_attempts: int, max_age: float) -> bool:
    """Whether a failed delivery has used up its attempts or its time."""
    if delivery.attempts >= max_attempts:
        return True
    started = delivery.first_attempt if delivery.first_attempt is not None else now
    return now - started >= max_age


def start_attempt(delivery: Delivery, status: str, now: float, lease: float) -> None:
    """Claim `status` for one try: count it and lease it for `lease` seconds."""
    if delivery.pending != status:
        # A newer status supersedes one still being retried: the subscriber
        # wants the job's state, not every step it went through.
        delivery.pending = status
        delivery.attempts = 0
        delivery.first_attempt = now
    delivery.attempts += 1
    delivery.next_attempt = now + lease


def succeed(delivery: Delivery, status: str) -> None:
    delivery.delivered.append(status)
    delivery.pending = None
    delivery.attempts = 0
    delivery.first_attempt = None
    delivery.next_attempt = 0.0
    delivery.last_error = None
    delivery.done = status in TERMINAL


def fail(delivery: Delivery, error: str, retry_at: float) -> None:
    delivery.last_error = error
    delivery.next_attempt = retry_at


def abandon(delivery: Delivery, status: str, error: str) -> None:
    succeed(delivery, status)
    delivery.abandoned.append(status)
    delivery.last_error = error


def check_target(
    uri: str, *, allow_internal: bool, resolve: Resolver | None = None
) -> None:
    """Refuse a callback URI that is not http(s), or points at this host.

    Loopback, link-local (cloud metadata at 169.254.169.254), unspecified and
    multicast addresses are refused unless `allow_internal`: a client must
    not make the server call its own admin ports (server-side request forgery).
    """
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused("callback URIs must be absolute http or https URLs")
    if allow_internal:
        return
    for address in (resolve or _resolve)(parts.hostname):
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if ip.is_loopback or ip.is_link_local or ip.is_unspecified or ip.is_multicast:
            raise TargetRefused("callback host resolves to an internal address")


def _resolve(host: str) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror as err:
        raise TargetRefused("callback host does not resolve") from err
    return sorted({str(info[4][0]) for info in infos})
