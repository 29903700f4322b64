"""The dashboard's Settings → Sending domains, Webhooks and Tracking pages, and a message's
engagement, in headless Chromium against the real `viperatron serve` (its in-process worker
delivers webhooks): a domain added shows its DNS records, pending, then verified once its DKIM
record is in the test's DNS server (dnslib on 127.0.0.1); a webhook endpoint pointing at a local
receiver gets a test event, seen delivered in the log; tracking toggled, a tracked message's open
on its page; a test key reads all of it and is refused changes, and the page says so. Every page:
a screenshot, axe-core, no request to another origin, no uncaught error. SQLite half only."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import subprocess
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.helpers import ROOT, eventually_sync, free_port
from tests.support.browser import (  # noqa: F401  (pytestmark)
    check_page,
    click,
    http_json,
    open_page,
    pytestmark,
    require_axe,
    text_of,
    type_text,
    wait_text,
)
from tests.support.dns_server import dns_server  # noqa: F401  (fixture)

DOMAIN = "acme-walk.com"



class Receiver:
    """An HTTP server on 127.0.0.1 that answers 200 and keeps what it was sent."""

    def __init__(self) -> None:
        self.calls: list[tuple[dict, bytes]] = []
        calls = self.calls

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                calls.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args) -> None:
                pass

        self.port = free_port()
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"


@pytest.fixture(scope="module")
def receiver():
    r = Receiver()
    r._thread.start()
    yield r
    r._server.shutdown()
    r._server.server_close()


@pytest.fixture(scope="module")
def server_env(server_env, dns_server):
    """This directory's environment, plus: private webhook URLs allowed (the receiver is on
    127.0.0.1) and domain checks asking the test's DNS server."""
    return {**server_env, "VIPERATRON_WEBHOOK_ALLOW_PRIVATE": "true", "VIPERATRON_DNS_SERVER": dns_server.address}


@pytest.fixture(scope="module")
def dash(browser, server):
    origin, key = server
    require_axe()
    browser.goto(f"{origin}/dashboard")
    browser.js(f"localStorage.setItem('viperatron:apiKey', {json.dumps(key)}), true")
    return browser


def _use_key(page, origin: str, key: str) -> None:
    page.goto(f"{origin}/dashboard")
    page.js(f"localStorage.setItem('viperatron:apiKey', {json.dumps(key)}), true")


# --- Sending domains ------------------------------------------------------------------------------


def test_a_domain_added_shows_its_records_pending_then_verified(dash, server, shots, dns_server):
    origin, _ = server
    open_page(dash, origin, "/dashboard/settings/domains", "Sending domains")
    empty = wait_text(dash, "the empty state", "No sending domains yet")
    assert "DKIM" in empty and "Check DNS now" in empty, empty
    check_page(dash, origin, shots, "domains-empty")
    # Bad input: the server's message next to the field.
    type_text(dash, "#domain-name", "not a domain")
    click(dash, "button[type=submit]", "Add domain")
    dash.wait_js("the field's error", "document.getElementById('domain-name').getAttribute('aria-invalid') === 'true'")
    assert text_of(dash, "#domain-name-error")
    type_text(dash, "#domain-name", DOMAIN)
    click(dash, "button[type=submit]", "Add domain")
    wait_text(dash, "added", f"{DOMAIN} added", "#domains-status")
    wait_text(dash, "in the list, pending", "pending", "#domains")
    records = dash.js("[...document.querySelectorAll('#dns-records tbody tr')].map(r => [...r.cells].map(c => c.innerText.trim()))")
    assert [r[0] for r in records] == ["TXT", "TXT", "MX", "TXT"], records
    assert all(r[4] == "pending" for r in records), records
    dkim = next(r for r in records if r[3].startswith("DKIM"))
    assert dkim[1].endswith(f"._domainkey.{DOMAIN}") and dkim[2].startswith("v=DKIM1;"), dkim
    # The long DKIM value wraps inside its cell instead of widening the page.
    assert dash.js("document.documentElement.scrollWidth <= window.innerWidth"), "the page does not scroll sideways"
    assert dash.js("document.querySelectorAll('#dns-records button.copy').length") == 4
    check_page(dash, origin, shots, "domain-records")
    # Nothing published yet: checked, still pending.
    click(dash, "button", "Check DNS now")
    wait_text(dash, "checked", f"0 of 4 records found; {DOMAIN} is pending", "#dns-check-status")
    assert "—" not in text_of(dash, "#domains tbody tr td:nth-child(4)"), "the check's time is shown"
    # The DKIM record published: verified.
    value = dash.js("document.querySelector('#dns-records tr.record-dkim code[id]').innerText")
    dns_server.txt(dkim[1], value)
    click(dash, "button", "Check DNS now")
    wait_text(dash, "verified", f"{DOMAIN} is verified", "#dns-check-status")
    wait_text(dash, "verified in the list", "verified", "#domains")
    assert dash.js("document.querySelector('#dns-records tr.record-dkim .badge').innerText") == "verified"
    check_page(dash, origin, shots, "domain-verified")


