# SPDX-License-Identifier: Apache-2.0
"""AMQP backend: HySDS's RabbitMQ, reached with pika."""

from __future__ import annotations

import pika
from pika import exceptions as amqp_errors

from ogc_hysds.backend.errors import Unavailable
from ogc_hysds.config import BackendPolicy, BrokerSettings


class BrokerBackend:
    def __init__(self, settings: BrokerSettings, policy: BackendPolicy) -> None:
        self.settings = settings
        self.policy = policy
        self.parameters = pika.URLParameters(settings.url)
        self.parameters.socket_timeout = 3
        self.parameters.blocked_connection_timeout = 5

    def ping(self) -> None:
        """Open and close one AMQP connection; raises `Unavailable` on failure."""
        try:
            connection = pika.BlockingConnection(self.parameters)
        except amqp_errors.AMQPError as err:
            raise Unavailable(f"broker: {err!r}", backend="broker") from err
        connection.close()
