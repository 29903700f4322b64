"""The developer UIs work in a real browser with no internet: Swagger UI (/docs), ReDoc (/redoc)
and GraphiQL (/graphql), served by the real `viperatron serve` process.

Headless Chromium (Debian's `chromium`) is driven over the DevTools protocol with the
`websockets` package (already a dependency through uvicorn[standard]); no other driver.
Every request the pages make is recorded and must stay on the server's own origin.

Self-contained on purpose: no fixture from tests/conftest.py. Runs in the SQLite half only.
Skipped when Chromium or the GraphiQL assets (`make assets`) are missing, except under CI
(CI set), where that is a failure. Screenshots go to $VIPERATRON_SCREENSHOTS (default: the
test's temporary directory).
"""

from __future__ import annotations

import json
import urllib.request

from tests.support.browser import (  # noqa: F401  (fixtures)
    VIEWER_QUERY,
    browser,
    pytestmark,
    server,
    server_env,
    shots,
    tmp_dir,
)


def test_swagger_ui_renders_offline(browser, server, shots):
    origin, _ = server
    browser.goto(f"{origin}/docs")
    browser.wait_js(
        "Swagger UI's operation list",
        "[...document.querySelectorAll('.opblock-summary-path')]"
        ".some(e => e.textContent.includes('/api/v1/delivery/send'))",
    )
    # The spec is OpenAPI 3.1: an old Swagger UI shows an error box instead of operations.
    assert not browser.js("!!document.querySelector('.swagger-ui .errors-wrapper')"), browser.js(
        "document.querySelector('.swagger-ui .errors-wrapper').innerText"
    )
    assert "Viperatron API" in browser.js("document.querySelector('.swagger-ui .info .title').innerText")
    browser.screenshot(shots / "docs.png")
    browser.assert_local_only(origin)


def test_redoc_renders_offline(browser, server, shots):
    origin, _ = server
    browser.goto(f"{origin}/redoc")
    browser.wait_js(
        "ReDoc's rendered spec",
        "!!document.querySelector('.api-content h1') && document.body.innerText.includes('/api/v1/delivery/send')",
    )
    assert "Viperatron API" in browser.js("document.querySelector('.api-content h1').innerText")
    browser.screenshot(shots / "redoc.png")
    # fastapi-offline's bundle would ask cdn.redoc.ly for a logo; app/web/docs.py removes that.
    foreign = browser.foreign_requests(origin)
    assert not foreign, f"requests left {origin}: {foreign}"


def test_graphiql_runs_a_query_offline(browser, server, shots):
    origin, key = server
    # Strawberry's page takes the query and the headers editor's content from the URL.
    params = urllib.parse.urlencode(
        {"q": VIEWER_QUERY, "headers": json.dumps({"Authorization": f"Bearer {key}"})}, quote_via=urllib.parse.quote
    )
    browser.goto(f"{origin}/graphql?{params}")
    html = browser.js("document.documentElement.outerHTML")
    assert "unpkg.com" not in html, "GraphiQL page still points at unpkg.com"
    browser.wait_js("GraphiQL to render", "!!document.querySelector('.graphiql-container .graphiql-execute-button')")
    browser.wait_js(
        "the query in GraphiQL's editor",
        "[...document.querySelectorAll('.graphiql-query-editor .CodeMirror')]"
        f".some(e => e.CodeMirror && e.CodeMirror.getValue().includes({json.dumps(VIEWER_QUERY)}))",
    )
    # Press the run button: GraphiQL sends the query with its own fetcher.
    graphql_url = f"{origin}/graphql"
    before = len(browser.requests)
    browser.js("document.querySelector('.graphiql-execute-button').click(), true")
    result = browser.wait_js(
        "the result pane to show the organization",
        "(() => { const t = document.querySelector('.graphiql-response')?.innerText || '';"
        " return t.includes('\"default\"') && t; })()",
    )
    assert '"name": "default"' in result, result
    sent = [
        r["request"]
        for r in browser.requests[before:]
        if r["request"]["url"] == graphql_url and r["request"]["method"] == "POST"
        and "viewer" in r["request"].get("postData", "")
    ]
    assert sent, "the query did not go through the page's fetcher"
    headers = {k.lower(): v for k, v in sent[-1]["headers"].items()}
    assert headers.get("authorization") == f"Bearer {key}", headers
    browser.screenshot(shots / "graphiql.png")
    browser.assert_local_only(origin)
    assert not browser.console_errors, browser.console_errors
