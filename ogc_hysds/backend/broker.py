# SPDX-License-Identifier: Apache-2.0
"""AMQP backend: HySDS's RabbitMQ, reached with pika.

Publishing uses publisher confirms and persistent messages: `publish` returns only
after the broker confirmed the message, so a caller may then tell its client the
job is durably queued. pika's BlockingConnection is not thread-safe, so each
thread keeps its own connection and channel.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import pika
from pika import exceptions as amqp_errors
from pika.adapters.blocking_connection import BlockingChannel

from ogc_hysds.backend.errors import BadRequest, Unavailable
from ogc_hysds.config import BackendPolicy, BrokerSettings

T = TypeVar("T")


class BrokerBackend:
    def __init__(self, settings: BrokerSettings, policy: BackendPolicy) -> None:
        self.name = "broker"
        self.settings = settings
        self.policy = policy
        self.parameters = pika.URLParameters(settings.url)
        self.parameters.socket_timeout = 3
        self.parameters.blocked_connection_timeout = 5
        self.parameters.connection_attempts = 1
        self._local = threading.local()

    def ping(self) -> None:
        """Open (or reuse) a channel; raises `Unavailable` on failure."""
        self._call("ping", lambda channel: None)

    def declare_queue(self, name: str, arguments: Mapping[str, Any]) -> None:
        """Declare a durable queue with a direct exchange of the same name.

        This is how Celery declares HySDS's queues (exchange = queue = routing key);
        arguments must match every other declarer's, e.g. `x-max-priority: 10`.
        """

        def declare(channel: BlockingChannel) -> None:
            channel.exchange_declare(name, exchange_type="direct", durable=True)
            channel.queue_declare(name, durable=True, arguments=dict(arguments))
            channel.queue_bind(name, name, routing_key=name)

        self._call("declare", declare)

    def publish(
        self,
        exchange: str,
        routing_key: str,
        body: bytes,
        properties: pika.BasicProperties,
    ) -> None:
        """Publish and wait for the broker's confirm; raises `Unavailable` if none."""

        def send(channel: BlockingChannel) -> None:
            channel.basic_publish(
                exchange, routing_key, body, properties=properties, mandatory=True
            )

        self._call("publish", send)

    def _channel(self) -> BlockingChannel:
        channel: BlockingChannel | None = getattr(self._local, "channel", None)
        if channel is not None and channel.is_open:
            return channel
        connection = pika.BlockingConnection(self.parameters)
        channel = connection.channel()
        channel.confirm_delivery()
        self._local.connection = connection
        self._local.channel = channel
        return channel

    def _drop_channel(self) -> None:
        connection = getattr(self._local, "connection", None)
        self._local.channel = None
        self._local.connection = None
        if connection is not None and connection.is_open:
            try:
                connection.close()
            except amqp_errors.AMQPError:
                pass

    def _call(self, operation: str, action: Callable[[BlockingChannel], T]) -> T:
        try:
            return action(self._channel())
        except amqp_errors.UnroutableError as err:
            self._drop_channel()
            raise BadRequest("broker: message was not routed", backend="broker") from err
        except amqp_errors.ChannelClosedByBroker as err:
            self._drop_channel()
            if err.reply_code == 406:
                raise BadRequest(f"broker: {err.reply_text}", backend="broker") from err
            raise Unavailable(f"broker {operation}: {err!r}", backend="broker") from err
        except (amqp_errors.AMQPError, OSError) as err:
            self._drop_channel()
            raise Unavailable(f"broker {operation}: {err!r}", backend="broker") from err
