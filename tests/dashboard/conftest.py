"""The browser fixtures (tests/support/browser.py) at this directory's level, with a higher rate
limit for the server (a person clicking through every page and a test polling it spend more than
a minute's default budget), and screenshots into screenshots/ (git-ignored) unless
$VIPERATRON_SCREENSHOTS says where."""

import os
from pathlib import Path

import pytest

from tests.helpers import ROOT
from tests.support.browser import browser, server, tmp_dir  # noqa: F401


@pytest.fixture(scope="module")
def server_env() -> dict[str, str]:
    return {
        "VIPERATRON_RATE_PER_MINUTE": "100000",
        "VIPERATRON_RATE_PER_DAY": "10000000",
        "VIPERATRON_USER_RATE_PER_MINUTE": "100000",
    }


@pytest.fixture(scope="module")
def shots() -> Path:
    path = Path(os.environ.get("VIPERATRON_SCREENSHOTS") or ROOT / "screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path
