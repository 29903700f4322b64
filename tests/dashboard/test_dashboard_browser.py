"""The dashboard (/dashboard) in headless Chromium against the real `viperatron serve` (with its
in-process worker) and its bootstrap key: a person's walk through every page. The key is pasted
into the dashboard, a message sent over HTTP reaches `sent` with its timeline, a CSV upload
shows its progress to completed with one row error, an automation made with the form runs on an
event, the analytics chart draws. Every page: a screenshot (to $VIPERATRON_SCREENSHOTS, default
screenshots/dashboard-*.png, git-ignored), no request to another origin, no uncaught error, and
axe-core (the pinned npm package, evaluated into the page: no request) finds no serious or
critical violation. SQLite half only, like the other browser tests.
"""

from __future__ import annotations

import json
import os
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import ROOT, eventually_sync
from tests.support.browser import Page, pytestmark  # noqa: F401

AXE = ROOT / "app/static/frontend/node_modules/axe-core/axe.min.js"
CSV = "email,first_name,plan\nann@example.com,Ann,pro\nnot-an-email,Bob,free\ncid@example.com,Cid,pro\n"


@pytest.fixture(scope="module")
def rate_env():
    patch = pytest.MonkeyPatch()
    patch.setenv("VIPERATRON_RATE_PER_MINUTE", "100000")
    patch.setenv("VIPERATRON_RATE_PER_DAY", "10000000")
    yield
    patch.undo()


@pytest.fixture(scope="module")
def server(rate_env, server):  # noqa: F811 (the conftest's, started with the higher limit)
    return server