def test_a_domain_is_deleted_after_confirming(dash, server, shots):
    origin, _ = server
    open_page(dash, origin, "/dashboard/settings/domains", "Sending domains")
    type_text(dash, "#domain-name", "old-walk.com")
    click(dash, "button[type=submit]", "Add domain")
    wait_text(dash, "its records", "DNS records of old-walk.com", "main")
    click(dash, "button", "Delete old-walk.com")
    wait_text(dash, "the confirmation", "and its DKIM key?")
    dash.wait_js("focus in the confirmation", "document.activeElement.innerText.startsWith('Delete old-walk.com for good')")
    check_page(dash, origin, shots, "domain-delete")
    click(dash, ".confirm button", "Delete old-walk.com for good")
    wait_text(dash, "deleted", "old-walk.com was removed", "#domains-status")
    dash.wait_js("gone from the list", "!document.getElementById('domains').innerText.includes('old-walk.com')")
    assert DOMAIN in text_of(dash, "#domains")


# --- Webhooks ------------------------------------------------------------------------------------


def test_a_webhook_endpoint_gets_a_test_event_seen_delivered_in_its_log(dash, server, shots, receiver):
    origin, _ = server
    open_page(dash, origin, "/dashboard/settings/webhooks", "Webhooks")
    wait_text(dash, "the empty state", "No webhook endpoints yet")
    check_page(dash, origin, shots, "webhooks-empty")
    type_text(dash, "#we-url", receiver.url)
    click(dash, "#we-MESSAGE_OPENED")
    click(dash, "#we-CONTACT_CREATED")
    type_text(dash, "#we-description", "the walk's receiver")
    click(dash, "button[type=submit]", "Add endpoint")
    secret = dash.wait_js("the secret, shown", "(document.getElementById('new-endpoint-secret') || {}).innerText")
    assert secret.startswith("whsec_"), secret
    assert dash.js("document.getElementById('we-CONTACT_CREATED').checked") is False, "the form starts over"
    listed = wait_text(dash, "in the list", receiver.url, "#endpoints")
    for event in ("message.sent", "message.bounced", "message.opened", "contact.created"):
        assert event in listed, listed
    assert "enabled" in listed
    wait_text(dash, "the empty log", "Nothing sent yet", "#endpoint-detail")
    check_page(dash, origin, shots, "webhook-created")
    # A test event: queued, then delivered by the worker (the log is polled).
    click(dash, "#endpoint-detail button", "Send test event")
    wait_text(dash, "sent", "webhook.test event is on its way", "#endpoint-status")
    wait_text(dash, "delivered", "delivered", "#deliveries", timeout=30)
    row = text_of(dash, "#deliveries tbody tr")
    assert "webhook.test" in row and "200" in row, row
    click(dash, "#deliveries details summary")
    payload = json.loads(dash.js("document.querySelector('#deliveries details pre').innerText"))
    assert payload["type"] == "webhook.test", payload
    # The receiver got it, signed with the secret shown.
    headers, body = eventually_sync(lambda: receiver.calls and receiver.calls[-1], timeout=10, what="the call")
    t, v1 = re.fullmatch(r"t=(\d+),v1=([0-9a-f]+)", headers["viperatron-signature"]).groups()
    assert hmac.compare_digest(v1, hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest())
    check_page(dash, origin, shots, "webhook-deliveries")


