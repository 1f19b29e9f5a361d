# SPDX-License-Identifier: Apache-2.0
"""AMQP backend: HySDS's RabbitMQ, reached with pika.

Publishing uses publisher confirms and persistent messages: `publish` returns only
after the broker confirmed the message, so a caller may then tell its client the
job is durably queued. pika's BlockingConnection is not thread-safe, so each
thread keeps its own connection and channel, reused across calls. A lost
connection or a nack is transient: the adapter drops this thread's connection and
the retry opens a fresh one, so publishing resumes by itself after a broker
restart. A retried publish may deliver a message twice (at-least-once), which
HySDS tolerates: `submit_job` deduplicates on the job's payload hash.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import pika
from pika import exceptions as amqp_errors
from pika.adapters.blocking_connection import BlockingChannel

from ogc_hysds.backend.adapter import BackendAdapter
from ogc_hysds.backend.observe import BackendObserver
from ogc_hysds.backend.throttle import Clock, Sleep
from ogc_hysds.config import BackendPolicy, BrokerSettings

T = TypeVar("T")

SOCKET_TIMEOUT = 3.0


class BrokerBackend:
    def __init__(
        self,
        settings: BrokerSettings,
        policy: BackendPolicy,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
        observer: BackendObserver | None = None,
    ) -> None:
        self.name = "broker"
        self.settings = settings
        self.policy = policy
        self.parameters = pika.URLParameters(settings.url)
        self.parameters.socket_timeout = SOCKET_TIMEOUT
        self.parameters.blocked_connection_timeout = 5
        self.parameters.connection_attempts = 1
        self._local = threading.local()
        self.adapter = BackendAdapter(
            self.name,
            policy,
            timeout=SOCKET_TIMEOUT,
            clock=clock,
            sleep=sleep,
            observer=observer,
            on_transient=self._drop_channel,
        )

    def ping(self) -> None:
        """Reach the broker over this thread's connection; raises `Unavailable`.

        Processing pending frames makes a connection the broker has closed (or
        whose socket died) fail here, instead of answering from a stale object.
        """
        self._call(
            "ping",
            lambda channel: channel.connection.process_data_events(time_limit=0),
        )

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
        self._drop_channel()
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
            except (amqp_errors.AMQPError, OSError):
                # Closing a connection that is already dead may fail; it is gone.
                pass

    def _call(self, operation: str, action: Callable[[BlockingChannel], T]) -> T:
        def attempt(timeout: float) -> T:
            try:
                return action(self._channel())
            except amqp_errors.ChannelClosedByBroker:
                # The broker closed the channel (e.g. 406); the next call needs a
                # new one even though the error itself is not retried.
                self._drop_channel()
                raise

        return self.adapter.call(operation, attempt)
