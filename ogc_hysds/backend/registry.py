# SPDX-License-Identifier: Apache-2.0
"""Every backend the server talks to, built once per process from settings."""

from __future__ import annotations

from dataclasses import dataclass

from ogc_hysds.backend.broker import BrokerBackend
from ogc_hysds.backend.search import SearchBackend
from ogc_hysds.config import Settings


@dataclass
class Backends:
    grq: SearchBackend
    mozart: SearchBackend
    broker: BrokerBackend


def build_backends(settings: Settings) -> Backends:
    return Backends(
        grq=SearchBackend("grq", settings.grq, settings.policy("grq")),
        mozart=SearchBackend("mozart", settings.mozart, settings.policy("mozart")),
        broker=BrokerBackend(settings.broker, settings.policy("broker")),
    )
