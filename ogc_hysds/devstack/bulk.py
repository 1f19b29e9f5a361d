# SPDX-License-Identifier: Apache-2.0
"""Bulk writes for the seeder, with a small progress line on stderr.

Documents are generated lazily and streamed to OpenSearch in chunks, so seeding
100 000 products never holds them all in memory.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from opensearchpy import helpers

from ogc_hysds.backend.search import SearchBackend
from ogc_hysds.devstack.process import DevstackError

Action = dict[str, Any]

CHUNK_SIZE = 500


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


def tracked(actions: Iterable[Action], progress: Progress) -> Iterator[Action]:
    for action in actions:
        progress.advance()
        yield action


def write_bulk(
    search: SearchBackend,
    actions: Iterable[Action],
    *,
    label: str,
    total: int,
    progress: bool,
) -> Counter[str]:
    """Index every action (`_index`, `_id`, `_source`); returns documents per index."""
    counts: Counter[str] = Counter()
    meter = Progress(label, total, enabled=progress)

    def counted() -> Iterator[Action]:
        for action in tracked(actions, meter):
            counts[action["_index"]] += 1
            yield action

    try:
        search.bulk_index(counted(), chunk_size=CHUNK_SIZE)
    except helpers.BulkIndexError as err:
        # Only the first refusal is shown: the rest are almost always the same.
        raise SeedError(
            f"{label}: {len(err.errors)} refused, e.g. {err.errors[0]}"
        ) from err
    finally:
        meter.close()
    return counts
