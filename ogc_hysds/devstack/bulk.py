# SPDX-License-Identifier: Apache-2.0
"""Bulk writes for the seeder, with a small progress line on stderr.

Documents are generated lazily and streamed to OpenSearch in chunks, so seeding
100 000 products never holds them all in memory. Chunks are sent by a couple of
worker threads while the main thread generates the next ones, and every index
the load writes to has its refresh turned off until the load ends (then the old
interval comes back): a 1 s refresh makes small segments the cluster keeps
merging while the load runs.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from itertools import batched
from typing import Any, TextIO

from opensearchpy import exceptions as os_errors
from opensearchpy import helpers

from ogc_hysds.backend.search import SearchBackend
from ogc_hysds.devstack.process import DevstackError

Action = dict[str, Any]
Chunk = tuple[Action, ...]

CHUNK_SIZE = 1000

# Two senders keep the cluster busy while the main thread builds the next chunk;
# more only contend for the two cores of a small machine.
SENDERS = 2


class SeedError(DevstackError):
    """The cluster refused seed documents; the message shows the first refusal."""


class Progress:
    """Prints `label: done/total (pct%)` on one line, at most a few times a second."""

    def __init__(
        self,
        label: str,
        total: int,
        *,
        enabled: bool = True,
        stream: TextIO | None = None,
        interval: float = 0.5,
    ) -> None:
        self.label = label
        self.total = max(total, 1)
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.interval = interval
        self.done = 0
        self._shown_at = 0.0

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = time.monotonic()
        if self.enabled and now - self._shown_at >= self.interval:
            self._shown_at = now
            self._show("\r")

    def close(self) -> None:
        if self.enabled:
            self._show("\r")
            self.stream.write("\n")
            self.stream.flush()

    def _show(self, prefix: str) -> None:
        percent = 100 * self.done // self.total
        self.stream.write(
            f"{prefix}{self.label}: {self.done}/{self.total} ({percent}%)"
        )
        self.stream.flush()


class RefreshPause:
    """Turns refresh off on each index a load writes to; `restore` turns it back."""

    def __init__(self, search: SearchBackend) -> None:
        self.search = search
        self.saved: dict[str, Any] = {}

    def pause(self, indices: Iterable[str]) -> None:
        """Pause indices seen for the first time (they exist once a chunk landed)."""
        for index in indices:
            if index not in self.saved:
                self.saved[index] = self._interval(index)
                self._put(index, "-1")

    def restore(self) -> None:
        for index, interval in self.saved.items():
            self._put(index, interval)
        self.saved.clear()

    def _interval(self, index: str) -> Any:
        reply = self.search.client.indices.get_settings(
            index=index, name="index.refresh_interval"
        )
        # None resets the index to the cluster default when none was set.
        return (
            reply.get(index, {})
            .get("settings", {})
            .get("index", {})
            .get("refresh_interval")
        )

    def _put(self, index: str, interval: Any) -> None:
        try:
            self.search.client.indices.put_settings(
                index=index, body={"index": {"refresh_interval": interval}}
            )
        except os_errors.TransportError as err:
            raise SeedError(f"{index}: refresh_interval refused: {err}") from err


def write_bulk(
    search: SearchBackend,
    actions: Iterable[Action],
    *,
    label: str,
    total: int,
    progress: bool,
    chunk_size: int = CHUNK_SIZE,
    senders: int = SENDERS,
) -> Counter[str]:
    """Index every action (`_index`, `_id`, `_source`); returns documents per index.

    The caller refreshes the indices afterwards; their refresh interval is back
    to what it was when this returns, whether the load succeeded or not.
    """
    counts: Counter[str] = Counter()
    meter = Progress(label, total, enabled=progress)
    refresh = RefreshPause(search)
    try:
        with ThreadPoolExecutor(senders, thread_name_prefix="seed-bulk") as pool:
            _send_all(
                search, pool, actions, counts, meter, refresh, chunk_size, senders
            )
    except helpers.BulkIndexError as err:
        # Only the first refusal is shown: the rest are almost always the same.
        raise SeedError(
            f"{label}: {len(err.errors)} refused, e.g. {err.errors[0]}"
        ) from err
    finally:
        meter.close()
        refresh.restore()
    return counts


def _send_all(
    search: SearchBackend,
    pool: ThreadPoolExecutor,
    actions: Iterable[Action],
    counts: Counter[str],
    meter: Progress,
    refresh: RefreshPause,
    chunk_size: int,
    senders: int,
) -> None:
    # Two chunks per sender wait at most: generation is the faster side.
    in_flight: dict[Future[int], Chunk] = {}

    def settle(finished: Iterable[Future[int]]) -> None:
        for future in finished:
            chunk = in_flight.pop(future)
            future.result()
            meter.advance(len(chunk))
            # The chunk's indices exist now, so their refresh can be paused.
            refresh.pause({action["_index"] for action in chunk})

    for chunk in batched(actions, chunk_size):
        if len(in_flight) >= 2 * senders:
            settle(wait(in_flight, return_when=FIRST_COMPLETED).done)
        counts.update(action["_index"] for action in chunk)
        in_flight[pool.submit(search.bulk_index, chunk, chunk_size=len(chunk))] = chunk
    settle(wait(in_flight).done)
