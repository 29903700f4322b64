"""The developer's front door in a real browser: the home page (/), the interactive reference
(/reference, Scalar), Swagger UI's Authorize + "Try it out" (/docs) and GraphiQL's key bar
(/graphql), each against the real `viperatron serve` with its bootstrap key.

The server, Chromium and the DevTools helpers are tests/support/browser.py's (imported: one server
and one browser for this module). SQLite half only, like test_browser.py. Every page must make
no request to another origin. Screenshots go to $VIPERATRON_SCREENSHOTS, default screenshots/
at the repository root (git-ignored).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from tests.helpers import ROOT
from tests.support.browser import Page, _require, browser, pytestmark, server, server_env, tmp_dir  # noqa: F401

SEND = "/api/v1/delivery/send"
LANGUAGES = ("curl", "node", "python", "php", "go", "ruby")


@pytest.fixture(scope="module")
def shots() -> Path:
    path = Path(os.environ.get("VIPERATRON_SCREENSHOTS") or ROOT / "screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _click(page: Page, selector: str, text: str | None = None, within: str = "document") -> None:
    """Click the first element matching `selector` (whose text starts with `text`, if given)."""
    found = page.js(
        f"(() => {{ const e = [...{within}.querySelectorAll({json.dumps(selector)})]"
        f".find(e => {json.dumps(text)} === null || e.innerText.trim().startsWith({json.dumps(text)}));"
        " if (!e) return false; e.scrollIntoView({block: 'center'}); e.click(); return true; })()"
    )
    assert found, f"nothing to click: {selector} {text!r}"


def _type(page: Page, selector: str, text: str) -> None:
    """Focus an input and type into it as a person would (frameworks see real input events)."""
    assert page.js(f"(() => {{ const e = document.querySelector({json.dumps(selector)}); if (!e) return false;"
                   " e.focus(); return document.activeElement === e; })()"), selector
    page.call("Input.insertText", text=text)


def _shown(page: Page, selector: str) -> list[str]:
    """data-lang of the displayed elements matching `selector`."""
    return page.js(f"[...document.querySelectorAll({json.dumps(selector)})]"
                   ".filter(e => getComputedStyle(e).display !== 'none').map(e => e.dataset.lang)")


def _posts(page: Page, start: int, url: str) -> list[dict]:
    return [r["request"] for r in page.requests[start:] if r["request"]["url"] == url and r["request"]["method"] == "POST"]


# --- / ---------------------------------------------------------------------------------------------


def test_home_page_and_its_language_tabs(browser, server, shots):
    origin, _ = server
    browser.goto(f"{origin}/")
    sections = browser.js("[...document.querySelectorAll('main > section')].map(s => s.id)")
    assert sections == ["about", "quickstart", "authentication", "rate-limits", "common-tasks", "reference"]
    assert "Send your first email in 60 seconds" in browser.js("document.body.innerText")
    assert _shown(browser, ".tabs > .panel") == ["curl"] * 3, "cURL first"
    # Choosing a language on one task shows it on all three (the page's script), and it sticks.
    _click(browser, "label[for='lang-send-python']")
    assert _shown(browser, ".tabs > .panel") == ["python"] * 3
    panel = browser.js("document.querySelector('.tabs .panel[data-lang=python]').innerText")
    assert "requests.post(" in panel and f"{origin}{SEND}" in panel
    browser.screenshot(shots / "home.png")
    browser.goto(f"{origin}/")
    assert _shown(browser, ".tabs > .panel") == ["python"] * 3, "the choice is remembered"
    browser.assert_local_only(origin)
    assert not browser.console_errors, browser.console_errors


def test_home_tabs_work_without_javascript(browser, server, shots):
    origin, _ = server
    browser.call("Emulation.setScriptExecutionDisabled", value=True)
    try:
        browser.goto(f"{origin}/")
        for lang in LANGUAGES:
            _click(browser, f"label[for='lang-event-{lang}']")
            shown = _shown(browser, "#common-tasks .tabs > .panel")
            assert shown[2] == lang, (lang, shown)
        assert "Net::HTTP::Post" in browser.js("document.querySelectorAll('.tabs')[2].querySelector('.panel[data-lang=ruby]').innerText")
        browser.screenshot(shots / "home-no-javascript.png")
    finally:
        browser.call("Emulation.setScriptExecutionDisabled", value=False)


# --- /reference --------------------------------------------------------------------------------------

SCALAR_SEND = f"document.getElementById('api-1/tag/delivery/POST{SEND}')"
# What each client's example for the send operation must contain.
SCALAR_CLIENTS = {
    "Shell": "curl ",
    "Node.js": "fetch(",
    "Python": "requests.post(",
    "PHP": "curl_init(",
    "Go": "http.NewRequest(",
    "Ruby": "Net::HTTP::Post",
}


def test_reference_shows_six_languages_and_sends_with_a_key(browser, server, shots):
    origin, key = server
    _require(
        (ROOT / "app/static/frontend/node_modules/@scalar/api-reference/dist/browser/standalone.js").is_file(),
        "Scalar not installed: run `make assets` (needs npm)",
    )
    browser.goto(f"{origin}/reference")
    browser.wait_js("Scalar to render the send operation", f"!!({SCALAR_SEND} && {SCALAR_SEND}.querySelector('pre'))")
    assert "Viperatron API" in browser.js("document.body.innerText")
    # The client selector: each language's request example for POST /api/v1/delivery/send.
    for label, marker in SCALAR_CLIENTS.items():
        _click(browser, ".client-libraries-tabs [role=tab]", label)
        example = browser.wait_js(
            f"the {label} example",
            f"(() => {{ const t = {SCALAR_SEND}.querySelector('pre').innerText;"
            f" return t.includes({json.dumps(marker)}) && t; }})()",
        )
        assert f"{origin}{SEND}" in example and "hello@acme.com" in example, (label, example)
    _click(browser, ".client-libraries-tabs [role=tab]", "Shell")
    browser.screenshot(shots / "reference.png")
    # "Test Request", the key in the preset bearer scheme, Send: the message is queued.
    _click(browser, "button", "Test Request", within=SCALAR_SEND)
    browser.wait_js("the API client's auth", "!!document.querySelector('input[placeholder=Token]')")
    assert "bearerAuth" in browser.js("document.body.innerText"), "authentication preset to the bearer scheme"
    _type(browser, "input[placeholder=Token]", key)
    start = len(browser.requests)
    assert browser.js("(() => { const b = [...document.querySelectorAll('button')]"
                      ".find(b => b.innerText.includes('Send post request')); b && b.click(); return !!b; })()")
    browser.wait_js("202 Accepted in the response", "document.body.innerText.includes('202 Accepted')")
    sent = _posts(browser, start, f"{origin}{SEND}")
    assert len(sent) == 1, sent
    headers = {k.lower(): v for k, v in sent[0]["headers"].items()}
    assert headers["authorization"] == f"Bearer {key}", headers
    assert json.loads(sent[0]["postData"])["to"] == "customer@example.com"
    browser.screenshot(shots / "reference-send.png")
    browser.assert_local_only(origin)
    assert not browser.console_errors, browser.console_errors


# --- /docs ----------------------------------------------------------------------------------------


def _swagger_authorize(page: Page, scheme: str, key: str) -> None:
    _click(page, ".auth-wrapper .btn.authorize")
    page.wait_js("the Authorize dialog", "!!document.querySelector('.modal-ux .auth-container')")
    container = (f"[...document.querySelectorAll('.modal-ux .auth-container')]"
                 f".find(c => c.querySelector('h4') && c.querySelector('h4').innerText.includes({json.dumps(scheme)}))")
    assert page.js(f"!!({container})"), f"no {scheme} in Swagger UI's Authorize dialog"
    page.js(f"({container}).setAttribute('data-test-scheme', {json.dumps(scheme)}), true")
    _type(page, f"[data-test-scheme={json.dumps(scheme)}] input", key)
    _click(page, f"[data-test-scheme={json.dumps(scheme)}] button.authorize")
    page.wait_js(f"{scheme} authorized", f"[...document.querySelectorAll('[data-test-scheme={json.dumps(scheme)}] button')]"
                                         ".some(b => b.innerText.trim() === 'Logout')")
    _click(page, ".modal-ux button.btn-done")


def _swagger_execute_send(page: Page, origin: str) -> dict:
    operation = f"[...document.querySelectorAll('.opblock-post')].find(o => o.querySelector('[data-path=\"{SEND}\"]'))"
    if not page.js(f"!!({operation}).querySelector('.execute, .try-out__btn.cancel')"):
        page.js(f"({operation}).querySelector('.opblock-summary-control').click(), true")
        page.wait_js("Try it out", f"!!({operation}).querySelector('.try-out__btn')")
        page.js(f"({operation}).querySelector('.try-out__btn').click(), true")
    page.wait_js("Execute", f"!!({operation}).querySelector('.execute')")
    start = len(page.requests)
    page.js(f"({operation}).querySelector('.execute').click(), true")
    status = page.wait_js(
        "the live response", f"({operation}).querySelector('.live-responses-table .response .response-col_status')?.innerText"
    )
    assert status.strip().startswith("202"), status
    sent = _posts(page, start, f"{origin}{SEND}")
    assert sent, "Execute sent nothing"
    return {k.lower(): v for k, v in sent[-1]["headers"].items()}


def test_swagger_ui_authorize_then_try_it_out(browser, server, shots):
    origin, key = server
    browser.goto(f"{origin}/docs")
    browser.call("Runtime.evaluate", expression="localStorage.clear()")
    browser.goto(f"{origin}/docs")
    browser.wait_js("Swagger UI's operations", f"!!document.querySelector('[data-path=\"{SEND}\"]')")
    spec = json.loads(browser.js("fetch('/openapi.json').then(r => r.text())"))
    schemes = spec["components"]["securitySchemes"]
    bearer = next(n for n, s in schemes.items() if s["type"] == "http")
    api_key = next(n for n, s in schemes.items() if s["type"] == "apiKey")
    # Bearer.
    _swagger_authorize(browser, bearer, key)
    headers = _swagger_execute_send(browser, origin)
    assert headers.get("authorization") == f"Bearer {key}", headers
    browser.screenshot(shots / "docs-try-it-out.png")
    # persistAuthorization: still authorized after a reload.
    assert key in browser.js("localStorage.getItem('authorized') || ''")
    browser.goto(f"{origin}/docs")
    browser.wait_js("Swagger UI's operations", f"!!document.querySelector('[data-path=\"{SEND}\"]')")
    assert browser.js("!!document.querySelector('.auth-wrapper .btn.authorize.locked, .auth-wrapper .authorize.locked')"), \
        "the Authorize button shows the persisted authorization"
    # X-API-Key instead: log the bearer scheme out, authorize the header scheme.
    browser.call("Runtime.evaluate", expression="localStorage.clear()")
    browser.goto(f"{origin}/docs")
    browser.wait_js("Swagger UI's operations", f"!!document.querySelector('[data-path=\"{SEND}\"]')")
    _swagger_authorize(browser, api_key, key)
    headers = _swagger_execute_send(browser, origin)
    assert headers.get("x-api-key") == key and "authorization" not in headers, headers
    browser.assert_local_only(origin)


# --- /graphql -------------------------------------------------------------------------------------------


def test_graphiql_asks_for_a_key_then_runs_its_example(browser, server, shots):
    origin, key = server
    graphql = f"{origin}/graphql"
    browser.goto(graphql)
    browser.call("Runtime.evaluate", expression="localStorage.clear()")
    browser.goto(graphql)
    browser.wait_js("GraphiQL to render", "!!document.querySelector('.graphiql-container .graphiql-execute-button')")
    browser.wait_js("the example query", "[...document.querySelectorAll('.graphiql-query-editor .CodeMirror')]"
                                         ".some(e => e.CodeMirror && e.CodeMirror.getValue().includes('viewer'))")
    # It opens explaining the key, asking the server nothing: no red "Missing API key".
    assert browser.js("getComputedStyle(document.getElementById('keybar')).display") != "none"
    assert "viperatron keys create" in browser.js("document.getElementById('keybar').innerText")
    time.sleep(1)  # time for anything the page would send on its own
    assert not _posts(browser, 0, graphql), "the page asked the server before a key was given"
    response = browser.js("document.querySelector('.graphiql-response')?.innerText || ''")
    assert "error" not in response.lower() and "API key" not in response, response
    browser.screenshot(shots / "graphiql-no-key.png")
    # A key in the bar: kept in localStorage, put in the Headers editor, the schema loads, the query runs.
    _type(browser, "#api-key", key)
    _click(browser, "#use-key")
    browser.wait_js("the key in the Headers editor", "[...document.querySelectorAll('.graphiql-editor-tool .CodeMirror')]"
                                                     f".some(e => e.CodeMirror && e.CodeMirror.getValue().includes({json.dumps(key)}))")
    assert browser.js("localStorage.getItem('viperatron:apiKey')") == key
    start = len(browser.requests)
    _click(browser, ".graphiql-execute-button")
    result = browser.wait_js(
        "the example's data", "(() => { const t = document.querySelector('.graphiql-response')?.innerText || '';"
                              " return t.includes('\"default\"') && t; })()",
    )
    assert '"organization"' in result and '"apiKey"' in result, result
    sent = [r for r in _posts(browser, start, graphql) if "viewer" in r.get("postData", "")]
    assert sent and {k.lower(): v for k, v in sent[-1]["headers"].items()}["authorization"] == f"Bearer {key}"
    browser.screenshot(shots / "graphiql-key.png")
    # The key is kept: a new visit starts ready.
    browser.goto(graphql)
    browser.wait_js("the bar to show the kept key", "document.getElementById('keybar').classList.contains('ready')")
    browser.assert_local_only(origin)
    assert not browser.console_errors, browser.console_errors
