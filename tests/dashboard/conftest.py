"""The browser fixtures (tests/support/browser.py) at this directory's level, so the dashboard's
browser test can wrap `server` (a higher rate limit: a person clicking through every page and a
test polling it spend more than a minute's default budget)."""

from tests.support.browser import browser, server, tmp_dir  # noqa: F401
