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
from pathlib import Path

import pytest

from tests.helpers import eventually_sync
from tests.support.browser import (  # noqa: F401  (pytestmark)
    Page,
    check_page,
    choose,
    click,
    http_json,
    open_page,
    press,
    pytestmark,
    require_axe,
    tab_into,
    text_of,
    type_text,
    wait_text,
)

CSV = "email,first_name,plan\nann@example.com,Ann,pro\nnot-an-email,Bob,free\ncid@example.com,Cid,pro\n"


@pytest.fixture(scope="module")
def dash(browser, server):
    """The browser on /dashboard with the key pasted in (the first test pastes it)."""
    return browser


# --- the walk -------------------------------------------------------------------------------


def test_a_key_then_the_empty_state_with_the_curl_to_send(dash, server, shots):
    origin, key = server
    require_axe()
    dash.goto(f"{origin}/dashboard")
    dash.js("localStorage.clear(), true")
    dash.goto(f"{origin}/dashboard")
    # A visitor sees the sign-in form; an API key is the secondary way in.
    wait_text(dash, "the sign-in form", "Sign in", "main h1")
    assert dash.js("location.pathname") == "/dashboard/messages"
    click(dash, "#to-key")
    wait_text(dash, "the key form", "Connect with an API key", "main h1")
    check_page(dash, origin, shots, "key")
    # Not a key: said so, nothing kept.
    type_text(dash, "#key", "hello")
    click(dash, "button", "Use key")
    wait_text(dash, "the key's problem", "That is not an API key", "#key-problem")
    # The key: kept, and every GraphQL call carries it.
    start = len(dash.requests)
    type_text(dash, "#key", key)
    press(dash, "Enter", 13, "\r")
    wait_text(dash, "the Messages page", "Messages", "main h1")
    assert dash.js("localStorage.getItem('viperatron:apiKey')") == key
    empty = wait_text(dash, "the empty state", "No messages yet")
    assert f"Authorization: Bearer {key}" in empty and f"{origin}/api/v1/delivery/send" in empty, empty
    calls = [r["request"] for r in dash.requests[start:] if r["request"]["method"] == "POST"]
    assert calls and all(r["url"] == f"{origin}/graphql" for r in calls), [r["url"] for r in calls]
    assert all({k.lower(): v for k, v in r["headers"].items()}["authorization"] == f"Bearer {key}" for r in calls)
    assert dash.js("document.activeElement.tagName") == "H1", "focus moves to the new page's heading"
    check_page(dash, origin, shots, "messages-empty")


def test_a_message_sent_over_http_reaches_sent_with_its_timeline(dash, server, shots):
    origin, key = server
    sent = http_json(origin, key, "POST", "/api/v1/delivery/send", {
        "from": "hello@acme.com", "to": ["reader@example.com"], "subject": "Dashboard hello",
        "html": "<h1>Hi there</h1><p>From the walk.</p>", "tags": ["walk"],
    })
    message_id = sent["messageId"]
    open_page(dash, origin, "/dashboard/messages", "Messages")
    wait_text(dash, "the message in the list", "Dashboard hello")
    # Filters: by recipient and tag (the messages query's filter).
    type_text(dash, "#m-to", "nobody@example.com")
    click(dash, "form.filters button[type=submit]")
    wait_text(dash, "the filtered list", "No message matches")
    type_text(dash, "#m-to", "reader@example.com")
    type_text(dash, "#m-tag", "walk")
    click(dash, "form.filters button[type=submit]")
    wait_text(dash, "the filtered list", "Dashboard hello")
    check_page(dash, origin, shots, "messages")
    click(dash, "main table a", "Dashboard hello")
    wait_text(dash, "the message page", "Dashboard hello", "main h1")
    assert dash.js("location.pathname") == f"/dashboard/messages/{message_id}"
    wait_text(dash, "status sent (polled)", "sent", "#message-status", timeout=30)
    timeline = wait_text(dash, "the timeline to end with sent", "sent", "#timeline")
    assert dash.js("[...document.querySelectorAll('#timeline li .badge')].map(b => b.innerText)")[0] == "queued", timeline
    assert "none yet" not in text_of(dash, "#last-reply")
    frame = dash.js("(() => { const f = document.querySelector('iframe.preview');"
                    " return f && {sandbox: f.getAttribute('sandbox'), html: f.srcdoc}; })()")
    assert frame["sandbox"] == "" and "<h1>Hi there</h1>" in frame["html"], frame
    check_page(dash, origin, shots, "message")


def test_a_scheduled_message_can_be_canceled(dash, server, shots):
    origin, key = server
    sent = http_json(origin, key, "POST", "/api/v1/delivery/send", {
        "from": "hello@acme.com", "to": ["later@example.com"], "subject": "For tomorrow", "text": "Later.",
        "sendAt": _tomorrow(),
    })
    open_page(dash, origin, f"/dashboard/messages/{sent['messageId']}", "For tomorrow")
    click(dash, "button", "Cancel this scheduled message")
    wait_text(dash, "canceled", "canceled", "#message-status")


