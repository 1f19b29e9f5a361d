# SPDX-License-Identifier: Apache-2.0
"""GRQ products as GeoJSON features (RFC 7946) with OGC API Features links."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from ogc_hysds.hysds.grq_records import Product

GEOJSON = "application/geo+json"
HTML = "text/html"

# Record fields shown as feature properties (hysds.md §1.3, Pele's METADATA_MODEL).
PROPERTY_FIELDS = (
    "dataset",
    "dataset_type",
    "dataset_level",
    "version",
    "system_version",
    "label",
    "creation_timestamp",
    "temporal_span",
    "continent",
    "metadata",
)


def feature(
    product: Product,
    item_url: str,
    collection_url: str,
    selected: Iterable[str] | None = None,
    skip_geometry: bool = False,
) -> dict[str, Any]:
    """One product as a GeoJSON Feature with self, collection and data links."""
    properties = _time_properties(product)
    properties.update(
        {
            name: product.record[name]
            for name in PROPERTY_FIELDS
            if name in product.record
        }
    )
    if selected is not None:
        properties = _select(properties, set(selected))
    return {
        "type": "Feature",
        "id": product.id,
        "geometry": None if skip_geometry else product.geometry,
        "properties": properties,
        "links": _links(product, item_url, collection_url),
    }


def item_url(collection_url: str, product_id: str) -> str:
    return f"{collection_url}/items/{quote(product_id, safe='')}"


def _time_properties(product: Product) -> dict[str, Any]:
    # A time span uses start_datetime/end_datetime (as STAC does); an instant is
    # `datetime`; a product without endtime is ongoing, so its end is open (null).
    start, end = product.starttime, product.endtime
    if start is not None and start == end:
        return {"datetime": start}
    if start is None and end is None:
        return {"datetime": None}
    return {"datetime": None, "start_datetime": start, "end_datetime": end}


def _select(properties: dict[str, Any], selected: set[str]) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for name, value in properties.items():
        if name in selected:
            kept[name] = value
        elif isinstance(value, dict):
            prefix = f"{name}."
            inner = {k[len(prefix) :] for k in selected if k.startswith(prefix)}
            if inner:
                kept[name] = _select(value, inner)
    if "datetime" in selected:
        for name in ("start_datetime", "end_datetime"):
            if name in properties:
                kept[name] = properties[name]
    return kept


def _links(
    product: Product, self_url: str, collection_url: str
) -> list[dict[str, Any]]:
    record = product.record
    links: list[dict[str, Any]] = [
        {"rel": "self", "type": GEOJSON, "href": f"{self_url}?f=json"},
        {"rel": "alternate", "type": HTML, "href": f"{self_url}?f=html"},
        {"rel": "collection", "type": "application/json", "href": collection_url},
    ]
    links += [
        {"rel": "enclosure", "href": url, "title": "product data"}
        for url in _strings(record.get("urls"))
    ]
    browse = _strings(record.get("browse_urls"))
    links += [
        {"rel": "preview", "type": HTML, "href": url, "title": "browse"}
        for url in browse
    ]
    links += _image_links(record.get("images"), browse)
    return links


def _image_links(images: Any, browse: list[str]) -> list[dict[str, Any]]:
    # HySDS image names are relative to the product's browse location.
    if not browse or not isinstance(images, list):
        return []
    base = browse[0].rstrip("/")
    links = []
    for image in images:
        if not isinstance(image, dict):
            continue
        title = image.get("tooltip") or None
        for key, rel in (("img", "preview"), ("small_img", "thumbnail")):
            if image.get(key):
                link = {"rel": rel, "type": "image/png", "href": f"{base}/{image[key]}"}
                if title:
                    link["title"] = title
                links.append(link)
    return links


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []
