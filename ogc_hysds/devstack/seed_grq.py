# SPDX-License-Identifier: Apache-2.0
"""GRQ seed data: HySDS product records (hysds.md §1.3) in `grq_<version>_<dataset>`.

Every record is what `hysds.dataset_ingest.publish_dataset()` plus grq2's
enrichment would store. Product `n` is drawn from its own `Random(f"{seed}:{n}")`,
so the first products are the same whatever the total, and re-seeding with the
same seed rewrites the same ids. A few landmark products with fixed ids,
footprints and times come first; tests assert on them (`LANDMARKS`).
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ogc_hysds.backend.search import SearchBackend
from ogc_hysds.config import IndexSettings
from ogc_hysds.devstack import footprints as fp
from ogc_hysds.devstack.bulk import Action, write_bulk

Record = dict[str, Any]

_EPOCH = datetime(2018, 1, 1, tzinfo=UTC)
_SPAN_SECONDS = int((datetime(2024, 12, 1, tzinfo=UTC) - _EPOCH).total_seconds())
_TAGS = ("reviewed", "flagged", "good", "demo", "needs-qc")


@dataclass(frozen=True)
class Dataset:
    """One entry of HySDS's `datasets.json`: where and how a product is published."""

    name: str
    dataset_type: str
    level: str
    versions: tuple[str, ...]
    weight: int
    bucket: str = "ds-bucket"
    root: str = "products"


AOI = Dataset(
    "area_of_interest", "area_of_interest", "l0", ("v2.0",), 1, "my-bucket", "datasets"
)
SLC = Dataset("S1-IW_SLC", "slc", "l1", ("v1.0",), 5)
GUNW = Dataset("S1-GUNW", "interferogram", "l2", ("v2.0", "v3.0"), 4)
HELLO = Dataset("hello_world-product", "hello_world-product", "l0", ("v1.0",), 2)
DISP = Dataset("S1-DISP-TS", "displacement", "l3", ("v3.0",), 1)
DATASETS: tuple[Dataset, ...] = (AOI, SLC, GUNW, HELLO, DISP)

# Landmark name → product id; tests assert on these.
LANDMARKS: dict[str, str] = {
    "sacramento": "AOI_sacramento_valley",
    "antimeridian": (
        "S1-GUNW-A-R-088-tops-20200105_20191212-061546-17500S_19000S-PP-8f1e-v2_0_3"
    ),
    "antimeridian_split": (
        "S1B_IW_SLC__1SDV_20200105T061533_20200105T061600_019660_0252A9_77C4"
    ),
    "polar": "AOI_arctic_sea_ice",
    "point": "hello_world-product-20240515T181430",
    "open_ended": "S1-DISP-TS-los_angeles-20170101_ongoing",
}


@dataclass
class Draft:
    """The dataset-specific part of a record; `_record` adds the common fields."""

    id: str
    label: str
    location: fp.Geometry
    place: fp.Place
    starttime: datetime
    endtime: datetime | None
    metadata: dict[str, Any]
    derived_from: list[str]
    naive_times: bool = False
    overrides: Record = field(default_factory=dict)


def generate_products(count: int, random_seed: int = 42) -> Iterator[Record]:
    """The landmarks, then `count` random products; lazily, for any `count`."""
    yield from landmark_products()
    for n in range(count):
        yield random_product(random_seed, n)


def product_index(indices: IndexSettings, record: Record) -> str:
    """`<ns>grq_<version>_<dataset>`, lower-cased as grq2 names it."""
    prefix = indices.name("grq_index_prefix")
    return f"{prefix}_{record['version']}_{record['dataset']}".lower()


def seed_grq(
    search: SearchBackend,
    indices: IndexSettings,
    products: int = 300,
    random_seed: int = 42,
    *,
    progress: bool = False,
) -> Counter[str]:
    """Write the products; returns documents written per index.

    The GRQ template must be installed first (`seed.install_templates`).
    """
    actions = (
        _action(indices, record) for record in generate_products(products, random_seed)
    )
    total = products + len(LANDMARKS)
    return write_bulk(
        search, actions, label="GRQ products", total=total, progress=progress
    )


