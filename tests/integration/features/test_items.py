# SPDX-License-Identifier: Apache-2.0
"""Items, item and queryables against seeded GRQ products on the real OpenSearch."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from ogc_hysds.app import create_app
from ogc_hysds.config import ServerSettings, Settings
from tests.integration.features.conftest import get_json

pytestmark = pytest.mark.integration

# The public URL every link and asset starts with (settings `server.url`).
SERVER = "http://127.0.0.1:5000"

ITEMS = "/collections/grq/items"


def ids(client: FlaskClient, query: str) -> set[str]:
    body = get_json(client, f"{ITEMS}?limit=10000&{query}")
    return {feature["id"] for feature in body["features"]}


def test_items_are_geojson_with_counts(client: FlaskClient, grq_products: int) -> None:
    response = client.get(f"{ITEMS}?limit=5")
    body = response.get_json()
    assert response.mimetype == "application/geo+json"
    assert response.headers["Content-Crs"].endswith("CRS84>")
    assert body["numberMatched"] == grq_products
    assert body["numberReturned"] == len(body["features"]) == 5


def test_geometry_types_are_valid_geojson(client: FlaskClient) -> None:
    body = get_json(client, f"{ITEMS}?limit=500")
    types = {f["geometry"]["type"] for f in body["features"] if f["geometry"]}
    assert types <= {"Polygon", "MultiPolygon", "Point", "LineString"}
    assert "Point" in types


def test_item_has_properties_and_links(
    client: FlaskClient, landmarks: dict[str, str]
) -> None:
    body = get_json(client, f"{ITEMS}/{landmarks['sacramento']}")
    props = body["properties"]
    assert props["start_datetime"] == "2017-03-01T00:00:00Z"
    assert props["end_datetime"] == "2017-06-05T00:00:00Z"
    assert props["dataset"] == "area_of_interest"
    assert props["metadata"]["priority"] == 8
    rels = {link["rel"] for link in body["links"]}
    assert {"self", "collection", "enclosure", "preview", "thumbnail"} <= rels


def test_listed_feature_equals_its_item(
    client: FlaskClient, landmarks: dict[str, str]
) -> None:
    # The listing fetches records unfiltered, the item by id: both must agree.
    page = get_json(client, f"{ITEMS}?limit=10000")["features"]
    listed = [feature for feature in page if feature["id"] == landmarks["sacramento"]]
    item = get_json(client, f"{ITEMS}/{landmarks['sacramento']}")
    assert len(listed) == 1
    assert listed[0]["properties"] == item["properties"]
    assert listed[0]["geometry"] == item["geometry"]
    assert listed[0]["links"] == item["links"]


def test_ongoing_product_has_open_end(
    client: FlaskClient, landmarks: dict[str, str]
) -> None:
    body = get_json(client, f"{ITEMS}/{landmarks['open_ended']}")
    assert body["properties"]["end_datetime"] is None


@pytest.mark.parametrize(
    ("bbox", "landmark"),
    [
        ("170,-30,-170,0", "antimeridian"),
        ("170,-30,-170,0", "antimeridian_split"),
        ("-10,84,10,90", "polar"),
        ("-118.2,34.2,-118.1,34.3", "point"),
        ("-123,38,-121,39", "sacramento"),
    ],
)
def test_bbox_intersects(
    client: FlaskClient, landmarks: dict[str, str], bbox: str, landmark: str
) -> None:
    assert landmarks[landmark] in ids(client, f"bbox={bbox}")


def test_antimeridian_bbox_excludes_the_rest_of_the_world(
    client: FlaskClient, landmarks: dict[str, str]
) -> None:
    assert landmarks["sacramento"] not in ids(client, "bbox=170,-30,-170,0")


def test_bbox_crs_epsg4326_swaps_axes(
    client: FlaskClient, landmarks: dict[str, str]
) -> None:
    crs = quote("http://www.opengis.net/def/crs/EPSG/0/4326", safe="")
    found = ids(client, f"bbox=38,-123,39,-121&bbox-crs={crs}")
    assert landmarks["sacramento"] in found


@pytest.mark.parametrize(
    ("interval", "inside", "outside"),
    [
        ("2017-04-01T00:00:00Z", "sacramento", "polar"),
        ("2017-05-01T00:00:00Z/2017-05-02T00:00:00Z", "sacramento", "polar"),
        ("../2017-03-02T00:00:00Z", "sacramento", "polar"),
        ("2019-08-01T00:00:00Z/..", "polar", "sacramento"),
        ("2030-01-01T00:00:00Z/..", "open_ended", "polar"),
        ("2017-06-06T00:00:00Z/", "open_ended", "sacramento"),
    ],
)
def test_datetime_overlap(
    client: FlaskClient,
    landmarks: dict[str, str],
    interval: str,
    inside: str,
    outside: str,
) -> None:
    found = ids(client, f"datetime={quote(interval, safe='')}")
    assert landmarks[inside] in found
    assert landmarks[outside] not in found


def test_property_filter_uses_keyword(client: FlaskClient) -> None:
    body = get_json(client, f"{ITEMS}?dataset_type=interferogram&limit=100")
    assert body["numberMatched"] > 0
    assert {f["properties"]["dataset_type"] for f in body["features"]} == {
        "interferogram"
    }


def test_dataset_collection_holds_only_its_dataset(client: FlaskClient) -> None:
    body = get_json(client, "/collections/S1-GUNW/items?limit=100")
    assert {f["properties"]["dataset"] for f in body["features"]} == {"S1-GUNW"}


def test_properties_selection_and_skip_geometry(client: FlaskClient) -> None:
    body = get_json(client, f"{ITEMS}?limit=3&properties=label&skipGeometry=true")
    for feature in body["features"]:
        assert feature["geometry"] is None
        assert set(feature["properties"]) == {"label"}


def test_sortby_ascending_with_tiebreaker(client: FlaskClient) -> None:
    body = get_json(client, f"{ITEMS}?limit=50&sortby=%2Bdataset,-id")
    keys = [(f["properties"]["dataset"], f["id"]) for f in body["features"]]
    assert [k[0] for k in keys] == sorted(k[0] for k in keys)


def test_free_text(client: FlaskClient, landmarks: dict[str, str]) -> None:
    assert landmarks["sacramento"] in ids(client, "q=sacramento")


@pytest.mark.parametrize(
    "cql",
    [
        "dataset = 'area_of_interest' AND label LIKE 'Sacr%'",
        "S_INTERSECTS(geometry, BBOX(-123,38,-121,39)) AND dataset IN ('x', 'y')"
        " OR label = 'Sacramento Valley'",
        "datetime T_DURING INTERVAL('2017-02-01T00:00:00Z','2017-07-01T00:00:00Z')",
        "metadata.priority BETWEEN 7 AND 9 AND NOT (label IS NULL)",
    ],
)
def test_cql2_text(client: FlaskClient, landmarks: dict[str, str], cql: str) -> None:
    assert landmarks["sacramento"] in ids(client, f"filter={quote(cql)}")


def test_cql2_json_spatial_and_temporal(
    client: FlaskClient, landmarks: dict[str, str]
) -> None:
    cql = {
        "op": "and",
        "args": [
            {
                "op": "s_intersects",
                "args": [{"property": "geometry"}, {"bbox": [-10, 84, 10, 90]}],
            },
            {
                "op": "t_after",
                "args": [
                    {"property": "datetime"},
                    {"timestamp": "2019-06-01T00:00:00Z"},
                ],
            },
        ],
    }
    query = f"filter-lang=cql2-json&filter={quote(json.dumps(cql))}"
    assert ids(client, query) == {landmarks["polar"]}


def test_paging_visits_every_product_once(
    client: FlaskClient, grq_products: int
) -> None:
    seen: list[str] = []
    url: str | None = f"{ITEMS}?limit=40"
    while url:
        body = get_json(client, url)
        seen += [f["id"] for f in body["features"]]
        url = next(
            (link["href"] for link in body["links"] if link["rel"] == "next"), None
        )
    assert len(seen) == len(set(seen)) == grq_products


def test_prev_link_returns_the_previous_page(client: FlaskClient) -> None:
    first = get_json(client, f"{ITEMS}?limit=7")
    second_url = next(link["href"] for link in first["links"] if link["rel"] == "next")
    second = get_json(client, second_url)
    prev_url = next(link["href"] for link in second["links"] if link["rel"] == "prev")
    back = get_json(client, prev_url)
    assert [f["id"] for f in back["features"]] == [f["id"] for f in first["features"]]
    assert not any(link["rel"] == "prev" for link in first["links"])


def test_limit_is_clamped_to_the_maximum(client: FlaskClient) -> None:
    body = get_json(client, f"{ITEMS}?limit=20000")
    assert body["numberReturned"] == body["numberMatched"]


def test_no_match_is_an_empty_collection(client: FlaskClient) -> None:
    body = get_json(client, f"{ITEMS}?dataset=no-such-dataset")
    assert body["features"] == [] and body["numberMatched"] == 0


@pytest.mark.parametrize(
    ("query", "locator"),
    [
        ("limit=0", "limit"),
        ("limit=ten", "limit"),
        ("bbox=1,2,3", "bbox"),
        ("bbox=0,50,10,40", "bbox"),
        ("bbox-crs=EPSG:3857&bbox=0,0,1,1", "bbox-crs"),
        ("datetime=yesterday", "datetime"),
        ("datetime=2020-01-02T00:00:00Z/2020-01-01T00:00:00Z", "datetime"),
        ("datetime=../..", "datetime"),
        ("sortby=no_such_field", "sortby"),
        ("filter=dataset%20%3D", "filter"),
        ("filter=nope%20%3D%201", "filter"),
        ("filter-lang=sql&filter=a", "filter-lang"),
        ("token=garbage", "token"),
        ("skipGeometry=maybe", "skipGeometry"),
        ("unknown=1", "unknown"),
        ("metadata.track_number=null", "metadata.track_number"),
        ("geometry=POINT(0 0)", "geometry"),
    ],
)
def test_invalid_parameters_are_400_naming_them(
    client: FlaskClient, query: str, locator: str
) -> None:
    response = client.get(f"{ITEMS}?{query}")
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.get_json()["locator"] == locator


def test_a_value_some_shards_cannot_parse_is_400_not_partial(
    client: FlaskClient,
) -> None:
    # A raw query reaches GRQ as written: only the indices that map the field
    # as a number refuse the text. That is the caller's 400, never a 503 for
    # "partial results".
    body = {"query": {"term": {"metadata.track_number": "x"}}}

    response = client.post("/api/v1/grq/query", json=body)

    assert response.status_code == 400, response.get_data(as_text=True)


def test_token_for_another_sort_is_400(client: FlaskClient) -> None:
    first = get_json(client, f"{ITEMS}?limit=2")
    token = next(
        link["href"] for link in first["links"] if link["rel"] == "next"
    ).split("token=")[1]
    response = client.get(f"{ITEMS}?sortby=label&token={token}")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "/collections/nope",
        "/collections/nope/items",
        "/collections/grq/items/no-such-product",
        "/collections/S1-GUNW/items/AOI_sacramento_valley",
    ],
)
def test_unknown_collection_or_item_is_404(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_queryables_come_from_the_mapping(client: FlaskClient) -> None:
    body = get_json(client, "/collections/grq/queryables")
    properties = body["properties"]
    assert properties["geometry"]["format"] == "geometry-any"
    assert properties["dataset"]["type"] == "string"
    assert properties["metadata.priority"]["type"] == "number"
    assert "text_fields" not in properties


def test_collections_are_discovered_with_extents(client: FlaskClient) -> None:
    body = get_json(client, "/collections")
    by_id = {c["id"]: c for c in body["collections"]}
    assert {"grq", "S1-GUNW", "area_of_interest"} <= set(by_id)
    interval = by_id["grq"]["extent"]["temporal"]["interval"][0]
    assert interval[0].startswith("2017-01-01")


def test_conformance_lists_features_and_filter(client: FlaskClient) -> None:
    classes = get_json(client, "/conformance")["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in classes
    assert "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter" in classes


def test_openapi_has_no_remote_references(client: FlaskClient) -> None:
    response = client.get("/openapi")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '"$ref": "http' not in text
    document = json.loads(text)
    parameters = document["paths"]["/collections/grq/items"]["get"]["parameters"]
    assert {"$ref": "#/components/parameters/token"} in parameters


@pytest.mark.parametrize(
    "url",
    [
        "/?f=html",
        "/collections?f=html",
        "/collections/grq?f=html",
        "/collections/grq/items?f=html&limit=5",
        "/collections/grq/items/AOI_sacramento_valley?f=html",
        "/openapi?f=html",
    ],
)
def test_html_pages_load_assets_only_from_this_server(
    client: FlaskClient, url: str
) -> None:
    response = client.get(url)

    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assets = re.findall(r'<(?:link|script|img)[^>]+(?:href|src)="([^"]+)"', text)
    assert assets
    assert [asset for asset in assets if not asset.startswith(SERVER)] == []


def test_html_pages_of_two_apps_each_name_their_own_server(
    client: FlaskClient, settings: Settings, grq_products: int
) -> None:
    # pygeoapi caches the config its templates see per process; a second app
    # (or a rebuilt API object) must not render from the first one's copy.
    other_url = "http://other.example:8080"
    other = create_app(settings.model_copy(update={"server": _server(other_url)}))

    for _ in range(2):
        for served, url in ((client, SERVER), (other.test_client(), other_url)):
            text = served.get("/?f=html").get_data(as_text=True)
            assert f'href="{url}/static/css/ogc-hysds.css"' in text


def _server(url: str) -> ServerSettings:
    return ServerSettings.model_validate({"url": url})


@pytest.mark.parametrize(
    "asset",
    ["/static/swagger-ui/swagger-ui-bundle.js", "/static/swagger-ui/swagger-ui.css"],
)
def test_swagger_ui_is_served_locally(client: FlaskClient, asset: str) -> None:
    assert client.get(asset).status_code == 200


def test_leaflet_is_served_locally(client: FlaskClient) -> None:
    assert client.get("/static/leaflet/leaflet.js").status_code == 200


def test_offline_map_draws_land_served_here(client: FlaskClient) -> None:
    text = client.get("/collections/grq/items?f=html&limit=1").get_data(as_text=True)

    assert f'src="{SERVER}/static/basemap/land-110m.js"' in text
    assert "L.tileLayer" not in text
    assert client.get("/static/basemap/land-110m.js").status_code == 200


def test_configured_tile_server_replaces_the_land_layer(
    settings: Settings, grq_products: int
) -> None:
    tiles = "https://tiles.example.org/{z}/{x}/{y}.png"
    features = settings.features.model_copy(update={"map_tiles_url": tiles})
    app = create_app(settings.model_copy(update={"features": features}))

    text = app.test_client().get("/collections/grq?f=html").get_data(as_text=True)

    assert tiles in text
    assert "land-110m.js" not in text


def test_landing_page_html_describes_every_part(client: FlaskClient) -> None:
    text = client.get("/?f=html").get_data(as_text=True)

    for heading in ("Catalogue", "Processes and jobs", "API definition"):
        assert f"<h2>{heading}</h2>" in text
    assert f'href="{SERVER}/health"' in text
    # Only documentation this server serves is linked (it has no ReDoc).
    assert "ReDoc" not in text
