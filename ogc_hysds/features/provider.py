# SPDX-License-Identifier: Apache-2.0
"""pygeoapi feature provider over the GRQ catalogue.

pygeoapi instantiates a provider per request (ogc.md §2.3), so this class holds
no state of its own: it looks up the process-wide `FeaturesService` named by its
`data` member and delegates to the shared, cached `Catalogue`. Our own items
endpoint pages with search_after tokens; `query()` also honours pygeoapi's
`offset` (up to 10,000) so pygeoapi's machinery works with it as well.
"""

from __future__ import annotations

from typing import Any

from pygeoapi.provider.base import (
    BaseProvider,
    ProviderInvalidQueryError,
    ProviderItemNotFoundError,
)

from ogc_hysds.features.geojson import feature, item_url
from ogc_hysds.features.params import parse_datetime
from ogc_hysds.features.queryables import field_schemas
from ogc_hysds.features.service import lookup_service
from ogc_hysds.hysds.catalogue import ProductQuery
from ogc_hysds.hysds.grq_query import QueryError


class GRQProvider(BaseProvider):  # type: ignore[misc]
    """GRQ products of one dataset (or all of them) as GeoJSON features."""

    def __init__(self, provider_def: dict[str, Any]) -> None:
        super().__init__(provider_def)
        self.service = lookup_service(self.data)
        self.dataset: str | None = (self.options or {}).get("dataset")
        # pygeoapi describes the geometry itself (collection schema, queryables).
        fields = field_schemas(self.service.catalogue.queryables())
        self._fields = {k: v for k, v in fields.items() if k != "geometry"}

    def get_fields(self) -> dict[str, Any]:
        return dict(self._fields)

    def query(
        self,
        offset: int = 0,
        limit: int = 10,
        resulttype: str = "results",
        bbox: list[float] | None = None,
        datetime_: str | None = None,
        properties: list[tuple[str, str]] | None = None,
        sortby: list[dict[str, str]] | None = None,
        select_properties: list[str] | None = None,
        skip_geometry: bool = False,
        q: str | None = None,
        filterq: Any = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        try:
            query = ProductQuery(
                dataset=self.dataset,
                bbox=tuple(bbox) if bbox else None,  # type: ignore[arg-type]
                interval=parse_datetime(datetime_) if datetime_ else None,
                equals=tuple((name, (value,)) for name, value in properties or []),
                text=tuple(q.split(",")) if q else (),
                cql2=filterq,
                sortby=tuple(
                    (key["property"], key.get("order", "+") != "-")
                    for key in sortby or []
                ),
                limit=0 if resulttype == "hits" else limit,
                offset=offset,
                include=tuple(select_properties) if select_properties else None,
                skip_geometry=skip_geometry,
            )
            page = self.service.catalogue.search(query)
        except (QueryError, ValueError) as err:
            raise ProviderInvalidQueryError(user_msg=str(err)) from err
        features = [self._feature(product) for product in page.products]
        return {
            "type": "FeatureCollection",
            "features": features,
            "numberMatched": page.number_matched,
            "numberReturned": len(features),
        }

    def get(self, identifier: str, **kwargs: Any) -> dict[str, Any]:
        product = self.service.catalogue.get(identifier, self.dataset)
        if product is None:
            raise ProviderItemNotFoundError(user_msg=f"no item {identifier}")
        return self._feature(product)

    def _feature(self, product: Any) -> dict[str, Any]:
        base = "collections"
        return feature(product, item_url(base, product.id), base)