def _action(indices: IndexSettings, record: Record) -> Action:
    return {
        "_index": product_index(indices, record),
        "_id": record["id"],
        "_source": record,
    }


def random_product(random_seed: int, n: int) -> Record:
    rng = random.Random(f"{random_seed}:{n}")
    dataset = rng.choices(DATASETS, weights=[d.weight for d in DATASETS])[0]
    version = rng.choice(dataset.versions)
    place = rng.choice(fp.PLACES)
    start = _EPOCH + timedelta(seconds=rng.randrange(_SPAN_SECONDS))
    draft = _BUILDERS[dataset.name](rng, n, place, start, version)
    if rng.random() < 0.15:
        draft.metadata["user_tags"] = rng.sample(_TAGS, k=rng.randint(1, 2))
    return _record(dataset, version, draft, rng)


def _slc(
    rng: random.Random, n: int, place: fp.Place, start: datetime, version: str
) -> Draft:
    platform = rng.choice("AB")
    end = start + timedelta(seconds=27)
    orbit = rng.randint(1000, 60000)
    crc = rng.randrange(0x10000)
    product_id = (
        f"S1{platform}_IW_SLC__1SDV_{start:%Y%m%dT%H%M%S}_{end:%Y%m%dT%H%M%S}"
        f"_{orbit:06d}_{n:06X}_{crc:04X}"
    )
    metadata = {
        "platform": f"Sentinel-1{platform}",
        "sensoroperationalmode": "IW",
        "polarisation": "VV+VH",
        "track_number": (orbit - 73) % 175 + 1,
        "absolute_orbit": orbit,
        "direction": rng.choice(["asc", "dsc"]),
        "sensing_start": _iso(start),
        "sensing_stop": _iso(end),
        "archive_filename": f"{product_id}.zip",
    }
    source = f"url:https://datapool.asf.alaska.edu/SLC/S{platform}/{product_id}.zip"
    location = fp.polygon(fp.random_frame(rng, place, 2.2))
    return Draft(
        product_id, product_id, location, place, start, end, metadata, [source]
    )


def _gunw(
    rng: random.Random, n: int, place: fp.Place, start: datetime, version: str
) -> Draft:
    direction = rng.choice("AD")
    track = rng.randint(1, 175)
    secondary = start
    reference = secondary + timedelta(days=12 * rng.randint(1, 4))
    lat = place.lat
    hemisphere = "N" if lat >= 0 else "S"
    north, south = (
        f"{abs(edge) * 1000:05.0f}{hemisphere}" for edge in (lat + 1, lat - 1)
    )
    latitudes = f"{north}_{south}"
    product_id = (
        f"S1-GUNW-{direction}-R-{track:03d}-tops-{reference:%Y%m%d}_{secondary:%Y%m%d}"
        f"-{reference:%H%M%S}-{latitudes}-PP-{rng.randrange(0x10000):04x}"
        f"-{version.replace('.', '_')}-{n:06d}"
    )
    scenes = [f"S1A_IW_SLC__1SDV_{day:%Y%m%dT%H%M%S}" for day in (reference, secondary)]
    metadata = {
        "track_number": track,
        "orbit_direction": "ascending" if direction == "A" else "descending",
        "reference_scenes": scenes[:1],
        "secondary_scenes": scenes[1:],
        "perpendicular_baseline": round(rng.uniform(-150.0, 150.0), 2),
        "unwrapper": rng.choice(["snaphu_mcf", "icu"]),
        # HySDS keeps the producing job's _context.json here (mapped enabled:false).
        "context": {"job_type": "job-s1-gunw-ifg:v2.0.1", "azimuth_looks": 7},
    }
    if rng.random() < 0.1:
        location = fp.random_pair(rng, place, 2.0)
    else:
        location = fp.polygon(fp.random_frame(rng, place, 2.4))
    derived = [
        f"url:s3://s3-us-west-2.amazonaws.com:80/ds-bucket/products/S1-IW_SLC/v1.0/{s}"
        for s in scenes
    ]
    return Draft(
        product_id, product_id, location, place, secondary, reference, metadata, derived
    )