def test_a_webhook_endpoint_is_edited_rotated_and_deleted(dash, server, shots, receiver):
    origin, _ = server
    open_page(dash, origin, "/dashboard/settings/webhooks", "Webhooks")
    wait_text(dash, "the endpoint listed", receiver.url, "#endpoints")
    click(dash, "#endpoints button", "Open")
    wait_text(dash, "the endpoint", "Delivery log", "#endpoint-detail")
    click(dash, "#endpoint-detail button", "Show secret")
    old = dash.wait_js("the secret", "(document.getElementById('endpoint-secret') || {}).innerText")
    # Edit: fewer events, disabled.
    click(dash, "#endpoint-detail button", "Edit")
    dash.wait_js("the edit form", "!!document.getElementById('edit-endpoint')")
    assert dash.js("document.getElementById('ee-url').value") == receiver.url
    click(dash, "#ee-enabled")
    click(dash, "#ee-CONTACT_CREATED")  # re-renders the form after the checkbox changed: it must stay off
    check_page(dash, origin, shots, "webhook-edit")
    click(dash, "#edit-endpoint button[type=submit]", "Save endpoint")
    wait_text(dash, "saved", "Saved.", "#endpoint-status")
    wait_text(dash, "disabled", "disabled", "#endpoints")
    assert "contact.created" not in text_of(dash, "#endpoints")
    # Rotate, after confirming.
    click(dash, "#endpoint-detail button", "Rotate secret")
    wait_text(dash, "the confirmation", "The old one stops working at once")
    click(dash, ".confirm button", "Rotate the secret")
    wait_text(dash, "rotated", "A new secret", "#endpoint-status")
    dash.wait_js("a new secret", f"(document.getElementById('endpoint-secret') || {{}}).innerText.startsWith('whsec_')"
                                 f" && document.getElementById('endpoint-secret').innerText !== {json.dumps(old)}")
    # Delete, after confirming.
    click(dash, "#endpoint-detail button", "Delete endpoint")
    wait_text(dash, "the confirmation", "Delete this endpoint and its delivery log?")
    click(dash, ".confirm button", "Delete for good")
    wait_text(dash, "deleted", "was deleted", "#webhooks-status")
    wait_text(dash, "the empty state again", "No webhook endpoints yet")


# --- Tracking and engagement ------------------------------------------------------------------------


def test_tracking_toggled_and_a_tracked_messages_open_on_its_page(dash, server, shots, tmp_dir):
    origin, key = server
    open_page(dash, origin, "/dashboard/settings/tracking", "Tracking")
    dash.wait_js("the toggles", "!!document.getElementById('track-opens')")
    assert dash.js("document.getElementById('track-opens').checked") is False
    assert "Apple Mail Privacy Protection" in text_of(dash, "#mpp-note")
    check_page(dash, origin, shots, "tracking")
    click(dash, "#track-opens")
    wait_text(dash, "on", "Open tracking is on", "#tracking-status")
    click(dash, "#track-clicks")
    wait_text(dash, "on", "Click tracking is on", "#tracking-status")
    assert http_json(origin, key, "GET", "/api/v1/tracking") == {"opens": True, "clicks": True}
    open_page(dash, origin, "/dashboard/settings/tracking", "Tracking")
    dash.wait_js("kept", "(document.getElementById('track-opens') || {}).checked === true")
    click(dash, "#track-clicks")
    wait_text(dash, "off", "Click tracking is off", "#tracking-status")
    assert http_json(origin, key, "GET", "/api/v1/tracking")["clicks"] is False

    # A message tracked in its send: its pixel fetched, its page shows the open.
    sent = http_json(origin, key, "POST", "/api/v1/delivery/send", {
        "from": "hello@acme.com", "to": ["watcher@example.com"], "subject": "Tracked hello",
        "html": "<p>Hi</p>", "tracking": {"opens": True},
    })
    pixel = eventually_sync(lambda: _pixel(tmp_dir, "Tracked hello"), timeout=30, what="the delivered message's pixel")
    with urllib.request.urlopen(urllib.request.Request(pixel, headers={"User-Agent": "Mozilla/5.0 Thunderbird/115.0"}),
                                timeout=10) as response:
        assert response.status == 200
    open_page(dash, origin, f"/dashboard/messages/{sent['messageId']}", "Tracked hello")
    wait_text(dash, "the engagement", "Opens", "#engagement", timeout=30)
    assert text_of(dash, "#engagement-opens") == "1" and text_of(dash, "#engagement-clicks") == "0"
    check_page(dash, origin, shots, "message-engagement")


