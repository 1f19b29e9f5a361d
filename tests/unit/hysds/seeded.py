# SPDX-License-Identifier: Apache-2.0
"""The devstack's seeded HySDS specs and landmark products, for unit tests."""

from __future__ import annotations

from typing import Any

from ogc_hysds.devstack import processes as seeded
from ogc_hysds.devstack.seed_grq import landmark_products
from ogc_hysds.hysds.registry import Process, build_processes


def processes() -> dict[str, Process]:
    """Every seeded process, joined as the registry joins them."""
    return build_processes(
        [seeded.hysds_io_doc(p) for p in seeded.PROCESSES],
        {
            seeded.job_spec_doc(p)["id"]: seeded.job_spec_doc(p)
            for p in seeded.PROCESSES
        },
        {
            seeded.container_doc(p)["id"]: seeded.container_doc(p)
            for p in seeded.PROCESSES
        },
    )


def process(process_id: str) -> Process:
    return processes()[process_id]


def lookup(reference: str) -> dict[str, Any] | None:
    """A landmark product's GRQ hit, by id or by its Features item URL."""
    product_id = reference.rsplit("/", 1)[-1]
    for product in landmark_products():
        if product["id"] == product_id:
            index = f"grq_{product['version']}_{product['dataset']}".lower()
            return {"_id": product["id"], "_index": index, "_source": product}
    return None