def _aoi(
    rng: random.Random, n: int, place: fp.Place, start: datetime, version: str
) -> Draft:
    end = start + timedelta(days=rng.randint(30, 365))
    size = rng.uniform(3.0, 6.0)
    west, south = place.lon - size / 2, place.lat - size / 2
    ring = fp.box(
        round(west, 3), round(south, 3), round(west + size, 3), round(south + size, 3)
    )
    title = place.name.replace("_", " ").title()
    metadata = {
        "priority": rng.randint(1, 10),
        "event": {
            "type": rng.choice(["time-series", "earthquake", "flood"]),
            "time": _iso(start),
        },
        "account": "hysds",
    }
    return Draft(
        f"AOI_{place.name}_{n:06d}",
        f"{title} #{n}",
        fp.polygon(ring),
        place,
        start,
        end,
        metadata,
        [],
        naive_times=True,
    )


def _hello(
    rng: random.Random, n: int, place: fp.Place, start: datetime, version: str
) -> Draft:
    # Some hello_world runs never recorded an end time: HySDS only warns then.
    end = None if rng.random() < 0.2 else start + timedelta(seconds=rng.randint(5, 600))
    if rng.random() < 0.7:
        location = fp.point(
            place.lon + rng.uniform(-1, 1), place.lat + rng.uniform(-1, 1)
        )
    else:
        location = fp.polygon(fp.random_frame(rng, place, 0.5))
    metadata = {
        "greeting": rng.choice(["hello world", "hola mundo", "bonjour"]),
        "run": n,
    }
    product_id = f"hello_world-product-{start:%Y%m%dT%H%M%S}-{n:06d}"
    return Draft(product_id, product_id, location, place, start, end, metadata, [])


def _disp(
    rng: random.Random, n: int, place: fp.Place, start: datetime, version: str
) -> Draft:
    end = start + timedelta(days=rng.randint(365, 4 * 365))
    metadata = {
        "reference_date": _iso(start),
        "number_of_dates": rng.randint(30, 250),
        "velocity_units": "mm/yr",
        "mean_coherence": round(rng.uniform(0.3, 0.9), 3),
    }
    product_id = f"S1-DISP-TS-{place.name}-{start:%Y%m%d}_{end:%Y%m%d}-{n:06d}"
    location = fp.polygon(fp.random_frame(rng, place, 4.0))
    return Draft(product_id, product_id, location, place, start, end, metadata, [])


_BUILDERS = {
    AOI.name: _aoi,
    SLC.name: _slc,
    GUNW.name: _gunw,
    HELLO.name: _hello,
    DISP.name: _disp,
}


def _record(dataset: Dataset, version: str, draft: Draft, rng: random.Random) -> Record:
    """The full GRQ record around a draft, field order as HySDS writes it."""
    last = draft.endtime or draft.starttime
    created = last + timedelta(hours=rng.uniform(0.1, 48))
    indexed = created + timedelta(seconds=rng.uniform(1, 300))
    record: Record = {
        "id": draft.id,
        "objectid": draft.id,
        "dataset": dataset.name,
        "ipath": f"hysds::data/{dataset.name}",
        "dataset_type": dataset.dataset_type,
        "dataset_level": dataset.level,
        "version": version,
        "system_version": version,
        "label": draft.label,
        **_times(draft),
        "creation_timestamp": f"{created:%Y-%m-%dT%H:%M:%S}Z",
        "location": draft.location,
        "center": fp.center(draft.location),
        "city": [draft.place.city],
        "continent": draft.place.continent,
        "metadata": draft.metadata,
        **_publication(dataset, version, draft.id),
        "prov": {
            "wasGeneratedBy": f"task_id:{random_uuid(rng)}",
            "wasDerivedFrom": draft.derived_from,
        },
        "@timestamp": _iso(indexed),
    }
    record.update(draft.overrides)
    return record


