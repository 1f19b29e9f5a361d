# SPDX-License-Identifier: Apache-2.0
"""HTTP backends (RabbitMQ management API, Mozart REST) over one requests.Session."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import requests

from ogc_hysds.backend.adapter import BackendAdapter
from ogc_hysds.backend.classify import HttpStatusError
from ogc_hysds.backend.observe import BackendObserver
from ogc_hysds.backend.throttle import Clock, Sleep
from ogc_hysds.config import BackendPolicy

T = TypeVar("T")


class HttpBackend:
    def __init__(
        self,
        name: str,
        base_url: str,
        policy: BackendPolicy,
        *,
        auth: tuple[str, str] | None = None,
        timeout: float = 10.0,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
        observer: BackendObserver | None = None,
    ) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.policy = policy
        self.timeout = timeout
        self.session = requests.Session()
        self.session.auth = auth
        adapter = requests.adapters.HTTPAdapter(pool_maxsize=policy.max_in_flight)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.adapter = BackendAdapter(
            name, policy, timeout=timeout, clock=clock, sleep=sleep, observer=observer
        )

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """Send one request; non-2xx answers become backend errors.

        404 → `NotFound`, other 4xx → `BadRequest`, 429/502/503/504 and connection
        trouble are retried, anything else → `Unavailable`.
        """
        url = f"{self.base_url}/{path.lstrip('/')}"
        wanted = float(kwargs.pop("timeout", self.timeout))

        def send(timeout: float) -> requests.Response:
            reply = self.session.request(
                method, url, timeout=min(wanted, timeout), **kwargs
            )
            self._raise_for(reply)
            return reply

        return self._call(f"{method} {path.split('?')[0]}", send)

    def _raise_for(self, reply: requests.Response) -> None:
        if reply.status_code >= 400:
            # The reason phrase only: bodies may quote internal hosts.
            raise HttpStatusError(reply.status_code, reply.reason or "")

    def _call(self, operation: str, call: Callable[[float], T]) -> T:
        return self.adapter.call(operation, call)
