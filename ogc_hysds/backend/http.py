# SPDX-License-Identifier: Apache-2.0
"""HTTP backends (RabbitMQ management API, Mozart REST) over one requests.Session."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import requests

from ogc_hysds.backend.errors import BadRequest, NotFound, Unavailable
from ogc_hysds.config import BackendPolicy

T = TypeVar("T")

_TRANSIENT_STATUS = {429, 500, 502, 503, 504}


class HttpBackend:
    def __init__(
        self,
        name: str,
        base_url: str,
        policy: BackendPolicy,
        *,
        auth: tuple[str, str] | None = None,
        timeout: float = 10.0,
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

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """Send one request; classify non-2xx answers into backend errors."""
        url = f"{self.base_url}/{path.lstrip('/')}"
        kwargs.setdefault("timeout", self.timeout)

        def send() -> requests.Response:
            reply = self.session.request(method, url, **kwargs)
            self._raise_for(reply)
            return reply

        return self._call(f"{method} {path.split('?')[0]}", send)

    def _raise_for(self, reply: requests.Response) -> None:
        if reply.status_code < 400:
            return
        text = reply.text[:300]
        if reply.status_code == 404:
            raise NotFound(f"{self.name}: {text}", backend=self.name)
        if reply.status_code in _TRANSIENT_STATUS:
            raise Unavailable(
                f"{self.name}: HTTP {reply.status_code}", backend=self.name
            )
        raise BadRequest(f"{self.name}: HTTP {reply.status_code} {text}", backend=self.name)

    def _call(self, operation: str, call: Callable[[], T]) -> T:
        try:
            return call()
        except requests.RequestException as err:
            raise Unavailable(
                f"{self.name} {operation}: {type(err).__name__}", backend=self.name
            ) from err
