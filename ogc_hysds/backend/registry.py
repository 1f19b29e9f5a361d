# SPDX-License-Identifier: Apache-2.0
"""Every backend the server talks to, built once per process from settings."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ogc_hysds.backend.broker import BrokerBackend
from ogc_hysds.backend.http import HttpBackend
from ogc_hysds.backend.observe import BackendObserver, Recorder
from ogc_hysds.backend.search import SearchBackend
from ogc_hysds.backend.throttle import Clock, Sleep
from ogc_hysds.config import Settings


@dataclass
class Backends:
    grq: SearchBackend
    mozart: SearchBackend
    broker: BrokerBackend
    broker_admin: HttpBackend
    mozart_api: HttpBackend | None
    # What the adapters report; `Recorder.snapshot()` unless another was given.
    observer: BackendObserver = field(default_factory=Recorder)


def build_backends(
    settings: Settings,
    *,
    observer: BackendObserver | None = None,
    clock: Clock = time.monotonic,
    sleep: Sleep = time.sleep,
) -> Backends:
    """One client and one adapter per backend, all reporting to `observer`."""
    observer = observer or Recorder()
    broker = settings.broker
    namespace = settings.indices.namespace
    mozart_api = None
    if settings.mozart_api.url is not None:
        mozart_api = HttpBackend(
            "mozart_api",
            str(settings.mozart_api.url),
            settings.policy("mozart_api"),
            clock=clock,
            sleep=sleep,
            observer=observer,
        )
    return Backends(
        grq=SearchBackend(
            "grq",
            settings.grq,
            settings.policy("grq"),
            namespace=namespace,
            clock=clock,
            sleep=sleep,
            observer=observer,
        ),
        mozart=SearchBackend(
            "mozart",
            settings.mozart,
            settings.policy("mozart"),
            namespace=namespace,
            clock=clock,
            sleep=sleep,
            observer=observer,
        ),
        broker=BrokerBackend(
            broker,
            settings.policy("broker"),
            clock=clock,
            sleep=sleep,
            observer=observer,
        ),
        broker_admin=HttpBackend(
            "broker_admin",
            str(broker.admin_url),
            settings.policy("broker_admin"),
            auth=(broker.admin_username, broker.admin_password),
            clock=clock,
            sleep=sleep,
            observer=observer,
        ),
        mozart_api=mozart_api,
        observer=observer,
    )