def _tomorrow() -> str:
    from datetime import datetime, timedelta, timezone

    return (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()


def test_a_csv_upload_shows_progress_to_completed_with_one_row_error(dash, server, shots, tmp_path):
    origin, _ = server
    open_page(dash, origin, "/dashboard/import", "Import contacts")
    check_page(dash, origin, shots, "import")
    path = tmp_path / "contacts.csv"
    path.write_text(CSV)
    node = dash.call("Runtime.evaluate", expression="document.getElementById('i-file')")["result"]["objectId"]
    dash.call("DOM.enable")
    dash.call("DOM.setFileInputFiles", files=[str(path)], objectId=node)
    type_text(dash, "#i-tags", "imported")
    click(dash, "button[type=submit]", "Import")
    wait_text(dash, "the job", "Import of contacts.csv")
    assert dash.js("location.pathname").startswith("/dashboard/import/imp_")
    wait_text(dash, "completed", "completed", "#import-status", timeout=30)
    assert dash.js("document.getElementById('import-progress').value") == 100
    assert text_of(dash, "#import-failed") == "1"
    rows = dash.js("[...document.querySelectorAll('#row-errors tbody tr')].map(r => r.innerText)")
    assert len(rows) == 1 and rows[0].startswith("2"), rows
    check_page(dash, origin, shots, "import-done")
    # The contacts are there: search, open one, its tags and fields.
    click(dash, "main a", "See your contacts")
    wait_text(dash, "Contacts", "Contacts", "main h1")
    type_text(dash, "#c-email", "ann@")
    click(dash, "form.filters button[type=submit]")
    wait_text(dash, "Ann in the list", "ann@example.com")
    check_page(dash, origin, shots, "contacts")
    click(dash, "main table a", "ann@example.com")
    contact = wait_text(dash, "Ann's page", "imported")
    assert "plan" in contact and '"pro"' in contact, contact
    # A refused save keeps what was typed (the form re-renders to show the error).
    type_text(dash, "#e-last", "Able")
    fields = dash.js("document.getElementById('e-fields').value")
    type_text(dash, "#e-fields", "not json")
    click(dash, "button[type=submit]", "Save")
    wait_text(dash, "the refusal", "Custom fields must be a JSON object")
    assert dash.js("document.getElementById('e-last').value") == "Able"
    type_text(dash, "#e-fields", fields)
    # Edit: a new tag and last name.
    type_text(dash, "#e-tags", "imported, vip")
    click(dash, "button[type=submit]", "Save")
    wait_text(dash, "saved", "Ann Able")
    assert "vip" in text_of(dash, "dl.facts")
    check_page(dash, origin, shots, "contact")
    # Erase, after a confirmation step.
    click(dash, "button", "Erase this contact")
    click(dash, "button", "Erase ann@example.com permanently")
    wait_text(dash, "back on Contacts", "Contacts", "main h1")


def test_an_automation_made_with_the_form_runs_on_its_event(dash, server, shots):
    origin, key = server
    open_page(dash, origin, "/dashboard/automations", "Automations")
    wait_text(dash, "the empty state", "No automations yet")
    check_page(dash, origin, shots, "automations-empty")
    click(dash, "a", "New automation")
    wait_text(dash, "the form", "New automation", "main h1")
    type_text(dash, "#a-name", "Tag buyers")
    type_text(dash, "#a-event", "order.placed")
    click(dash, "button", "Add a condition")
    type_text(dash, "#c0-field", "value")
    choose(dash, "#c0-op", "GT")
    type_text(dash, "#c0-value", "5")
    choose(dash, "#s0-kind", "addTag")
    type_text(dash, "#s0-tag", "buyer")
    click(dash, "button", "Add a step")
    choose(dash, "#s1-kind", "setCustomField")
    type_text(dash, "#s1-name", "lastOrder")
    type_text(dash, "#s1-value", '"{{event.properties.orderId}}"')
    check_page(dash, origin, shots, "automation-form")
    click(dash, "button[type=submit]", "Create automation")
    wait_text(dash, "the automation's page", "Tag buyers", "main h1")
    assert "Add tag buyer" in text_of(dash)
    secret = dash.js("document.getElementById('webhook-secret').innerText")
    click(dash, "button", "Rotate")
    dash.wait_js("a new secret", f"document.getElementById('webhook-secret').innerText !== {json.dumps(secret)}")
    click(dash, "button", "Disable")
    wait_text(dash, "disabled", "disabled", "#automation-state")
    click(dash, "button", "Enable")
    wait_text(dash, "enabled", "enabled", "#automation-state")
    # Edit: the form opens filled in; a new name, the same trigger and steps.
    click(dash, "a", "Edit")
    wait_text(dash, "the edit form", "Edit Tag buyers", "main h1")
    assert dash.js("document.getElementById('s1-value').value") == '"{{event.properties.orderId}}"'
    assert dash.js("document.getElementById('c0-op').value") == "GT"
    type_text(dash, "#a-name", "Tag big buyers")
    click(dash, "button[type=submit]", "Save automation")
    wait_text(dash, "the renamed automation", "Tag big buyers", "main h1")
    assert "value GT 5" in text_of(dash, "dl.facts")
    http_json(origin, key, "POST", "/api/v1/pipelines/events", {
        "email": "buyer@example.com", "eventType": "order.placed", "value": "42.50", "currency": "EUR",
        "properties": {"orderId": "A-1"},
    })
    click(dash, "button", "Refresh")
    runs = wait_text(dash, "the run, completed", "completed", "#runs", timeout=30)
    wait_text(dash, "both steps logged", "setCustomField", "#runs", timeout=30)
    assert "addTag" in runs or "addTag" in text_of(dash, "#runs")
    check_page(dash, origin, shots, "automation")


def test_suppressions_add_and_remove(dash, server, shots):
    origin, _ = server
    open_page(dash, origin, "/dashboard/suppressions", "Suppressions")
    type_text(dash, "#s-add-email", "gone@example.com")
    type_text(dash, "#s-add-detail", "asked by phone")
    click(dash, "button[type=submit]", "Suppress")
    wait_text(dash, "in the list", "gone@example.com", "#suppressions")
    check_page(dash, origin, shots, "suppressions")
    click(dash, "#suppressions button", "Remove")
    wait_text(dash, "removed", "can be emailed again")


def test_analytics_draws_its_charts_in_the_browsers_time_zone(dash, server, shots):
    origin, _ = server
    zone = "America/New_York"
    dash.call("Emulation.setTimezoneOverride", timezoneId=zone)
    try:
        open_page(dash, origin, "/dashboard/analytics", "Analytics")
        dash.wait_js("the deliveries chart", "!!document.querySelector('#chart-deliveries canvas')")
        dash.wait_js("the revenue chart", "!!document.querySelector('#chart-revenue canvas')")
        assert dash.js("Intl.DateTimeFormat().resolvedOptions().timeZone") == zone
        _analytics(dash, origin, shots, zone)
    finally:
        dash.call("Emulation.setTimezoneOverride", timezoneId="")


def _analytics(dash: Page, origin: str, shots: Path, zone: str) -> None:
    assert zone in text_of(dash)
    assert dash.js("document.querySelector('#chart-deliveries canvas').width") > 300
    assert "sent" in dash.js("document.querySelector('#chart-deliveries table').innerText")
    assert "EUR" in dash.js("document.querySelector('#chart-revenue table').innerText")
    assert "buyer@example.com" in text_of(dash)  # top contacts by revenue
    sent = [r for r in dash.requests if r["request"]["url"].endswith("/graphql") and "analytics" in r["request"].get("postData", "")]
    assert json.loads(sent[-1]["request"]["postData"])["variables"]["tz"] == zone
    check_page(dash, origin, shots, "analytics")


def test_api_keys_and_team_with_an_api_key(dash, server, shots):
    origin, key = server
    open_page(dash, origin, "/dashboard/settings/api-keys", "API keys")
    # Connected with an API key (not signed in as a person), the page says how keys are managed
    # instead of listing them: a key cannot list keys.
    text = wait_text(dash, "the placeholder", "viperatron keys create --org", "#keys-unavailable")
    assert "keys revoke" in text and not dash.js("!!document.querySelector('main .error:not(:empty)')")
    assert "Owners and admins" in text
    assert key[:12] in text_of(dash), "the key in use"
    assert not dash.js("!!document.getElementById('api-keys')")
    check_page(dash, origin, shots, "api-keys")
    click(dash, "nav.side a", "Team")
    wait_text(dash, "the team placeholder", "sign in as an owner or admin", "#team-unavailable")
    # Keyboard: Tab from the top reaches the dashboard's navigation, focus is visible. The page
    # first moves focus to its heading (at the next animation frame): wait for that, then start
    # from the top of the document (a focused body), or the walk would start wherever that
    # frame happened to land.
    eventually_sync(lambda: dash.js("document.activeElement === document.querySelector('main h1')"), timeout=10,
                    what="the new page's heading to take focus")
    dash.js("document.body.tabIndex = -1, document.body.focus(), document.body.removeAttribute('tabindex'), true")
    assert tab_into(dash, "nav.side"), "Tab reaches the dashboard's navigation"
    assert dash.js("getComputedStyle(document.activeElement).outlineStyle") != "none", "focus is visible"
    # Forget the key: back to the sign-in form.
    click(dash, "button", "Forget key")
    wait_text(dash, "the sign-in form", "Sign in", "main h1")
    assert dash.js("localStorage.getItem('viperatron:apiKey')") is None
