# SPDX-License-Identifier: Apache-2.0
"""`ogc-hysds devstack seed`: fill the devstack with HySDS-shaped sample data.

Installs HySDS's index templates under our (namespaced) names, writes GRQ
products, Mozart specs and job-status documents, declares the broker queues and
refreshes every index so the data is searchable at once. Seeding is idempotent:
the same seed writes the same ids again (documents from an earlier, larger seed
are left in place).
"""

from __future__ import annotations

import logging
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice

from opensearchpy import exceptions as os_errors
from opensearchpy.exceptions import OpenSearchWarning

from ogc_hysds.backend.registry import build_backends
from ogc_hysds.backend.search import SearchBackend
from ogc_hysds.config import IndexSettings, Settings
from ogc_hysds.devstack import templates
from ogc_hysds.devstack.bulk import SeedError
from ogc_hysds.devstack.seed_grq import generate_products, seed_grq
from ogc_hysds.devstack.seed_mozart import declare_queues, seed_mozart

__all__ = [
    "SeedSummary",
    "declare_queues",
    "install_templates",
    "seed_all",
    "seed_grq",
    "seed_mozart",
]

log = logging.getLogger(__name__)

# Jobs stage products drawn from the first ones written, whatever the total.
_STAGEABLE = 1000


@dataclass
class SeedSummary:
    """What one seeding wrote: documents per index, templates and queues."""

    documents: dict[str, int] = field(default_factory=dict)
    templates: list[str] = field(default_factory=list)
    queues: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def __str__(self) -> str:
        width = max((len(name) for name in self.documents), default=10)
        lines = [f"seeded in {self.seconds:.1f} s", "documents:"]
        for name, count in sorted(self.documents.items()):
            lines.append(f"  {name:<{width}}  {count:>7}")
        lines.append(f"  {'total':<{width}}  {sum(self.documents.values()):>7}")
        lines.append("index templates: " + ", ".join(self.templates))
        lines.append("queues (x-max-priority 10): " + ", ".join(self.queues))
        return "\n".join(lines)


def install_templates(
    grq: SearchBackend, mozart: SearchBackend, indices: IndexSettings
) -> list[str]:
    """Put the GRQ template on GRQ's cluster and the Mozart ones on Mozart's."""
    grq_name, grq_body = templates.grq_template(indices)
    _put_template(grq, grq_name, grq_body)
    names = [grq_name]
    for name, body in (
        templates.job_status_template(indices),
        templates.mozart_specs_template(indices),
    ):
        _put_template(mozart, name, body)
        names.append(name)
    return names


def _put_template(search: SearchBackend, name: str, body: templates.Body) -> None:
    try:
        with warnings.catch_warnings():
            # The devstack's catch-all "no replicas" template overlaps every
            # pattern; OpenSearch warns that ours takes precedence, as intended.
            warnings.simplefilter("ignore", OpenSearchWarning)
            search.client.indices.put_index_template(name=name, body=body)
    except os_errors.TransportError as err:
        raise SeedError(f"{search.name}: template {name} refused: {err}") from err


def seed_all(
    settings: Settings,
    products: int = 300,
    random_seed: int = 42,
    progress: bool = True,
) -> SeedSummary:
    """Seed GRQ, Mozart and the broker; `products` random products plus landmarks."""
    started = time.monotonic()
    backends = build_backends(settings)
    indices = settings.indices
    summary = SeedSummary()

    summary.templates = install_templates(backends.grq, backends.mozart, indices)

    grq_counts = seed_grq(
        backends.grq, indices, products, random_seed, progress=progress
    )
    stageable = list(islice(generate_products(products, random_seed), _STAGEABLE))
    mozart_counts = seed_mozart(
        backends.mozart, indices, stageable, random_seed, progress=progress
    )

    summary.queues = declare_queues(backends.broker, settings.broker.jobs_queue)

    # An explicit refresh, so tests and demos need not wait for refresh_interval.
    _refresh(backends.grq, grq_counts)
    _refresh(backends.mozart, mozart_counts)
    summary.documents = {**grq_counts, **mozart_counts}
    summary.seconds = time.monotonic() - started
    log.info("seeded %s documents", sum(summary.documents.values()))
    return summary


def _refresh(search: SearchBackend, counts: Counter[str]) -> None:
    if counts:
        search.refresh(",".join(sorted(counts)))
