# SPDX-License-Identifier: Apache-2.0
"""Every backend the server talks to, built once per process from settings."""

from __future__ import annotations

from dataclasses import dataclass

from ogc_hysds.backend.broker import BrokerBackend
from ogc_hysds.backend.http import HttpBackend
from ogc_hysds.backend.search import SearchBackend
from ogc_hysds.config import Settings


@dataclass
class Backends:
    grq: SearchBackend
    mozart: SearchBackend
    broker: BrokerBackend
    broker_admin: HttpBackend
    mozart_api: HttpBackend | None


def build_backends(settings: Settings) -> Backends:
    broker = settings.broker
    mozart_api = None
    if settings.mozart_api.url is not None:
        mozart_api = HttpBackend(
            "mozart_api", str(settings.mozart_api.url), settings.policy("mozart_api")
        )
    return Backends(
        grq=SearchBackend("grq", settings.grq, settings.policy("grq")),
        mozart=SearchBackend("mozart", settings.mozart, settings.policy("mozart")),
        broker=BrokerBackend(broker, settings.policy("broker")),
        broker_admin=HttpBackend(
            "broker_admin",
            str(broker.admin_url),
            settings.policy("broker_admin"),
            auth=(broker.admin_username, broker.admin_password),
        ),
        mozart_api=mozart_api,
    )