def _pixel(tmp_dir, subject: str) -> str | None:
    for path in (tmp_dir / "outbox").glob("*.eml"):
        raw = path.read_bytes().decode(errors="replace")
        if subject in raw:
            flat = re.sub(r"=\r?\n", "", raw).replace("=3D", "=")
            found = re.search(r"(http://127\.0\.0\.1:\d+/t/o/[A-Za-z0-9_\-\.]+)", flat)
            return found and found.group(1)
    return None


# --- a test key: reads, refused changes ------------------------------------------------------------


def test_a_test_key_reads_the_settings_and_is_told_it_cannot_change_them(dash, server, shots, tmp_dir, receiver):
    origin, key = server
    http_json(origin, key, "POST", "/api/v1/webhooks", {"url": receiver.url, "events": ["message.sent"]})
    test_key = _test_key(tmp_dir)
    _use_key(dash, origin, test_key)
    try:
        open_page(dash, origin, "/dashboard/settings/domains", "Sending domains")
        wait_text(dash, "the note", "test key", "#test-key-note")
        wait_text(dash, "the domain, readable", DOMAIN, "#domains")
        type_text(dash, "#domain-name", "refused-walk.com")
        click(dash, "button[type=submit]", "Add domain")
        error = wait_text(dash, "refused", "est key", "main [role=alert]")
        assert "refused-walk.com" not in text_of(dash, "#domains"), error
        check_page(dash, origin, shots, "domains-test-key")

        open_page(dash, origin, "/dashboard/settings/webhooks", "Webhooks")
        wait_text(dash, "the endpoint, readable", receiver.url, "#endpoints")
        click(dash, "#endpoints button", "Open")
        wait_text(dash, "no secret for a test key", "not shown to test keys", "#endpoint-detail")
        click(dash, "#endpoint-detail button", "Send test event")
        wait_text(dash, "refused", "est key", "#endpoint-detail [role=alert]")

        open_page(dash, origin, "/dashboard/settings/tracking", "Tracking")
        dash.wait_js("the toggles", "!!document.getElementById('track-clicks')")
        click(dash, "#track-clicks")
        wait_text(dash, "refused", "est key", "#tracking-error")
        dash.wait_js("unchanged", "document.getElementById('track-clicks').checked === false")
        check_page(dash, origin, shots, "tracking-test-key")
    finally:
        _use_key(dash, origin, key)


def _test_key(tmp_dir) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "SMTP_URL")}
    env.update(DATABASE_URL=f"sqlite://{tmp_dir / 'b.db'}", PYTHONPATH=str(ROOT), VIPERATRON_SECRET_KEY="browser-test-secret-key")
    out = subprocess.run([str(ROOT / ".venv" / "bin" / "viperatron"), "keys", "create", "--org", "default", "--test"],
                         env=env, cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    key = out.stdout.strip().splitlines()[-1]
    assert key.startswith("et_test_"), out
    return key
