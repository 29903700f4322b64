"""Schemathesis over our own /openapi.json against the real server, once per backend: every
check (`--checks all`: no 5xx, status codes, content types, response headers and schemas as
documented, and the rest), and the examples, coverage, fuzzing and stateful phases, with a fixed
seed and a bounded number of examples (SCHEMATHESIS_EXAMPLES, 10 per operation: under a minute per
backend). In both halves: a 5xx can be the backend's own (PostgreSQL refuses what SQLite stores).
Settings: tests/support/schemathesis.toml (it keeps U+0000 out of generated strings; that rule
is tests/platform/test_bad_input.py's); the few rules the document can only state in words:
tests/support/schemathesis_hooks.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT

SEED = "20261129"
EXAMPLES = os.environ.get("SCHEMATHESIS_EXAMPLES", "10")


async def test_schemathesis_all_checks_all_phases(live_server, make_key):
    key = await make_key(per_minute=1_000_000, per_day=10_000_000)
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "--config-file", str(ROOT / "tests" / "support" / "schemathesis.toml"),
        "run", f"{live_server}/openapi.json",
        "--checks", "all",
        "--phases", "examples,coverage,fuzzing,stateful",
        "--max-examples", EXAMPLES,
        "--seed", SEED,
        "--generation-database", "none",
        "--workers", "1",
        "-H", f"Authorization: Bearer {key.plaintext}",
        "--request-timeout", "10",
        "--no-color",
    ]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.support.schemathesis_hooks",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=ROOT, env=env)
    summary = result.stdout[result.stdout.rfind("=== SUMMARY"):] if "=== SUMMARY" in result.stdout else ""
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert f"✅ {phase}" in summary or f"✅  {phase}" in result.stdout, (phase, summary)
