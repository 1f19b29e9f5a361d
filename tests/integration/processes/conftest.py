# SPDX-License-Identifier: Apache-2.0
"""Fixtures for the processes tests: HySDS specs and a product in our namespace.

The documents are the hand-written samples of `tests/hysds_samples.py` (shaped
as hysds.md §2.2-§2.4), loaded through the real OpenSearch of the devstack
with the devstack's index templates installed first.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opensearchpy import OpenSearch

from ogc_hysds.backend.registry import Backends, build_backends
from ogc_hysds.config import Settings
from ogc_hysds.devstack.templates import all_templates
from tests import hysds_samples as samples


@pytest.fixture(scope="module")
def mozart_specs(settings: Settings, search_client: OpenSearch) -> Iterator[Settings]:
    """Templates, specs and one GRQ product loaded; yields the settings."""
    indices = settings.indices
    templates = all_templates(indices)
    for name, body in templates:
        search_client.indices.put_index_template(name=name, body=body)
    for key, docs in samples.mozart_docs().items():
        for doc in docs:
            search_client.index(index=indices.name(key), id=doc["id"], body=doc)
    product = samples.PRODUCT_HIT
    product_index = indices.name("grq_index_prefix") + "_v2.0_area_of_interest"
    search_client.index(index=product_index, id=product["_id"], body=product["_source"])
    search_client.indices.refresh(index=f"{indices.namespace}*")
    yield settings
    for name, _ in templates:
        search_client.indices.delete_index_template(name=name)


@pytest.fixture
def backends(mozart_specs: Settings) -> Iterator[Backends]:
    yield build_backends(mozart_specs)