def random_uuid(rng: random.Random) -> str:
    """A version-4 UUID drawn from `rng`, so ids repeat for the same seed."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _times(draft: Draft) -> Record:
    stamp = (lambda t: f"{t:%Y-%m-%dT%H:%M:%S}") if draft.naive_times else _iso
    times: Record = {"starttime": stamp(draft.starttime)}
    if draft.endtime is not None:
        times["endtime"] = stamp(draft.endtime)
        times["temporal_span"] = temporal_span(draft.starttime, draft.endtime)
    return times


def temporal_span(start: datetime, end: datetime) -> int:
    """Days between start and end, a remainder of 12 h or more counting as a day."""
    delta = end - start
    return delta.days + (1 if delta.seconds >= 12 * 3600 else 0)


def _publication(dataset: Dataset, version: str, product_id: str) -> Record:
    # `publish.urls` of datasets.json: a website URL and the s3 URL of one copy.
    path = f"{dataset.root}/{dataset.name}/{version}/{product_id}"
    website = f"http://{dataset.bucket}.s3-website-us-west-2.amazonaws.com"
    s3 = f"s3://s3-us-west-2.amazonaws.com:80/{dataset.bucket}"
    return {
        "urls": [f"{website}/{path}", f"{s3}/{path}"],
        "browse_urls": [f"{website}/browse/{dataset.name}/{version}/{product_id}"],
        "images": [
            {"img": "browse.png", "small_img": "browse_small.png", "tooltip": ""}
        ],
    }


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def landmark_products() -> list[Record]:
    """Fixed products with known ids, footprints and times, for tests and demos."""
    rng = random.Random("landmarks")
    drafts = [
        (AOI, "v2.0", _sacramento()),
        (GUNW, "v2.0", _antimeridian()),
        (SLC, "v1.0", _antimeridian_split()),
        (AOI, "v2.0", _polar()),
        (HELLO, "v1.0", _point()),
        (DISP, "v3.0", _open_ended()),
    ]
    return [_record(dataset, version, draft, rng) for dataset, version, draft in drafts]


def _sacramento() -> Draft:
    # The record of hysds.md §1.3, value for value.
    ring = [
        [-122.906, 40.471],
        [-121.668, 37.844],
        [-120.731, 38.287],
        [-121.954, 40.671],
        [-122.906, 40.471],
    ]
    place = fp.Place(
        "sacramento",
        -121.82,
        39.30,
        "North America",
        {
            "geonameid": "5389489",
            "name": "Sacramento",
            "country_code": "US",
            "admin1_code": "CA",
            "population": 466488,
            "location": {"lat": 38.58, "lon": -121.49},
        },
    )
    metadata = {
        "priority": 8,
        "event": {"type": "time-series", "time": "2017-06-05T00:00:00"},
        "user_tags": ["reviewed"],
    }
    overrides = {
        "creation_timestamp": "2017-06-05T18:12:09Z",
        "center": {"type": "point", "coordinates": [-121.82, 39.30]},
        "prov": {
            "wasGeneratedBy": "task_id:7a0c9d6e-3b1f-4a55-9f0e-2d4c1b8e9a10",
            "wasDerivedFrom": ["url:s3://in-bucket/inputs/aoi.geojson"],
        },
        "@timestamp": "2024-05-15T18:14:38.201233Z",
    }
    return Draft(
        LANDMARKS["sacramento"],
        "Sacramento Valley",
        fp.polygon(ring),
        place,
        _utc("2017-03-01T00:00:00"),
        _utc("2017-06-05T00:00:00"),
        metadata,
        ["url:s3://in-bucket/inputs/aoi.geojson"],
        naive_times=True,
        overrides=overrides,
    )


_FIJI = fp.Place(
    "fiji",
    179.5,
    -18.0,
    "Oceania",
    {
        "geonameid": "2198148",
        "name": "Suva",
        "country_code": "FJ",
        "admin1_code": "C",
        "population": 77366,
        "location": {"lat": -18.14, "lon": 178.44},
    },
)


def _antimeridian() -> Draft:
    # Written eastward across 180 (178 → -178): OpenSearch splits it at the dateline.
    ring = fp.box(178.0, -19.0, -178.0, -17.5)
    metadata = {
        "track_number": 88,
        "orbit_direction": "ascending",
        "perpendicular_baseline": 42.5,
    }
    return Draft(
        LANDMARKS["antimeridian"],
        LANDMARKS["antimeridian"],
        fp.polygon(ring),
        _FIJI,
        _utc("2019-12-12T06:15:46"),
        _utc("2020-01-05T06:15:46"),
        metadata,
        [],
    )


def _antimeridian_split() -> Draft:
    # The RFC 7946 form of a footprint crossing 180: two parts meeting at ±180.
    east = fp.box(177.5, -17.0, 180.0, -15.5)
    west = fp.box(-180.0, -17.0, -179.0, -15.5)
    metadata = {"platform": "Sentinel-1B", "track_number": 88, "direction": "asc"}
    return Draft(
        LANDMARKS["antimeridian_split"],
        LANDMARKS["antimeridian_split"],
        fp.multipolygon(east, west),
        _FIJI,
        _utc("2020-01-05T06:15:33"),
        _utc("2020-01-05T06:16:00"),
        metadata,
        [],
    )


def _polar() -> Draft:
    place = fp.Place(
        "arctic",
        0.0,
        87.5,
        "Europe",
        {
            "geonameid": "2729907",
            "name": "Longyearbyen",
            "country_code": "SJ",
            "admin1_code": "21",
            "population": 2060,
            "location": {"lat": 78.22, "lon": 15.64},
        },
    )
    ring = fp.box(-40.0, 85.0, 40.0, 89.9)
    metadata = {
        "priority": 3,
        "event": {"type": "sea-ice", "time": "2019-07-01T00:00:00"},
    }
    return Draft(
        LANDMARKS["polar"],
        "Arctic sea ice",
        fp.polygon(ring),
        place,
        _utc("2019-07-01T00:00:00"),
        _utc("2019-08-31T00:00:00"),
        metadata,
        [],
        naive_times=True,
    )


def _point() -> Draft:
    # The product staged by the job_status example of hysds.md §2.5.
    place = fp.Place(
        "pasadena",
        -118.17,
        34.2,
        "North America",
        {
            "geonameid": "5381396",
            "name": "Pasadena",
            "country_code": "US",
            "admin1_code": "CA",
            "population": 141029,
            "location": {"lat": 34.15, "lon": -118.14},
        },
    )
    start = _utc("2024-05-15T18:14:30")
    return Draft(
        LANDMARKS["point"],
        LANDMARKS["point"],
        fp.point(-118.1712, 34.2013),
        place,
        start,
        start + timedelta(seconds=9),
        {"greeting": "hello", "run": 42},
        [],
    )


def _open_ended() -> Draft:
    # A time series still growing: no endtime, so it overlaps every later window.
    place = fp.PLACES[0]
    ring = fp.box(-119.0, 33.5, -117.0, 34.7)
    metadata = {
        "reference_date": "2017-01-01T00:00:00.000000Z",
        "number_of_dates": 180,
        "velocity_units": "mm/yr",
    }
    return Draft(
        LANDMARKS["open_ended"],
        "Los Angeles displacement (ongoing)",
        fp.polygon(ring),
        place,
        _utc("2017-01-01T00:00:00"),
        None,
        metadata,
        [],
    )
