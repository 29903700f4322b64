"""The schema's SDL passes graphql-schema-linter with the rules of graphql-schema-linter.config.js
(Relay connections and page info, naming, nothing unused; the file says why each). The linter is
pinned in package.json/package-lock.json and installed by `npm ci` (make test does it)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from schema.graphql import schema
from tests.helpers import ROOT

LINTER = ROOT / "node_modules" / ".bin" / "graphql-schema-linter"


def lint(sdl: str, tmp_path: Path) -> subprocess.CompletedProcess:
    if not LINTER.exists() or shutil.which("npx") is None:
        message = "graphql-schema-linter is not installed: run `npm ci` in the repository (make test does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    path = tmp_path / "schema.graphql"
    path.write_text(sdl)
    return subprocess.run(
        ["npx", "--no-install", "graphql-schema-linter", "--config-directory", str(ROOT), "--format", "compact", str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )


def test_the_schema_passes_graphql_schema_linter(tmp_path):
    result = lint(schema.as_str(), tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_linter_catches_a_page_info_that_is_not_relays(tmp_path):
    """The rules are really on: the PageInfo this schema had before is refused."""
    sdl = schema.as_str().replace("  hasPreviousPage: Boolean!\n", "", 1)
    assert sdl != schema.as_str()
    result = lint(sdl, tmp_path)
    assert result.returncode != 0 and "relay-page-info-spec" in result.stdout
