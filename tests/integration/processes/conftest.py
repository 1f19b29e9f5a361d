# SPDX-License-Identifier: Apache-2.0
"""Fixtures for the processes tests: the real devstack seed in our namespace.

`install_templates`, `seed_grq` and `seed_mozart` (the seeded job specs,
hysds-ios, containers and job_status docs in every HySDS status) write into
this module's index namespace, through the devstack's real OpenSearch.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ogc_hysds.backend.registry import Backends, build_backends
from ogc_hysds.config import Settings
from ogc_hysds.devstack.seed import install_templates, seed_grq, seed_mozart
from ogc_hysds.devstack.seed_grq import generate_products

# Few random products keep seeding fast; the landmarks are always written.
SEED_PRODUCTS = 30
RANDOM_SEED = 42


@pytest.fixture(scope="module")
def mozart_specs(settings: Settings) -> Iterator[Settings]:
    """The seed loaded and refreshed; yields the settings."""
    backends = build_backends(settings)
    indices = settings.indices
    install_templates(backends.grq, backends.mozart, indices)
    seed_grq(backends.grq, indices, SEED_PRODUCTS, RANDOM_SEED)
    staged = list(generate_products(SEED_PRODUCTS, RANDOM_SEED))
    seed_mozart(backends.mozart, indices, staged, RANDOM_SEED)
    backends.mozart.refresh(f"{indices.namespace}*")
    yield settings


@pytest.fixture
def backends(mozart_specs: Settings) -> Iterator[Backends]:
    yield build_backends(mozart_specs)
