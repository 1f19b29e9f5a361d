# SPDX-License-Identifier: Apache-2.0
"""schemathesis derives requests from our OpenAPI document: none may get a 5xx.

Bad input must end in a 4xx problem document (brief: "never a 500"); this runs
schemathesis's example and coverage phases over every documented operation.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.clients.conftest import Served

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SCHEMATHESIS = Path(sys.executable).parent / "st"


def test_no_generated_request_gets_a_server_error(served: Served) -> None:
    done = subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{served.url}/openapi?f=json",
            "--url",
            served.url,
            "--phases",
            "examples,coverage",
            "--max-examples",
            "5",
            "--checks",
            "not_a_server_error",
            "--workers",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert done.returncode == 0, done.stdout[-4000:]
