# SPDX-License-Identifier: Apache-2.0
"""Push a search backend far past its configured rate and show what got through.

Offers `--factor` times the configured rate of searches, from many threads, to a
one-shard index of its own (`bench_<pid>_rate`, deleted afterwards) on a real
OpenSearch node, through the same `SearchBackend` the server uses. Every second
it reads the index's own `query_total` counter (the node-wide `_nodes/stats`
figure would include other clients of a shared node), then prints per second the
calls offered, the calls that reached OpenSearch and the configured rate, and
the latency percentiles of shed versus admitted calls.

    .venv/bin/python bench/throttle.py --rate 20 --burst 5 --seconds 5
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import threading
import time
from dataclasses import dataclass, field

import requests

from ogc_hysds.backend.errors import Unavailable
from ogc_hysds.backend.search import SearchBackend
from ogc_hysds.config import BackendPolicy, SearchClusterSettings


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    admitted: list[float] = field(default_factory=list)
    shed: list[float] = field(default_factory=list)
    offered_per_second: list[int] = field(default_factory=list)

    def add(self, admitted: bool, seconds: float) -> None:
        with self.lock:
            (self.admitted if admitted else self.shed).append(seconds)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:9250", help="OpenSearch")
    parser.add_argument("--rate", type=float, default=20.0, help="policy calls/s")
    parser.add_argument("--burst", type=int, default=5, help="policy bucket size")
    parser.add_argument("--max-in-flight", type=int, default=4)
    parser.add_argument("--acquire-timeout", type=float, default=0.05, help="s")
    parser.add_argument("--factor", type=float, default=20.0, help="offered/rate")
    parser.add_argument("--seconds", type=int, default=5, help="length of the run")
    parser.add_argument("--threads", type=int, default=32, help="callers")
    return parser.parse_args()


def query_total(url: str, index: str) -> int:
    reply = requests.get(f"{url}/{index}/_stats/search", timeout=10)
    reply.raise_for_status()
    return int(reply.json()["_all"]["primaries"]["search"]["query_total"])


def caller(
    backend: SearchBackend, index: str, interval: float, until: float, tally: Tally
) -> None:
    """Issue one search every `interval` seconds (never waiting on the last one)."""
    next_at = time.monotonic()
    while next_at < until:
        pause = next_at - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        started = time.monotonic()
        try:
            backend.search(index, {"size": 0})
            admitted = True
        except Unavailable:
            admitted = False
        tally.add(admitted, time.monotonic() - started)
        next_at += interval


def percentiles(samples: list[float]) -> str:
    if len(samples) < 2:
        return "n/a"
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return "  ".join(f"p{p} {cuts[p - 1] * 1000:7.1f} ms" for p in (50, 95, 99))


def run(args: argparse.Namespace) -> None:
    index = f"bench_{os.getpid()}_rate"
    policy = BackendPolicy(
        rate=args.rate,
        burst=args.burst,
        max_in_flight=args.max_in_flight,
        acquire_timeout=args.acquire_timeout,
        attempts=1,
    )
    cluster = SearchClusterSettings.model_validate({"url": args.url})
    backend = SearchBackend("bench", cluster, policy, namespace=f"bench_{os.getpid()}_")
    requests.put(
        f"{args.url}/{index}", json={"settings": {"number_of_shards": 1}}, timeout=30
    ).raise_for_status()
    try:
        measure(args, backend, index)
    finally:
        requests.delete(f"{args.url}/{index}", timeout=30)


def measure(args: argparse.Namespace, backend: SearchBackend, index: str) -> None:
    offered = args.rate * args.factor
    tally = Tally()
    start = time.monotonic()
    until = start + args.seconds
    interval = args.threads / offered
    workers = [
        threading.Thread(
            target=caller,
            args=(backend, index, interval, until, tally),
            daemon=True,
        )
        for _ in range(args.threads)
    ]
    counts = [query_total(args.url, index)]
    calls = [0]
    for worker in workers:
        worker.start()
    for second in range(1, args.seconds + 1):
        time.sleep(max(0.0, start + second - time.monotonic()))
        counts.append(query_total(args.url, index))
        with tally.lock:
            calls.append(len(tally.admitted) + len(tally.shed))
    for worker in workers:
        worker.join()

    print(
        f"offered {offered:.0f}/s ({args.factor:g}x), policy rate "
        f"{args.rate:g}/s burst {args.burst}, {args.threads} threads"
    )
    print(f"{'second':>6}  {'offered':>8}  {'reached backend':>15}  {'configured':>10}")
    for second in range(1, len(counts)):
        print(
            f"{second:>6}  {calls[second] - calls[second - 1]:>8}  "
            f"{counts[second] - counts[second - 1]:>15}  {args.rate:>10g}"
        )
    reached = counts[-1] - counts[0]
    print(
        f"total: reached {reached} (limit burst + rate x t = "
        f"{args.burst + args.rate * args.seconds:.0f}); admitted "
        f"{len(tally.admitted)}, shed {len(tally.shed)}"
    )
    print(f"admitted latency: {percentiles(tally.admitted)}")
    print(f"shed latency:     {percentiles(tally.shed)}")


def main() -> None:
    args = parse_args()
    # Every shed call logs a WARNING; a benchmark sheds thousands on purpose.
    logging.basicConfig(level=logging.ERROR)
    run(args)


if __name__ == "__main__":
    main()
