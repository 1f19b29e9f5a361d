# SPDX-License-Identifier: Apache-2.0
"""Execute through the API versus raw publishing, and `/processes` with 1,000 specs.

Serves the real app over HTTP (werkzeug, in a thread) against a namespace and
a RabbitMQ vhost of its own, and compares:

1. `POST /processes/hello_world:develop/execution` from `--concurrency` threads:
   executes per second and latency percentiles. Each execute validates and
   resolves the inputs, writes the job record twice (no refresh wait) and
   publishes with a publisher confirm (docs/processes.md).
2. The same Celery messages (`ogc_hysds.hysds.celery_message`, built from the
   same resolved job) published by bare pika with confirms, one connection per
   thread: the broker's share of the cost.
3. `GET /processes` and `/processes?limit=1000` latency with `--specs`
   generated hysds-io / job-spec / container triples, with the registry cache
   (`processes.registry_ttl`) on and off.

Nothing consumes the jobs. The namespace's indices and the vhost (with its
queue) are deleted afterwards, also on Ctrl-C.

    .venv/bin/python bench/execute.py --executes 100 --concurrency 8
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import statistics
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pika
import requests
from opensearchpy import OpenSearch
from werkzeug.serving import make_server

from ogc_hysds.app import create_app
from ogc_hysds.backend.registry import build_backends
from ogc_hysds.config import Settings, load_settings, settings_from_dict
from ogc_hysds.devstack import processes as procs
from ogc_hysds.devstack.seed import install_templates
from ogc_hysds.hysds.celery_message import submit_job_message
from ogc_hysds.hysds.job_json import build_job_json
from ogc_hysds.hysds.submit import JOBS_QUEUE_ARGUMENTS
from ogc_hysds.processes.service import processes_service

PROCESS_ID = "hello_world:develop"
INPUTS = {"greeting": "bench"}


def main() -> None:
    args = _parser().parse_args()
    logging.basicConfig(level=logging.WARNING)
    for chatty in ("werkzeug", "ogc_hysds"):
        logging.getLogger(chatty).setLevel(logging.ERROR)
    base = load_settings(args.config)
    tag = f"bench{os.getpid()}"
    settings = _bench_settings(base, namespace=f"{tag}_", vhost=tag, port=args.port)

    with _vhost(settings, tag), _namespace(settings):
        _seed(settings, args.specs)
        with _served(settings) as url:
            api = _api_executes(url, args.executes, args.concurrency)
            raw = _raw_publishes(settings, url, args.executes, args.concurrency)
        _print_executes(api, raw, args.concurrency)
        _print_listing(settings, args.specs, args.requests)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--config", help="settings file naming OpenSearch/RabbitMQ")
    parser.add_argument("--executes", type=int, default=100, help="jobs per side")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--specs", type=int, default=1000, help="generated specs")
    parser.add_argument(
        "--requests", type=int, default=30, help="GETs per /processes variant"
    )
    parser.add_argument("--port", type=int, default=0, help="0 = any free port")
    return parser


# --- set-up and clean-up ------------------------------------------------------


def _bench_settings(
    base: Settings, *, namespace: str, vhost: str, port: int, ttl: float = 60.0
) -> Settings:
    raw = base.model_dump(mode="json")
    raw["indices"]["namespace"] = namespace
    raw["broker"]["url"] = base.broker.url.rsplit("/", 1)[0] + f"/{vhost}"
    raw["server"]["port"] = port or _free_port()
    raw["server"]["url"] = f"http://127.0.0.1:{raw['server']['port']}"
    raw["processes"]["registry_ttl"] = ttl
    # The benchmark offers far more than the default 50 calls/s per backend.
    for name in ("mozart", "grq", "broker"):
        raw["backends"][name].update(rate=10000.0, burst=10000, max_in_flight=64)
    return settings_from_dict(raw)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def _vhost(settings: Settings, name: str) -> Iterator[None]:
    admin = str(settings.broker.admin_url).rstrip("/")
    auth = (settings.broker.admin_username, settings.broker.admin_password)
    requests.put(f"{admin}/api/vhosts/{name}", auth=auth, timeout=10).raise_for_status()
    requests.put(
        f"{admin}/api/permissions/{name}/{auth[0]}",
        json={"configure": ".*", "write": ".*", "read": ".*"},
        auth=auth,
        timeout=10,
    ).raise_for_status()
    try:
        yield
    finally:
        requests.delete(f"{admin}/api/vhosts/{name}", auth=auth, timeout=10)


@contextmanager
def _namespace(settings: Settings) -> Iterator[None]:
    client = OpenSearch(hosts=[str(settings.mozart.url)])
    prefix = settings.indices.namespace
    try:
        yield
    finally:
        client.indices.delete(
            index=f"{prefix}*",
            params={"expand_wildcards": "all", "ignore_unavailable": "true"},
        )
        for template in client.indices.get_index_template()["index_templates"]:
            if template["name"].startswith(prefix):
                client.indices.delete_index_template(name=template["name"])


def _seed(settings: Settings, count: int) -> None:
    """hello_world plus `count - 1` copies of it under other names."""
    backends = build_backends(settings)
    indices = settings.indices
    install_templates(backends.grq, backends.mozart, indices)
    copies = [procs.HELLO_WORLD] + [
        dataclasses.replace(procs.HELLO_WORLD, name=f"bench_{n:04d}")
        for n in range(1, count)
    ]
    actions = []
    for process in copies:
        component = procs.hysds_io_component(process)
        for key, doc in (
            ("job_specs", procs.job_spec_doc(process)),
            (f"hysds_ios_{component}", procs.hysds_io_doc(process)),
            ("containers", procs.container_doc(process)),
        ):
            actions.append(
                {"_index": indices.name(key), "_id": doc["id"], "_source": doc}
            )
    backends.mozart.bulk_index(actions)
    backends.mozart.refresh(f"{indices.namespace}*")


@contextmanager
def _served(settings: Settings) -> Iterator[str]:
    app = create_app(settings)
    server = make_server("127.0.0.1", settings.server.port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield str(settings.server.url).rstrip("/")
    finally:
        server.shutdown()
        thread.join(timeout=5)


# --- measurements ---------------------------------------------------------------


@dataclasses.dataclass
class Run:
    seconds: float
    latencies: list[float]
    errors: int

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def _in_threads(
    total: int, threads: int, make: Callable[[], Callable[[], None]]
) -> Run:
    """Run `total` calls over `threads` workers; each worker builds its own call."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    counter = iter(range(total))

    def worker() -> None:
        call = make()
        while True:
            with lock:
                if next(counter, None) is None:
                    return
            started = time.perf_counter()
            try:
                call()
            except Exception:
                with lock:
                    errors[0] += 1
                continue
            with lock:
                latencies.append(time.perf_counter() - started)

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    started = time.perf_counter()
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return Run(time.perf_counter() - started, latencies, errors[0])


