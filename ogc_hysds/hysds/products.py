# SPDX-License-Identifier: Apache-2.0
"""Finding a GRQ product record for a `dataset_jpath:` input.

Callers name a product by its GRQ id or by the URL of its item in our Features
API (`.../collections/{collectionId}/items/{productId}`); either way the record
comes from the `grq` alias, shaped like the ES hit hysds_commons walks
(hysds.md §3.2: `_id`, `_index`, `_source`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from ogc_hysds.backend.search import SearchBackend


def product_id_from(reference: str) -> str:
    """The product id in a Features item URL, or the reference itself."""
    if "://" not in reference:
        return reference
    parts = [unquote(part) for part in urlsplit(reference).path.split("/") if part]
    if len(parts) >= 2 and parts[-2] == "items":
        return parts[-1]
    return reference


def find_product(
    grq: SearchBackend, alias: str, reference: str
) -> dict[str, Any] | None:
    """The GRQ hit for a product id or item URL; None when no product matches."""
    product_id = product_id_from(reference)
    body = {
        "size": 1,
        "query": {
            "bool": {
                "should": [
                    {"ids": {"values": [product_id]}},
                    {"term": {"id.keyword": product_id}},
                ],
                "minimum_should_match": 1,
            }
        },
    }
    hits = grq.search(alias, body, operation="product")["hits"]["hits"]
    if not hits:
        return None
    hit = hits[0]
    return {"_id": hit["_id"], "_index": hit["_index"], "_source": hit["_source"]}


def walk_jpath(hit: dict[str, Any], jpath: str) -> Any:
    """Follow a dotted path through a hit; integer steps index lists (§3.2)."""
    node: Any = hit
    for step in jpath.split("."):
        if isinstance(node, list):
            node = node[int(step)]
        elif isinstance(node, dict):
            node = node[step]
        else:
            raise KeyError(step)
    return node
