# SPDX-License-Identifier: Apache-2.0
"""Process-wide logging set-up for the CLI and the gunicorn entry point.

Called once by whoever owns the process (never by `create_app`, which may be
embedded): one line per event with time, level and logger name.
"""

from __future__ import annotations

import logging

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Client libraries log every request at INFO; an operator needs only trouble.
_CLIENT_LOGGERS = ("opensearch", "pika", "urllib3", "celery", "kombu", "amqp")


def configure_logging(level: str | int = logging.INFO) -> None:
    logging.basicConfig(level=level, format=LOG_FORMAT)
    logging.getLogger().setLevel(level)
    for name in _CLIENT_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
