# SPDX-License-Identifier: Apache-2.0
"""The backend never sees more than the configured rate, however hard we push.

Sixteen threads search as fast as they can for three seconds against a policy of
20 calls/s with a burst of 5. OpenSearch's own per-index counter (`query_total`
of a one-shard index no one else uses) says how many searches reached it.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator

import pytest
import requests

from ogc_hysds.backend.errors import Unavailable
from ogc_hysds.backend.registry import build_backends
from ogc_hysds.devstack.stack import Devstack
from tests.integration.backend.conftest import NAMESPACE, fault_settings

pytestmark = pytest.mark.integration

RATE = 20.0
BURST = 5
THREADS = 16
SECONDS = 3.0
INDEX = f"{NAMESPACE}rate"


@pytest.fixture(scope="module")
def rate_index(fault_stack: Devstack) -> Iterator[str]:
    url = fault_stack.opensearch.url
    requests.put(
        f"{url}/{INDEX}", json={"settings": {"number_of_shards": 1}}, timeout=30
    ).raise_for_status()
    yield url
    requests.delete(f"{url}/{INDEX}", timeout=30)


def _query_total(url: str) -> int:
    reply = requests.get(f"{url}/{INDEX}/_stats/search", timeout=10)
    reply.raise_for_status()
    return int(reply.json()["_all"]["primaries"]["search"]["query_total"])


def test_backend_sees_at_most_burst_plus_rate(
    fault_stack: Devstack, rate_index: str
) -> None:
    settings = fault_settings(
        fault_stack,
        rate=RATE,
        burst=BURST,
        max_in_flight=4,
        acquire_timeout=0.05,
        attempts=1,
    )
    grq = build_backends(settings).grq
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    before = _query_total(rate_index)
    stop_at = time.monotonic() + SECONDS

    def hammer() -> None:
        while time.monotonic() < stop_at:
            try:
                grq.search(INDEX, {"size": 0})
                outcome = "admitted"
            except Unavailable:
                outcome = "shed"
            with lock:
                outcomes[outcome] += 1

    started = time.monotonic()
    workers = [threading.Thread(target=hammer) for _ in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    reached = _query_total(rate_index) - before

    assert reached == outcomes["admitted"]
    assert reached <= BURST + RATE * elapsed + 2
    assert reached >= RATE * SECONDS * 0.5
    assert outcomes["shed"] > reached
