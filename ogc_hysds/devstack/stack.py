# SPDX-License-Identifier: Apache-2.0
"""The devstack as a whole: OpenSearch + RabbitMQ on loopback, for trials and tests.

Nothing in the server depends on this package; it only starts real backends and
fills them with HySDS-shaped data so the server has something to serve.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ogc_hysds.devstack.opensearch import OpenSearchNode
from ogc_hysds.devstack.rabbitmq import RabbitMQNode

ENV_DEVSTACK_DIR = "OGC_HYSDS_DEVSTACK_DIR"


def default_root() -> Path:
    return Path(os.environ.get(ENV_DEVSTACK_DIR) or Path.cwd() / ".devstack").resolve()


@dataclass
class Devstack:
    root: Path = field(default_factory=default_root)
    opensearch_port: int = 9250
    amqp_port: int = 5672
    admin_port: int = 15672
    nodename: str = "ogc-hysds-devstack@localhost"

    def __post_init__(self) -> None:
        self.opensearch = OpenSearchNode(self.root / "opensearch", self.opensearch_port)
        self.rabbitmq = RabbitMQNode(
            self.root / "rabbitmq", self.amqp_port, self.admin_port, self.nodename
        )

    def up(self) -> None:
        self.opensearch.up()
        self.rabbitmq.up()

    def down(self) -> list[str]:
        """Stop what the devstack started; returns the names of stopped services."""
        stopped = []
        if self.rabbitmq.down():
            stopped.append("rabbitmq")
        if self.opensearch.down():
            stopped.append("opensearch")
        return stopped

    def status(self) -> dict[str, str]:
        return {
            "opensearch": self.opensearch.status(),
            "rabbitmq": self.rabbitmq.status(),
        }

    def urls(self) -> dict[str, str]:
        return {
            "opensearch": self.opensearch.url,
            "amqp": self.rabbitmq.amqp_url,
            "rabbitmq management": self.rabbitmq.admin_url,
        }

    def settings_overrides(self) -> dict[str, object]:
        """Settings that point the server at this devstack."""
        return {
            "grq": {"url": self.opensearch.url},
            "mozart": {"url": self.opensearch.url},
            "broker": {
                "url": self.rabbitmq.amqp_url,
                "admin_url": self.rabbitmq.admin_url,
            },
        }
