"""Property-based run of schemathesis over our own /openapi.json against the real server:
no 5xx, and every response matches the documented status codes, content types and schemas."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
    ]
)


@pytest.mark.skipif(os.environ.get("VIPERATRON_TEST_BACKEND") == "postgres" and not os.environ.get("CI"),
                    reason="the fuzz run takes a while; locally it runs in the SQLite half")
async def test_schemathesis_finds_no_5xx_and_no_schema_violation(live_server, make_key):
    key = await make_key(per_minute=1_000_000, per_day=10_000_000)
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "run",
        f"{live_server}/openapi.json",
        "--checks",
        CHECKS,
        "--max-examples",
        os.environ.get("SCHEMATHESIS_EXAMPLES", "25"),
        "--phases",
        "examples,coverage,fuzzing",
        "--generation-deterministic",
        "-H",
        f"Authorization: Bearer {key.plaintext}",
        "--request-timeout",
        "10",
    ]
    # The NDJSON upload body's serializer (tests/support/schemathesis_hooks.py).
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.support.schemathesis_hooks", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(command, capture_output=True, text=True, timeout=400, env=env, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