def _api_executes(url: str, total: int, threads: int) -> Run:
    def make() -> Callable[[], None]:
        session = requests.Session()

        def call() -> None:
            reply = session.post(
                f"{url}/processes/{PROCESS_ID}/execution",
                json={"inputs": INPUTS},
                timeout=30,
            )
            if reply.status_code != 201:
                raise RuntimeError(f"HTTP {reply.status_code}")

        return call

    return _in_threads(total, threads, make)


def _raw_publishes(settings: Settings, url: str, total: int, threads: int) -> Run:
    # The very message the API sends: resolved and built by the same code.
    app = create_app(settings)
    service = processes_service(app)
    resolved = service.resolve(service.process(PROCESS_ID), dict(INPUTS))
    job = build_job_json(resolved, service.identity().username)
    queue = settings.broker.jobs_queue

    def make() -> Callable[[], None]:
        connection = pika.BlockingConnection(pika.URLParameters(settings.broker.url))
        channel = connection.channel()
        channel.confirm_delivery()
        channel.queue_declare(queue, durable=True, arguments=JOBS_QUEUE_ARGUMENTS)

        def call() -> None:
            message = submit_job_message(job, str(uuid.uuid4()), 0)
            properties = pika.BasicProperties(
                content_type=message.content_type,
                content_encoding=message.content_encoding,
                correlation_id=message.correlation_id,
                delivery_mode=message.delivery_mode,
                priority=message.priority,
                headers=message.headers,
            )
            channel.basic_publish(
                queue, queue, message.body, properties, mandatory=True
            )

        return call

    return _in_threads(total, threads, make)


def _print_executes(api: Run, raw: Run, threads: int) -> None:
    print(f"\nexecute, {len(api.latencies)} jobs, {threads} threads")
    print(f"{'':24}{'API (HTTP)':>14}{'raw pika':>14}")
    print(f"{'executes/s':24}{api.rate:14.1f}{raw.rate:14.1f}")
    for name, q in (("p50 latency (ms)", 50), ("p95 latency (ms)", 95)):
        print(f"{name:24}{_pct(api.latencies, q):14.1f}{_pct(raw.latencies, q):14.1f}")
    print(f"{'errors':24}{api.errors:14}{raw.errors:14}")


def _print_listing(settings: Settings, specs: int, count: int) -> None:
    print(f"\nGET /processes with {specs} job specs, {count} requests each")
    print(f"{'':40}{'p50 ms':>10}{'p95 ms':>10}")
    for ttl, label in ((60.0, "cached registry"), (0.0, "registry read each time")):
        cached = _bench_settings(
            settings,
            namespace=settings.indices.namespace,
            vhost=settings.broker.url.rsplit("/", 1)[1],
            port=0,
            ttl=ttl,
        )
        with _served(cached) as url:
            for path in ("/processes", "/processes?limit=1000"):
                runs = _timed_gets(f"{url}{path}", count)
                print(
                    f"{label + ' ' + path.removeprefix('/processes'):40}"
                    f"{_pct(runs, 50):10.1f}{_pct(runs, 95):10.1f}"
                )


def _timed_gets(url: str, count: int) -> list[float]:
    session = requests.Session()
    session.get(url, timeout=60).raise_for_status()  # warm-up, fills a cache
    times = []
    for _ in range(count):
        started = time.perf_counter()
        session.get(url, timeout=60).raise_for_status()
        times.append(time.perf_counter() - started)
    return times


def _pct(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] * 1000 if values else float("nan")
    return statistics.quantiles(values, n=100)[q - 1] * 1000


if __name__ == "__main__":
    main()
