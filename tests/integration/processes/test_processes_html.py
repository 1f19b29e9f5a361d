# SPDX-License-Identifier: Apache-2.0
"""HTML views of /processes, /processes/{id}, /jobs and /jobs/{id} (class `html`).

Served from the real registry (sample specs in OpenSearch); the job is an
async `echo` job, which needs no HySDS worker.
"""

from __future__ import annotations

import re
import time

import pytest
from flask.testing import FlaskClient

from ogc_hysds.api_parts import api_parts
from ogc_hysds.app import create_app
from ogc_hysds.config import Settings

pytestmark = pytest.mark.integration

HTML_CLASS = "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/html"
BASE = "http://127.0.0.1:5000"


@pytest.fixture(scope="module")
def client(mozart_specs: Settings) -> FlaskClient:
    app = create_app(mozart_specs)
    assert HTML_CLASS in api_parts(app).conformance
    return app.test_client()


@pytest.fixture(scope="module")
def job_id(client: FlaskClient) -> str:
    reply = client.post(
        "/processes/echo/execution",
        json={"inputs": {"echoInput": "html"}},
        headers={"Prefer": "respond-async"},
    )
    job: str = reply.get_json()["jobID"]
    deadline = time.monotonic() + 10
    while client.get(f"/jobs/{job}").get_json()["status"] != "successful":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    # The job list is eventually consistent (one index refresh, docs/processes.md).
    while job not in {j["jobID"] for j in client.get("/jobs").get_json()["jobs"]}:
        assert time.monotonic() < deadline
        time.sleep(0.2)
    return job


def _external_urls(page: str) -> list[str]:
    # Assets (stylesheets, scripts, images) must come from this server.
    assets = re.findall(r'<(?:link|script|img)[^>]+(?:href|src)="([^"]+)"', page)
    return [url for url in assets if not url.startswith(BASE)]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/processes", "hello_world:develop"),
        ("/processes/hello_world:develop", "greeting"),
        ("/processes/echo", "echoInput"),
        ("/jobs", "echo"),
    ],
)
def test_pages_are_offline_html(
    client: FlaskClient, job_id: str, path: str, expected: str
) -> None:
    reply = client.get(f"{path}?f=html")

    assert reply.status_code == 200
    assert reply.mimetype == "text/html"
    page = reply.get_data(as_text=True)
    assert expected in page
    assert _external_urls(page) == []
    assert f"{BASE}/static/css/ogc-hysds.css" in page


def test_job_page_links_results_and_process(client: FlaskClient, job_id: str) -> None:
    reply = client.get(f"/jobs/{job_id}", headers={"Accept": "text/html"})

    assert reply.status_code == 200 and reply.mimetype == "text/html"
    page = reply.get_data(as_text=True)
    assert "successful" in page
    assert f'href="{BASE}/jobs/{job_id}/results"' in page
    assert f'href="{BASE}/processes/echo?f=html"' in page
    assert _external_urls(page) == []


def test_json_stays_the_default(client: FlaskClient) -> None:
    assert client.get("/processes").mimetype == "application/json"
    assert client.get("/processes?f=json").mimetype == "application/json"


def test_static_stylesheet_is_served(client: FlaskClient) -> None:
    assert client.get("/static/css/ogc-hysds.css").status_code == 200
