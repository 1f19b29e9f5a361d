# SPDX-License-Identifier: Apache-2.0
from __future__ import annotations

import msgpack
from celery import Celery

from ogc_hysds.hysds.celery_message import submit_job_message

JOB = {"job_type": "job:job-x:1", "payload": {"a": [1, 2]}}


def test_body_is_protocol_v2_args_kwargs_embed() -> None:
    message = submit_job_message(JOB, "id-1", 4)
    assert msgpack.unpackb(message.body, raw=False) == [
        [JOB],
        {},
        {"callbacks": None, "errbacks": None, "chain": None, "chord": None},
    ]


def test_properties_are_persistent_msgpack_with_priority() -> None:
    message = submit_job_message(JOB, "id-1", 4)
    assert (message.content_type, message.content_encoding) == (
        "application/x-msgpack",
        "binary",
    )
    assert (message.delivery_mode, message.priority, message.correlation_id) == (
        2,
        4,
        "id-1",
    )


def test_headers_name_the_task_and_its_id() -> None:
    headers = submit_job_message(JOB, "id-1", 4).headers
    assert headers["task"] == "hysds.orchestrator.submit_job"
    assert headers["id"] == headers["root_id"] == "id-1"
    assert headers["parent_id"] is None
    assert headers["timelimit"] == [None, None]


def test_headers_have_the_keys_celery_itself_sends() -> None:
    # Celery's own builder is the reference for which headers v2 carries.
    app = Celery(broker="memory://")
    reference = app.amqp.as_task_v2(
        "id-1", "hysds.orchestrator.submit_job", args=(JOB,)
    )
    ours = submit_job_message(JOB, "id-1", 4).headers
    assert set(ours) == set(reference.headers)
    # origin names the process; argsrepr is a human-readable preview only.
    skip = {"origin", "argsrepr"}
    assert {k: v for k, v in ours.items() if k not in skip} == {
        k: v for k, v in reference.headers.items() if k not in skip
    }
