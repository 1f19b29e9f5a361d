# SPDX-License-Identifier: Apache-2.0
"""The per-process Features service: the catalogue and the collections it offers.

pygeoapi builds a provider object on every request and hands it only its
configuration dict, so the shared state lives here, in a process-wide registry
keyed by the string the provider finds in its `data` member.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from typing import Any

from ogc_hysds.config import CollectionOverride, FeaturesSettings
from ogc_hysds.hysds.catalogue import Catalogue, Extent

_REGISTRY: dict[str, FeaturesService] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Collection:
    """A feature collection: one GRQ dataset, or every product (`dataset` None)."""

    id: str
    dataset: str | None
    title: str
    description: str
    keywords: tuple[str, ...]
    hidden: bool


class FeaturesService:
    """Collections over one GRQ alias, discovered from the catalogue on its TTL."""

    def __init__(self, catalogue: Catalogue, settings: FeaturesSettings) -> None:
        self.catalogue = catalogue
        self.settings = settings
        self.key = f"grq-{uuid.uuid4().hex}"

    def collections(self) -> dict[str, Collection]:
        """Every collection, the all-products one first."""
        everything = self._all_products()
        found = {everything.id: everything}
        for summary in self.catalogue.datasets():
            if summary.name not in found:
                found[summary.name] = self._dataset_collection(summary.name)
        return found

    def collection(self, collection_id: str) -> Collection | None:
        return self.collections().get(collection_id)

    def extent(self, collection: Collection) -> Extent:
        return self.catalogue.extent(collection.dataset)

    def _all_products(self) -> Collection:
        settings = self.settings
        override = settings.collections.get(
            settings.all_products_collection, CollectionOverride()
        )
        return _collection(
            settings.all_products_collection,
            None,
            override,
            settings.all_products_title,
            "Every product in the HySDS GRQ catalogue.",
        )

    def _dataset_collection(self, dataset: str) -> Collection:
        override = self.settings.collections.get(dataset, CollectionOverride())
        return _collection(
            dataset,
            dataset,
            override,
            dataset,
            f"HySDS products of dataset {dataset}.",
        )


def _collection(
    collection_id: str,
    dataset: str | None,
    override: CollectionOverride,
    title: str,
    description: str,
) -> Collection:
    keywords = override.keywords or ["HySDS", "GRQ"] + ([dataset] if dataset else [])
    return Collection(
        id=collection_id,
        dataset=dataset,
        title=override.title or title,
        description=override.description or description,
        keywords=tuple(keywords),
        hidden=override.visibility == "hidden",
    )


def register_service(service: FeaturesService) -> None:
    with _LOCK:
        _REGISTRY[service.key] = service


def lookup_service(key: str) -> FeaturesService:
    """The service a provider definition names; KeyError if none is registered."""
    with _LOCK:
        return _REGISTRY[key]


def provider_definition(
    service: FeaturesService, collection: Collection
) -> dict[str, Any]:
    """The pygeoapi provider block of one collection (ogc.md §2.2, §2.5)."""
    return {
        "type": "feature",
        "name": "ogc_hysds.features.provider.GRQProvider",
        "data": service.key,
        "id_field": "id",
        "time_field": "datetime",
        "title_field": "label",
        "options": {"dataset": collection.dataset},
    }