@pytest.fixture(scope="module")
def shots() -> Path:
    path = Path(os.environ.get("VIPERATRON_SCREENSHOTS") or ROOT / "screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def dash(browser, server):
    """The browser on /dashboard with the key pasted in (the first test pastes it)."""
    return browser


# --- helpers -------------------------------------------------------------------------------


def _q(selector: str) -> str:
    return f"document.querySelector({json.dumps(selector)})"


def _text(page: Page, selector: str = "main") -> str:
    return page.js(f"({_q(selector)} || {{}}).innerText || ''")


def _click(page: Page, selector: str, text: str | None = None) -> None:
    found = page.js(
        f"(() => {{ const e = [...document.querySelectorAll({json.dumps(selector)})]"
        f".find(e => {json.dumps(text)} === null || e.innerText.trim().startsWith({json.dumps(text)}));"
        " if (!e) return false; e.scrollIntoView({block: 'center'}); e.click(); return true; })()"
    )
    assert found, f"nothing to click: {selector} {text!r}"


def _type(page: Page, selector: str, text: str, clear: bool = True) -> None:
    """Focus a control and type into it as a person would (Preact sees real input events)."""
    assert page.js(f"(() => {{ const e = {_q(selector)}; if (!e) return false; e.focus();"
                   f" if ({json.dumps(clear)}) e.select && e.select(); return document.activeElement === e; }})()"), selector
    page.call("Input.insertText", text=text)


def _select(page: Page, selector: str, value: str) -> None:
    assert page.js(f"(() => {{ const e = {_q(selector)}; if (!e) return false; e.value = {json.dumps(value)};"
                   " e.dispatchEvent(new Event('change', {bubbles: true})); e.dispatchEvent(new Event('input', {bubbles: true}));"
                   " return true; })()"), selector


def _press(page: Page, key: str, code: int, text: str = "") -> None:
    page.call("Input.dispatchKeyEvent", type="keyDown", key=key, code=key, windowsVirtualKeyCode=code, text=text)
    page.call("Input.dispatchKeyEvent", type="keyUp", key=key, code=key, windowsVirtualKeyCode=code)


def _wait_text(page: Page, what: str, text: str, selector: str = "main", timeout: float = 20) -> str:
    probe = f"(() => {{ const t = ({_q(selector)} || {{}}).innerText || ''; return t.includes({json.dumps(text)}) && t; }})()"
    return eventually_sync(lambda: page.js(probe), timeout=timeout, every=0.1, retry=(Exception,),
                           what=lambda: f"{what} (main says: {_text(page)[:600]!r}; errors: {page.console_errors})")


def _open(page: Page, origin: str, path: str, heading: str) -> None:
    """Follow the dashboard's own link when it has one (client-side route), else load the URL."""
    page.goto(f"{origin}{path}")
    _wait_text(page, f"the {heading!r} page", heading, "main h1")


def _axe(page: Page, name: str) -> None:
    if not page.js("typeof axe !== 'undefined'"):
        page.js(AXE.read_text() + "\n;true")
    result = page.js("axe.run(document, {resultTypes: ['violations'], iframes: false})"
                     ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
                     " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))")
    bad = [v for v in result if v["impact"] in ("serious", "critical")]
    assert not bad, f"axe on {name}: {json.dumps(bad, indent=1)}"


def _check(page: Page, origin: str, shots: Path, name: str) -> None:
    page.screenshot(shots / f"dashboard-{name}.png")
    _axe(page, name)
    page.assert_local_only(origin)
    assert not page.console_errors, page.console_errors


def _http(origin: str, key: str, method: str, path: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(f"{origin}{path}", method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


# --- the walk -------------------------------------------------------------------------------


def test_a_key_then_the_empty_state_with_the_curl_to_send(dash, server, shots):
    origin, key = server
    _require_axe()
    dash.goto(f"{origin}/dashboard")
    dash.js("localStorage.clear(), true")
    dash.goto(f"{origin}/dashboard")
    _wait_text(dash, "the key form", "Connect the dashboard", "main h1")
    assert dash.js("location.pathname") == "/dashboard/messages"
    _check(dash, origin, shots, "key")
    # Not a key: said so, nothing kept.
    _type(dash, "#key", "hello")
    _click(dash, "button", "Use key")
    _wait_text(dash, "the key's problem", "That is not an API key", "#key-problem")
    # The key: kept, and every GraphQL call carries it.
    start = len(dash.requests)
    _type(dash, "#key", key)
    _press(dash, "Enter", 13, "\r")
    _wait_text(dash, "the Messages page", "Messages", "main h1")
    assert dash.js("localStorage.getItem('viperatron:apiKey')") == key
    empty = _wait_text(dash, "the empty state", "No messages yet")
    assert f"Authorization: Bearer {key}" in empty and f"{origin}/api/v1/delivery/send" in empty, empty
    calls = [r["request"] for r in dash.requests[start:] if r["request"]["method"] == "POST"]
    assert calls and all(r["url"] == f"{origin}/graphql" for r in calls), [r["url"] for r in calls]
    assert all({k.lower(): v for k, v in r["headers"].items()}["authorization"] == f"Bearer {key}" for r in calls)
    assert dash.js("document.activeElement.tagName") == "H1", "focus moves to the new page's heading"
    _check(dash, origin, shots, "messages-empty")


def _require_axe() -> None:
    if not AXE.is_file():
        pytest.skip("axe-core not installed: run `make assets`")


def test_a_message_sent_over_http_reaches_sent_with_its_timeline(dash, server, shots):
    origin, key = server
    sent = _http(origin, key, "POST", "/api/v1/delivery/send", {
        "from": "hello@acme.com", "to": ["reader@example.com"], "subject": "Dashboard hello",
        "html": "<h1>Hi there</h1><p>From the walk.</p>", "tags": ["walk"],
    })
    message_id = sent["messageId"]
    _open(dash, origin, "/dashboard/messages", "Messages")
    _wait_text(dash, "the message in the list", "Dashboard hello")
    # Filters: by recipient and tag (the messages query's filter).
    _type(dash, "#m-to", "nobody@example.com")
    _click(dash, "form.filters button[type=submit]")
    _wait_text(dash, "the filtered list", "No message matches")
    _type(dash, "#m-to", "reader@example.com")
    _type(dash, "#m-tag", "walk")
    _click(dash, "form.filters button[type=submit]")
    _wait_text(dash, "the filtered list", "Dashboard hello")
    _check(dash, origin, shots, "messages")
    _click(dash, "main table a", "Dashboard hello")
    _wait_text(dash, "the message page", "Dashboard hello", "main h1")
    assert dash.js("location.pathname") == f"/dashboard/messages/{message_id}"
    _wait_text(dash, "status sent (polled)", "sent", "#message-status", timeout=30)
    timeline = _wait_text(dash, "the timeline to end with sent", "sent", "#timeline")
    assert dash.js("[...document.querySelectorAll('#timeline li .badge')].map(b => b.innerText)")[0] == "queued", timeline
    assert "none yet" not in _text(dash, "#last-reply")
    frame = dash.js("(() => { const f = document.querySelector('iframe.preview');"
                    " return f && {sandbox: f.getAttribute('sandbox'), html: f.srcdoc}; })()")
    assert frame["sandbox"] == "" and "<h1>Hi there</h1>" in frame["html"], frame
    _check(dash, origin, shots, "message")


def test_a_scheduled_message_can_be_canceled(dash, server, shots):
    origin, key = server
    sent = _http(origin, key, "POST", "/api/v1/delivery/send", {
        "from": "hello@acme.com", "to": ["later@example.com"], "subject": "For tomorrow", "text": "Later.",
        "sendAt": _tomorrow(),
    })
    _open(dash, origin, f"/dashboard/messages/{sent['messageId']}", "For tomorrow")
    _click(dash, "button", "Cancel this scheduled message")
    _wait_text(dash, "canceled", "canceled", "#message-status")


def _tomorrow() -> str:
    from datetime import datetime, timedelta, timezone

    return (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()


def test_a_csv_upload_shows_progress_to_completed_with_one_row_error(dash, server, shots, tmp_path):
    origin, _ = server
    _open(dash, origin, "/dashboard/import", "Import contacts")
    _check(dash, origin, shots, "import")
    path = tmp_path / "contacts.csv"
    path.write_text(CSV)
    node = dash.call("Runtime.evaluate", expression="document.getElementById('i-file')")["result"]["objectId"]
    dash.call("DOM.enable")
    dash.call("DOM.setFileInputFiles", files=[str(path)], objectId=node)
    _type(dash, "#i-tags", "imported")
    _click(dash, "button[type=submit]", "Import")
    _wait_text(dash, "the job", "Import of contacts.csv")
    assert dash.js("location.pathname").startswith("/dashboard/import/imp_")
    _wait_text(dash, "completed", "completed", "#import-status", timeout=30)
    assert dash.js("document.getElementById('import-progress').value") == 100
    assert _text(dash, "#import-failed") == "1"
    rows = dash.js("[...document.querySelectorAll('#row-errors tbody tr')].map(r => r.innerText)")
    assert len(rows) == 1 and rows[0].startswith("2"), rows
    _check(dash, origin, shots, "import-done")
    # The contacts are there: search, open one, its tags and fields.
    _click(dash, "main a", "See your contacts")
    _wait_text(dash, "Contacts", "Contacts", "main h1")
    _type(dash, "#c-email", "ann@")
    _click(dash, "form.filters button[type=submit]")
    _wait_text(dash, "Ann in the list", "ann@example.com")
    _check(dash, origin, shots, "contacts")
    _click(dash, "main table a", "ann@example.com")
    contact = _wait_text(dash, "Ann's page", "imported")
    assert "plan" in contact and '"pro"' in contact, contact
    # Edit: a new tag and last name.
    _type(dash, "#e-last", "Able")
    _type(dash, "#e-tags", "imported, vip")
    _click(dash, "button[type=submit]", "Save")
    _wait_text(dash, "saved", "Ann Able")
    assert "vip" in _text(dash, "dl.facts")
    _check(dash, origin, shots, "contact")
    # Erase, after a confirmation step.
    _click(dash, "button", "Erase this contact")
    _click(dash, "button", "Erase ann@example.com permanently")
    _wait_text(dash, "back on Contacts", "Contacts", "main h1")


def test_an_automation_made_with_the_form_runs_on_its_event(dash, server, shots):
    origin, key = server
    _open(dash, origin, "/dashboard/automations", "Automations")
    _wait_text(dash, "the empty state", "No automations yet")
    _check(dash, origin, shots, "automations-empty")
    _click(dash, "a", "New automation")
    _wait_text(dash, "the form", "New automation", "main h1")
    _type(dash, "#a-name", "Tag buyers")
    _type(dash, "#a-event", "order.placed")
    _click(dash, "button", "Add a condition")
    _type(dash, "#c0-field", "value")
    _select(dash, "#c0-op", "GT")
    _type(dash, "#c0-value", "5")
    _select(dash, "#s0-kind", "addTag")
    _type(dash, "#s0-tag", "buyer")
    _click(dash, "button", "Add a step")
    _select(dash, "#s1-kind", "setCustomField")
    _type(dash, "#s1-name", "lastOrder")
    _type(dash, "#s1-value", '"{{event.properties.orderId}}"')
    _check(dash, origin, shots, "automation-form")
    _click(dash, "button[type=submit]", "Create automation")
    _wait_text(dash, "the automation's page", "Tag buyers", "main h1")
    assert "Add tag buyer" in _text(dash)
    secret = dash.js("document.getElementById('webhook-secret').innerText")
    _click(dash, "button", "Rotate")
    dash.wait_js("a new secret", f"document.getElementById('webhook-secret').innerText !== {json.dumps(secret)}")
    _click(dash, "button", "Disable")
    _wait_text(dash, "disabled", "disabled", "#automation-state")
    _click(dash, "button", "Enable")
    _wait_text(dash, "enabled", "enabled", "#automation-state")
    # Edit: the form opens filled in; a new name, the same trigger and steps.
    _click(dash, "a", "Edit")
    _wait_text(dash, "the edit form", "Edit Tag buyers", "main h1")
    assert dash.js("document.getElementById('s1-value').value") == '"{{event.properties.orderId}}"'
    assert dash.js("document.getElementById('c0-op').value") == "GT"
    _type(dash, "#a-name", "Tag big buyers")
    _click(dash, "button[type=submit]", "Save automation")
    _wait_text(dash, "the renamed automation", "Tag big buyers", "main h1")
    assert "value GT 5" in _text(dash, "dl.facts")
    _http(origin, key, "POST", "/api/v1/pipelines/events", {
        "email": "buyer@example.com", "eventType": "order.placed", "value": "42.50", "currency": "EUR",
        "properties": {"orderId": "A-1"},
    })
    _click(dash, "button", "Refresh")
    runs = _wait_text(dash, "the run, completed", "completed", "#runs", timeout=30)
    _wait_text(dash, "both steps logged", "setCustomField", "#runs", timeout=30)
    assert "addTag" in runs or "addTag" in _text(dash, "#runs")
    _check(dash, origin, shots, "automation")


def test_suppressions_add_and_remove(dash, server, shots):
    origin, _ = server
    _open(dash, origin, "/dashboard/suppressions", "Suppressions")
    _type(dash, "#s-add-email", "gone@example.com")
    _type(dash, "#s-add-detail", "asked by phone")
    _click(dash, "button[type=submit]", "Suppress")
    _wait_text(dash, "in the list", "gone@example.com", "#suppressions")
    _check(dash, origin, shots, "suppressions")
    _click(dash, "#suppressions button", "Remove")
    _wait_text(dash, "removed", "can be emailed again")


def test_analytics_draws_its_charts_in_the_browsers_time_zone(dash, server, shots):
    origin, _ = server
    zone = "America/New_York"
    dash.call("Emulation.setTimezoneOverride", timezoneId=zone)
    try:
        _open(dash, origin, "/dashboard/analytics", "Analytics")
        dash.wait_js("the deliveries chart", "!!document.querySelector('#chart-deliveries canvas')")
        dash.wait_js("the revenue chart", "!!document.querySelector('#chart-revenue canvas')")
        assert dash.js("Intl.DateTimeFormat().resolvedOptions().timeZone") == zone
        _analytics(dash, origin, shots, zone)
    finally:
        dash.call("Emulation.setTimezoneOverride", timezoneId="")


def _analytics(dash: Page, origin: str, shots: Path, zone: str) -> None:
    assert zone in _text(dash)
    assert dash.js("document.querySelector('#chart-deliveries canvas').width") > 300
    assert "sent" in dash.js("document.querySelector('#chart-deliveries table').innerText")
    assert "EUR" in dash.js("document.querySelector('#chart-revenue table').innerText")
    assert "buyer@example.com" in _text(dash)  # top contacts by revenue
    sent = [r for r in dash.requests if r["request"]["url"].endswith("/graphql") and "analytics" in r["request"].get("postData", "")]
    assert json.loads(sent[-1]["request"]["postData"])["variables"]["tz"] == zone
    _check(dash, origin, shots, "analytics")


def test_api_keys_until_the_fields_exist(dash, server, shots):
    origin, key = server
    fields = _http(origin, key, "POST", "/graphql", {"query": '{ __type(name: "Query") { fields { name } } }'})
    has_key_fields = "apiKeys" in [f["name"] for f in fields["data"]["__type"]["fields"]]
    _open(dash, origin, "/dashboard/settings/api-keys", "API keys")
    # Connected with an API key (not signed in as a person), the page says how keys are managed
    # instead of listing them: a key cannot list keys, whether or not the server has the fields.
    text = _wait_text(dash, "the placeholder", "viperatron keys create --org", "#keys-unavailable")
    assert "keys revoke" in text and not dash.js("!!document.querySelector('main .error:not(:empty)')")
    assert ("Owners and admins" in text) == has_key_fields
    assert key[:12] in _text(dash), "the key in use"
    _check(dash, origin, shots, "api-keys")
    # Keyboard: Tab from the top reaches the dashboard's navigation, focus is visible.
    dash.js("document.activeElement && document.activeElement.blur(), true")
    for _ in range(12):
        _press(dash, "Tab", 9)
        if dash.js("!!document.activeElement.closest('nav.side')"):
            break
    assert dash.js("!!document.activeElement.closest('nav.side')"), "Tab reaches the dashboard's navigation"
    assert dash.js("getComputedStyle(document.activeElement).outlineStyle") != "none", "focus is visible"
    # Forget the key: back to the key form.
    _click(dash, "button", "Forget key")
    _wait_text(dash, "the key form", "Connect the dashboard", "main h1")


# The GraphQL fields accounts and sessions will add, as this page expects them (a list of ApiKey,
# createApiKey/revokeApiKey taking an input and answering a payload), answered in the page by a
# stand-in for fetch: the page finds them by introspection and lists, creates and revokes.
FAKE_KEY_FIELDS = r"""
(() => {
  const real = window.fetch.bind(window);
  const T = (kind, name, ofType = null) => ({ kind, name, ofType });
  const NN = (t) => T("NON_NULL", null, t);
  const keys = [{ id: "key_first", prefix: "et_live_aaaa", name: "first", mode: "live" }];
  const types = {
    CreateApiKeyInput: { kind: "INPUT_OBJECT", fields: null, enumValues: null, inputFields: [
      { name: "name", type: NN(T("SCALAR", "String")) }, { name: "mode", type: T("ENUM", "ApiKeyMode") },
      { name: "idempotencyKey", type: T("SCALAR", "String") }] },
    RevokeApiKeyInput: { kind: "INPUT_OBJECT", fields: null, enumValues: null, inputFields: [{ name: "id", type: NN(T("SCALAR", "ID")) }] },
    ApiKeyMode: { kind: "ENUM", fields: null, inputFields: null, enumValues: [{ name: "live" }, { name: "test" }] },
    CreateApiKeyPayload: { kind: "OBJECT", inputFields: null, enumValues: null, fields: [
      { name: "apiKey", type: T("OBJECT", "ApiKey") }, { name: "secret", type: T("SCALAR", "String") },
      { name: "userErrors", type: NN(T("LIST", null, NN(T("OBJECT", "UserError")))) }] },
    RevokeApiKeyPayload: { kind: "OBJECT", inputFields: null, enumValues: null, fields: [
      { name: "apiKey", type: T("OBJECT", "ApiKey") }, { name: "userErrors", type: NN(T("LIST", null, NN(T("OBJECT", "UserError")))) }] },
  };
  const answer = (data) => new Response(JSON.stringify({ data }), { status: 200, headers: { "Content-Type": "application/json" } });
  window.__fakeKeys = keys;
  window.fetch = async (url, init) => {
    if (!String(url).endsWith("/graphql") || !init || !init.body) return real(url, init);
    const { query, variables } = JSON.parse(init.body);
    if (query.startsWith("query Detect")) {
      const body = await (await real(url, init)).json();
      const without = (fields, names) => fields.filter((f) => !names.includes(f.name));
      body.data.query.fields = without(body.data.query.fields, ["apiKeys"]);
      body.data.mutation.fields = without(body.data.mutation.fields, ["createApiKey", "revokeApiKey"]);
      body.data.query.fields.push({ name: "apiKeys", type: NN(T("LIST", null, NN(T("OBJECT", "ApiKey")))) });
      body.data.mutation.fields.push(
        { name: "createApiKey", args: [{ name: "input", type: NN(T("INPUT_OBJECT", "CreateApiKeyInput")) }], type: NN(T("OBJECT", "CreateApiKeyPayload")) },
        { name: "revokeApiKey", args: [{ name: "input", type: NN(T("INPUT_OBJECT", "RevokeApiKeyInput")) }], type: NN(T("OBJECT", "RevokeApiKeyPayload")) });
      return answer(body.data);
    }
    if (query.startsWith("query Me")) {  // as a signed-in person sees it: no key in use
      const body = await (await real(url, init)).json();
      if (body.data && body.data.viewer) body.data.viewer.apiKey = null;
      return answer(body.data);
    }
    if (query.startsWith("query Describe") && types[variables.name]) return answer({ __type: { name: variables.name, ...types[variables.name] } });
    if (query.startsWith("query ApiKeys")) return answer({ apiKeys: keys });
    if (query.startsWith("mutation CreateApiKey")) {
      const key = { id: "key_new", prefix: "et_test_bbbb", name: variables.input.name, mode: variables.input.mode };
      keys.push(key);
      return answer({ createApiKey: { secret: "et_test_" + "b".repeat(32), apiKey: key, userErrors: [] } });
    }
    if (query.startsWith("mutation RevokeApiKey")) {
      const gone = keys.splice(keys.findIndex((k) => k.id === variables.input.id), 1)[0];
      return answer({ revokeApiKey: { apiKey: gone, userErrors: [] } });
    }
    return real(url, init);
  };
})();
"""


def test_api_keys_once_the_graphql_fields_exist(browser, server, shots):
    origin, key = server
    browser.goto(f"{origin}/dashboard")
    browser.js(f"localStorage.setItem('viperatron:apiKey', {json.dumps(key)}), true")
    script = browser.call("Page.addScriptToEvaluateOnNewDocument", source=FAKE_KEY_FIELDS)["identifier"]
    try:
        _open(browser, origin, "/dashboard/settings/api-keys", "API keys")
        browser.wait_js("the key list", "!!document.getElementById('api-keys')")
        assert "et_live_aaaa" in _text(browser, "#api-keys")
        assert browser.js("[...document.querySelectorAll('#new-key-mode option')].map(o => o.value)") == ["live", "test"]
        _type(browser, "#new-key-name", "ci")
        _select(browser, "#new-key-mode", "test")
        _click(browser, "button[type=submit]", "Create key")
        _wait_text(browser, "the new key, shown once", "et_test_" + "b" * 32)
        _wait_text(browser, "the new key in the list", "et_test_bbbb", "#api-keys")
        _check(browser, origin, shots, "api-keys-list")
        _click(browser, "#api-keys button[aria-label='Revoke et_live_aaaa']")
        browser.wait_js("the revoked key gone", "!document.getElementById('api-keys').innerText.includes('et_live_aaaa')")
        assert browser.js("window.__fakeKeys.map(k => k.id)") == ["key_new"]
    finally:
        browser.call("Page.removeScriptToEvaluateOnNewDocument", identifier=script)
