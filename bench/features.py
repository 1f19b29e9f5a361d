# SPDX-License-Identifier: Apache-2.0
"""Items latency: ours over HTTP vs the same query sent raw vs stock pygeoapi.

Seeds `--products` GRQ products (default 100,000) into a namespace of its own
(`bench<pid>_`, deleted afterwards unless `--keep`), plus a GeoJSON-shaped copy
of the same products in one index for stock pygeoapi's OpenSearch provider
(`name: OpenSearch`, needs `opensearch-dsl` in the venv). Both servers run as
gunicorn subprocesses on loopback with the same worker settings (`gthread`, one
worker, two threads, keep-alive), logging at WARNING. After a short warm-up
the cases are requested in turn, `--requests` rounds, one request at a time,
HTTP through a keep-alive urllib3 pool (the HTTP stack of opensearch-py too);
one table per page size (`--limits`) shows median and p95 latency and the
ratios to the raw query:

  ours       GET /collections/grq/items?limit=N on our server (HTTP, gunicorn)
  raw        the body our server sends, sent directly with opensearch-py
  pygeoapi   GET /collections/products/items?limit=N on stock pygeoapi (no sort)
  pygeoapi+sort  the same with sortby=-starttime (our default order)
  ours@50k   our page starting at hit 50,000 (a search_after token)
  raw@50k    the same deep query sent directly
  pygeoapi@50k  stock pygeoapi's offset=50000 (helpers.scan past 10,000)

Goals: ours <= 1.15x raw; stock pygeoapi >= 2x ours; ours@50k close to ours.
The backend rate limit is raised for the run so sequential requests are not
shed. Example:

    .venv/bin/python bench/features.py --products 100000 --requests 100
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import requests
import urllib3
import yaml
from opensearchpy import OpenSearch

from ogc_hysds.backend.search import SearchBackend
from ogc_hysds.config import BackendPolicy, IndexSettings, SearchClusterSettings
from ogc_hysds.devstack import templates
from ogc_hysds.devstack.bulk import Action, write_bulk
from ogc_hysds.devstack.seed_grq import LANDMARKS, generate_products, seed_grq
from ogc_hysds.hysds.grq_query import (
    START_FIELD,
    PageToken,
    SortKey,
    encode_token,
    sort_clause,
    sort_signature,
)
from ogc_hysds.hysds.grq_records import geojson_geometry

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEPTH = 50_000
SORT_KEYS = [SortKey(START_FIELD, False), SortKey("id.keyword", True)]
# Record fields a GeoJSON copy keeps outside `properties`, or drops.
_NOT_PROPERTIES = ("location", "center", "text_fields")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1],
    )
    parser.add_argument("--url", default="http://127.0.0.1:9250", help="OpenSearch")
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=100, help="per case")
    parser.add_argument("--warmup", type=int, default=10, help="requests per case")
    parser.add_argument(
        "--limits",
        type=lambda text: [int(part) for part in text.split(",")],
        default=[10, 1000],
        help="page sizes, comma-separated; one table each",
    )
    parser.add_argument(
        "--deep-requests",
        type=int,
        default=3,
        help="requests for stock pygeoapi's offset=50000 (slow); 0 skips it",
    )
    parser.add_argument("--depth", type=int, default=DEPTH, help="deep page start")
    parser.add_argument("--no-pygeoapi", action="store_true", help="skip stock")
    parser.add_argument("--keep", action="store_true", help="keep the indices")
    parser.add_argument("--namespace", default=f"bench{os.getpid()}_")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    indices = IndexSettings(namespace=args.namespace)
    grq = SearchBackend(
        "grq",
        SearchClusterSettings(url=args.url, timeout=60.0),
        BackendPolicy(rate=10_000, burst=10_000, deadline=120.0),
        namespace=args.namespace,
    )
    servers: list[subprocess.Popen[bytes]] = []
    try:
        seed(grq, indices, args)
        alias = indices.name("grq_alias")
        ours = start_ours(args, servers)
        stock = None if args.no_pygeoapi else start_pygeoapi(args, servers)
        deep = sort_values_at(grq.client, alias, args.depth)
        for limit in args.limits:
            calls = ours_and_raw(grq.client, alias, ours, deep, limit)
            if stock is not None:
                calls.update(stock_pygeoapi(stock, limit))
            cases = interleaved(calls, args.requests, args.warmup)
            if stock is not None and args.deep_requests and limit == args.limits[0]:
                deep_stock = stock_pygeoapi_deep(stock, limit, args.depth)
                cases["pygeoapi@50k"] = timed(deep_stock, args.deep_requests, 0)
            report(cases, args, limit)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
        if not args.keep:
            clean(grq.client, args.namespace)
    return 0


# --- data ------------------------------------------------------------------------


def seed(grq: SearchBackend, indices: IndexSettings, args: argparse.Namespace) -> None:
    started = time.monotonic()
    name, body = templates.grq_template(indices)
    grq.client.indices.put_index_template(name=name, body=body)
    seed_grq(grq, indices, args.products, progress=True)
    grq.refresh(indices.name("grq_alias"))
    print(f"GRQ: {args.products} products in {time.monotonic() - started:.0f} s")

    if args.no_pygeoapi:
        return
    started = time.monotonic()
    index = pygeoapi_index(args)
    grq.client.indices.create(
        index=index,
        body={
            "settings": {"number_of_shards": 1, "number_of_replicas": 0},
            "mappings": {"properties": {"geometry": {"type": "geo_shape"}}},
        },
    )
    actions = (
        geojson_action(index, record) for record in generate_products(args.products)
    )
    total = args.products + len(LANDMARKS)
    write_bulk(grq, actions, label="GeoJSON copy", total=total, progress=True)
    grq.refresh(index)
    print(f"GeoJSON copy for pygeoapi in {time.monotonic() - started:.0f} s")


def pygeoapi_index(args: argparse.Namespace) -> str:
    return f"{args.namespace}pygeoapi_products"


def geojson_action(index: str, record: dict[str, Any]) -> Action:
    properties = {k: v for k, v in record.items() if k not in _NOT_PROPERTIES}
    document = {
        "type": "Feature",
        "id": record["id"],
        "geometry": geojson_geometry(record.get("location")),
        "properties": properties,
    }
    return {"_index": index, "_id": record["id"], "_source": document}


def clean(client: OpenSearch, namespace: str) -> None:
    client.indices.delete(
        index=f"{namespace}*",
        params={"expand_wildcards": "all", "ignore_unavailable": "true"},
    )
    for template in client.indices.get_index_template()["index_templates"]:
        if template["name"].startswith(namespace):
            client.indices.delete_index_template(name=template["name"])


# --- servers ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def gunicorn(
    target: str, env: dict[str, str], servers: list[subprocess.Popen[bytes]]
) -> str:
    """Start gunicorn on a free port; returns its base URL once it answers."""
    port = free_port()
    command = [
        str(BIN / "gunicorn"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "--worker-class",
        "gthread",
        "--threads",
        "2",
        "--log-level",
        "warning",
        target,
    ]
    # Server logs go to a file: stock pygeoapi warns on every items request.
    # It stays open for the server's life; the bench process closes it on exit.
    log = (Path(tempfile.gettempdir()) / f"bench-features-{port}.log").open("wb")
    servers.append(
        subprocess.Popen(  # noqa: S603
            command, env={**os.environ, **env}, cwd=ROOT, stdout=log, stderr=log
        )
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_up(f"{url}/conformance?f=json")
    return url


def wait_until_up(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=5).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up in {timeout:.0f} s")


def start_ours(args: argparse.Namespace, servers: list[subprocess.Popen[bytes]]) -> str:
    env = {
        "OGC_HYSDS_GRQ__URL": args.url,
        "OGC_HYSDS_MOZART__URL": args.url,
        "OGC_HYSDS_INDICES__NAMESPACE": args.namespace,
        "OGC_HYSDS_SERVER__LOG_LEVEL": "WARNING",
        # Sequential requests outrun the default 50 calls/s: nothing may be shed.
        "OGC_HYSDS_BACKENDS__GRQ__RATE": "10000",
        "OGC_HYSDS_BACKENDS__GRQ__BURST": "10000",
    }
    port_url = gunicorn("ogc_hysds.wsgi:app()", env, servers)
    return port_url


def start_pygeoapi(
    args: argparse.Namespace, servers: list[subprocess.Popen[bytes]]
) -> str:
    work = Path(tempfile.mkdtemp(prefix="bench-pygeoapi-"))
    config = work / "config.yml"
    config.write_text(yaml.safe_dump(pygeoapi_config(args)))
    openapi = work / "openapi.yml"
    subprocess.run(  # noqa: S603
        [
            str(BIN / "pygeoapi"),
            "openapi",
            "generate",
            str(config),
            "-of",
            str(openapi),
        ],
        check=True,
        capture_output=True,
    )
    env = {"PYGEOAPI_CONFIG": str(config), "PYGEOAPI_OPENAPI": str(openapi)}
    return gunicorn("pygeoapi.flask_app:APP", env, servers)


def pygeoapi_config(args: argparse.Namespace) -> dict[str, Any]:
    text = {"en": "benchmark"}
    return {
        "server": {
            "bind": {"host": "127.0.0.1", "port": 5000},
            "url": "http://127.0.0.1:5000",
            "mimetype": "application/json; charset=UTF-8",
            "encoding": "utf-8",
            "languages": ["en-US"],
            "limits": {"default_items": 10, "max_items": 10_000},
            "map": {"url": "http://127.0.0.1/{z}/{x}/{y}.png", "attribution": ""},
        },
        "logging": {"level": "WARNING"},
        "metadata": {
            "identification": {
                "title": text,
                "description": text,
                "keywords": {"en": ["benchmark"]},
                "keywords_type": "theme",
                "terms_of_service": "none",
                "url": "http://127.0.0.1",
            },
            "license": {"name": "none", "url": "http://127.0.0.1"},
            "provider": {"name": "none", "url": "http://127.0.0.1"},
            "contact": {
                "name": "none",
                "position": "none",
                "address": "none",
                "city": "none",
                "stateorprovince": "none",
                "postalcode": "none",
                "country": "none",
                "phone": "none",
                "fax": "none",
                "email": "none@example.org",
                "url": "http://127.0.0.1",
                "hours": "none",
                "instructions": "none",
                "role": "pointOfContact",
            },
        },
        "resources": {
            "products": {
                "type": "collection",
                "title": "products",
                "description": "GeoJSON copy of the GRQ products",
                "keywords": ["benchmark"],
                "extents": {
                    "spatial": {
                        "bbox": [-180, -90, 180, 90],
                        "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
                    }
                },
                "providers": [
                    {
                        "type": "feature",
                        "name": "OpenSearch",
                        "data": f"{args.url}/{pygeoapi_index(args)}",
                        "id_field": "id",
                        "time_field": "starttime",
                    }
                ],
            }
        },
    }


# --- measuring -------------------------------------------------------------------


def timed(call: Callable[[], Any], count: int, warmup: int) -> list[float]:
    return interleaved({"call": call}, count, warmup)["call"]


def interleaved(
    calls: dict[str, Callable[[], Any]], count: int, warmup: int
) -> dict[str, list[float]]:
    """Time each call `count` times, taking the cases in turn.

    Whatever else the machine does meanwhile (segment merges after seeding,
    load on the other core) then falls on every case alike, so the ratios
    compare like with like.
    """
    for call in calls.values():
        for _ in range(warmup):
            call()
    seconds: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(count):
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            seconds[name].append(time.perf_counter() - started)
    return seconds


def http_get(pool: urllib3.PoolManager, url: str) -> Callable[[], Any]:
    """A keep-alive GET with urllib3, the HTTP stack opensearch-py uses as well
    (requests on top of it costs another 2-3 ms per call here)."""

    def call() -> Any:
        response = pool.request("GET", url, timeout=120.0)
        if response.status != 200:
            raise RuntimeError(f"{url}: HTTP {response.status}")
        return json.loads(response.data)

    return call


def raw_body(limit: int, after: list[Any] | None = None) -> dict[str, Any]:
    """What our items endpoint sends for a page (catalogue.Catalogue.search)."""
    body: dict[str, Any] = {
        "query": {"bool": {"filter": []}},
        "sort": sort_clause(SORT_KEYS),
        "track_total_hits": True,
        "size": limit + 1,
    }
    if after is not None:
        body["search_after"] = after
    return body


def sort_values_at(client: OpenSearch, alias: str, depth: int) -> list[Any]:
    """Sort values of hit number `depth`, walked with search_after (ids only)."""
    after: list[Any] | None = None
    left = depth
    values: list[Any] = []
    while left > 0:
        size = min(left, 10_000)
        body: dict[str, Any] = {"sort": sort_clause(SORT_KEYS), "size": size}
        body["_source"] = False
        if after is not None:
            body["search_after"] = after
        hits = client.search(index=alias, body=body)["hits"]["hits"]
        values = after = hits[-1]["sort"]
        left -= size
    return values


def ours_and_raw(
    client: OpenSearch, alias: str, ours: str, deep: list[Any], limit: int
) -> dict[str, Callable[[], Any]]:
    session = urllib3.PoolManager()
    token = encode_token(PageToken("next", tuple(deep), sort_signature(SORT_KEYS)))
    items = f"{ours}/collections/grq/items?limit={limit}&f=json"

    def raw(after: list[Any] | None) -> Callable[[], Any]:
        return lambda: client.search(index=alias, body=raw_body(limit, after))

    return {
        "ours": http_get(session, items),
        "raw": raw(None),
        "ours@50k": http_get(session, f"{items}&token={token}"),
        "raw@50k": raw(deep),
    }


def stock_pygeoapi(stock: str, limit: int) -> dict[str, Callable[[], Any]]:
    session = urllib3.PoolManager()
    items = f"{stock}/collections/products/items?limit={limit}&f=json"
    # Stock pygeoapi sends no sort by default; ours sorts newest first. With
    # sortby both do the same work in OpenSearch.
    return {
        "pygeoapi": http_get(session, items),
        "pygeoapi+sort": http_get(session, f"{items}&sortby=-starttime"),
    }


def stock_pygeoapi_deep(stock: str, limit: int, depth: int) -> Callable[[], Any]:
    items = f"{stock}/collections/products/items?limit={limit}&f=json"
    return http_get(urllib3.PoolManager(), f"{items}&offset={depth}")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def rows(cases: dict[str, list[float]]) -> Iterator[tuple[str, float, float, int]]:
    for name, seconds in cases.items():
        yield name, statistics.median(seconds), percentile(seconds, 0.95), len(seconds)


def report(cases: dict[str, list[float]], args: argparse.Namespace, limit: int) -> None:
    raw = statistics.median(cases["raw"])
    print(
        f"\n{args.products} products, limit={limit}; servers: gunicorn gthread "
        "1 worker x 2 threads on loopback; HTTP client: urllib3 (as opensearch-py)"
    )
    print(f"{'case':<14}{'median ms':>11}{'p95 ms':>10}{'x raw':>8}{'n':>6}")
    for name, median, p95, count in rows(cases):
        print(
            f"{name:<14}{median * 1000:>11.2f}{p95 * 1000:>10.2f}"
            f"{median / raw:>8.2f}{count:>6}"
        )
    ours = statistics.median(cases["ours"])
    print(f"\nours / raw            {ours / raw:6.2f}  (goal <= 1.15)")
    if "pygeoapi" in cases:
        for name in ("pygeoapi", "pygeoapi+sort", "pygeoapi@50k"):
            if name in cases:
                stock = statistics.median(cases[name])
                print(f"{name + ' / ours':<22}{stock / ours:6.2f}  (goal >= 2)")
    deep = statistics.median(cases["ours@50k"])
    print(f"ours@50k / ours       {deep / ours:6.2f}")


if __name__ == "__main__":
    sys.exit(main())
