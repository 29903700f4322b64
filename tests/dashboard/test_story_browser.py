"""The whole story in one browser, as a person with an account: sign up on a fresh server (the
first account owns organization `default`), confirm the address through the mailed link, create
a live API key and copy it, send an email with it over HTTP and watch it reach `sent`, import a
CSV, run an automation on an event, see the revenue chart, invite a member; then, signed out,
the member joins through the invitation link and cannot see keys, and resets their password
through the mailed link. Every page: a screenshot (screenshots/dashboard-story-*.png), axe-core
(no serious or critical violation), no request to another origin, no uncaught error. The
server delivers into its file outbox, where the mailed links are read. SQLite half only.
"""

from __future__ import annotations

import json

import pytest

from tests.support.browser import (  # noqa: F401  (pytestmark)
    Page,
    check_page,
    choose,
    click,
    http_json,
    mailed_link,
    pytestmark,
    require_axe,
    text_of,
    type_text,
    wait_text,
)

OWNER = "owner@example.com"
MEMBER = "member@example.com"
PASSWORD = "correct horse battery"
CSV = "email,first_name,plan\nann@example.com,Ann,pro\nnot-an-email,Bob,free\ncid@example.com,Cid,pro\n"


def _check(page: Page, origin: str, shots, name: str) -> None:
    check_page(page, origin, shots, f"story-{name}")


def _nav(page: Page, label: str, heading: str) -> None:
    """Follow the dashboard's navigation (a client-side route)."""
    click(page, "nav.side a", label)
    wait_text(page, f"the {heading!r} page", heading, "main h1")


def _visit(page: Page, url: str, heading: str) -> None:
    page.goto(url)
    wait_text(page, f"the {heading!r} page", heading, "main h1")


def _graphql(page: Page, query: str) -> dict:
    """A GraphQL call from the page, with its cookies (as the dashboard makes them)."""
    return page.js(f"fetch('/graphql', {{method: 'POST', credentials: 'same-origin', headers: {{'Content-Type':"
                   f" 'application/json'}}, body: JSON.stringify({{query: {json.dumps(query)}}})}}).then(r => r.json())")


@pytest.fixture(scope="module")
def outbox(tmp_dir):
    return tmp_dir / "outbox"


def test_the_whole_story(browser, server, shots, outbox, tmp_path):
    require_axe()
    origin, _bootstrap_key = server
    page = browser
    page.goto(f"{origin}/dashboard")
    page.js("localStorage.clear(), sessionStorage.clear(), true")

    # --- a visitor: the sign-in form first, the other ways in as links -------------------------
    _visit(page, f"{origin}/dashboard", "Sign in")
    assert page.js("!document.querySelector('nav.side')"), "no navigation before signing in"
    _check(page, origin, shots, "sign-in")
    type_text(page, "#signin-email", OWNER)
    type_text(page, "#signin-password", PASSWORD)
    click(page, "button[type=submit]", "Sign in")
    wait_text(page, "a wrong password refused", "Wrong email address or password", "#signin-problem")
    click(page, "#to-forgot")
    wait_text(page, "the reset request form", "Reset your password", "main h1")
    _check(page, origin, shots, "forgot")
    click(page, "#to-key")
    wait_text(page, "the key form", "Connect with an API key", "main h1")
    # A setup link that is not (any more) valid says so.
    _visit(page, f"{origin}/dashboard/setup?token=not-a-token", "Create the owner account")
    type_text(page, "#setup-email", OWNER)
    type_text(page, "#setup-password", PASSWORD)
    click(page, "button[type=submit]", "Create account")
    wait_text(page, "the refused link", "unknown, used or expired")
    _check(page, origin, shots, "setup")

    # --- sign up: the first account owns `default`, signed in at once -------------------------
    _visit(page, f"{origin}/dashboard", "Sign in")
    click(page, "#to-signup")
    wait_text(page, "the sign-up form", "Create an account", "main h1")
    type_text(page, "#signup-email", OWNER)
    type_text(page, "#signup-password", PASSWORD)
    _check(page, origin, shots, "sign-up")
    click(page, "button[type=submit]", "Create account")
    wait_text(page, "signed in on Messages", "Messages", "main h1")
    assert text_of(page, "#who-email") == OWNER and text_of(page, "#who-role") == "owner"
    wait_text(page, "the confirm-your-email banner", OWNER, "#verify-banner")
    click(page, "#verify-banner button", "Send the link again")
    wait_text(page, "the resend", "Sent.", "#verify-banner")
    _check(page, origin, shots, "signed-up")

    # --- confirm the address through the mailed link --------------------------------------------
    link = mailed_link(outbox, OWNER, "Confirm your email address")
    assert link.startswith(f"{origin}/dashboard/verify?token="), link
    _visit(page, link, "Confirm your email address")
    wait_text(page, "confirmed", f"{OWNER} is confirmed", "#verified")
    _check(page, origin, shots, "verified")
    click(page, "main a", "Go to the dashboard")
    wait_text(page, "Messages", "Messages", "main h1")
    page.wait_js("the banner gone", "!document.getElementById('verify-banner')")

    # --- Settings → API keys: a live key, copied, in the list ------------------------------------
    _nav(page, "API keys", "API keys")
    page.wait_js("the list (the bootstrap key)", "!!document.getElementById('api-keys')")
    try:
        page.call("Browser.grantPermissions", origin=origin,
                  permissions=["clipboardReadWrite", "clipboardSanitizedWrite"])
        clipboard = True
    except AssertionError:
        clipboard = False
    type_text(page, "#new-key-name", "story")
    choose(page, "#new-key-mode", "LIVE")
    type_text(page, "#new-key-per-minute", "120")
    type_text(page, "#new-key-per-day", "5000")
    click(page, "button[type=submit]", "Create key")
    secret = page.wait_js("the new key, shown once", "(document.getElementById('new-key-secret') || {}).innerText")
    assert secret.startswith("et_live_") and len(secret) == 40, secret
    click(page, "button[aria-label='Copy the new key']")
    if clipboard:
        wait_text(page, "copied", "Copied", "#copy-state")
        assert page.js("navigator.clipboard.readText()") == secret
    else:
        page.wait_js("the copy answered", "document.getElementById('copy-state').innerText !== ''")
    listed = wait_text(page, "the new key listed", secret[:12], "#api-keys")
    assert "story" in listed and "120/min, 5,000/day".replace(",", "") in listed.replace(",", "")
    assert "Requests today" in text_of(page, "#api-keys thead"), "the day's count is a column"
    _check(page, origin, shots, "api-keys")

    # --- the key sends an email; Messages shows it reach `sent` with its timeline ---------------
    sent = http_json(origin, secret, "POST", "/api/v1/delivery/send", {
        "from": "hello@acme.com", "to": ["reader@example.com"], "subject": "Story hello",
        "html": "<p>From the story.</p>",
    })
    _nav(page, "Messages", "Messages")
    wait_text(page, "the message in the list", "Story hello")
    _check(page, origin, shots, "messages")
    click(page, "main table a", "Story hello")
    wait_text(page, "the message page", "Story hello", "main h1")
    assert page.js("location.pathname") == f"/dashboard/messages/{sent['messageId']}"
    wait_text(page, "status sent", "sent", "#message-status", timeout=30)
    wait_text(page, "the timeline", "sent", "#timeline")
    assert page.js("[...document.querySelectorAll('#timeline li .badge')].map(b => b.innerText)")[0] == "queued"
    _check(page, origin, shots, "message")
    # The list counts the key's requests today; a throwaway test key is revoked after confirming.
    _nav(page, "API keys", "API keys")
    row = f"[...document.querySelectorAll('#api-keys tbody tr')].find(r => r.innerText.includes({json.dumps(secret[:12])}))"
    page.wait_js("one request today", f"(({row} || {{}}).querySelector('.requests-today') || {{}}).innerText?.startsWith('1 ')")
    type_text(page, "#new-key-name", "throwaway")
    choose(page, "#new-key-mode", "TEST")
    click(page, "button[type=submit]", "Create key")
    test_secret = page.wait_js("the test key", "(t => t && t.startsWith('et_test_') && t)"
                                              "((document.getElementById('new-key-secret') || {}).innerText)")
    wait_text(page, "the test key listed", test_secret[:12], "#api-keys")
    click(page, f"#api-keys button[aria-label='Revoke {test_secret[:12]}']")
    wait_text(page, "the confirmation", "stops working at once", "#api-keys")
    _check(page, origin, shots, "api-keys-revoke")
    click(page, "#api-keys button.danger", f"Revoke {test_secret[:12]}")
    revoked = f"[...document.querySelectorAll('#api-keys tbody tr')].find(r => r.innerText.includes({json.dumps(test_secret[:12])}))"
    page.wait_js("revoked", f"({revoked} || {{}}).innerText?.includes('revoked')")

    # --- Import: progress to completed, one row error --------------------------------------------
    _nav(page, "Import", "Import contacts")
    path = tmp_path / "contacts.csv"
    path.write_text(CSV)
    node = page.call("Runtime.evaluate", expression="document.getElementById('i-file')")["result"]["objectId"]
    page.call("DOM.enable")
    page.call("DOM.setFileInputFiles", files=[str(path)], objectId=node)
    click(page, "button[type=submit]", "Import")
    wait_text(page, "completed", "completed", "#import-status", timeout=30)
    assert text_of(page, "#import-failed") == "1"
    assert len(page.js("[...document.querySelectorAll('#row-errors tbody tr')].map(r => r.innerText)")) == 1
    _check(page, origin, shots, "import")

    # --- an automation, its event, its run ---------------------------------------------------------
    _nav(page, "Automations", "Automations")
    click(page, "a", "New automation")
    wait_text(page, "the form", "New automation", "main h1")
    type_text(page, "#a-name", "Tag buyers")
    type_text(page, "#a-event", "order.placed")
    choose(page, "#s0-kind", "addTag")
    type_text(page, "#s0-tag", "buyer")
    click(page, "button[type=submit]", "Create automation")
    wait_text(page, "the automation's page", "Tag buyers", "main h1")
    http_json(origin, secret, "POST", "/api/v1/pipelines/events", {
        "email": "buyer@example.com", "eventType": "order.placed", "value": "42.50", "currency": "EUR",
    })
    click(page, "button", "Refresh")
    wait_text(page, "the run, completed", "completed", "#runs", timeout=30)
    _check(page, origin, shots, "automation")

    # --- Analytics: the revenue ----------------------------------------------------------------------
    _nav(page, "Analytics", "Analytics")
    page.wait_js("the revenue chart", "!!document.querySelector('#chart-revenue canvas')")
    assert "EUR" in page.js("document.querySelector('#chart-revenue table').innerText")
    _check(page, origin, shots, "analytics")

    # --- Team: invite a member ----------------------------------------------------------------------
    _nav(page, "Team", "Team")
    wait_text(page, "the owner in the list", OWNER, "#members")
    type_text(page, "#invite-email", MEMBER)
    choose(page, "#invite-role", "MEMBER")
    click(page, "button[type=submit]", "Send invitation")
    wait_text(page, "the invitation sent", MEMBER, "#invite-sent")
    wait_text(page, "the pending invitation", MEMBER, "#invitations")
    _check(page, origin, shots, "team")
    invitation = mailed_link(outbox, MEMBER, "Join default")
    assert invitation.startswith(f"{origin}/dashboard/accept-invitation?token="), invitation

    # --- sign out; the member joins through the link -------------------------------------------------
    click(page, "nav.side button", "Sign out")
    wait_text(page, "the sign-in form", "Sign in", "main h1")
    assert _graphql(page, "{ viewer { organization { name } } }").get("data") is None, "the session ended"
    # Sign-up is by invitation now that an account exists: the form says so.
    click(page, "#to-signup")
    type_text(page, "#signup-email", "stranger@example.com")
    type_text(page, "#signup-password", PASSWORD)
    click(page, "button[type=submit]", "Create account")
    wait_text(page, "sign-up refused", "needs an invitation", "#signup-refused")
    _check(page, origin, shots, "sign-up-refused")
    _visit(page, invitation, "Join your team")
    _check(page, origin, shots, "accept-invitation")
    type_text(page, "#accept-password", "member password 1")
    click(page, "button[type=submit]", "Join")
    wait_text(page, "the member on Messages", "Messages", "main h1")
    assert text_of(page, "#who-email") == MEMBER and text_of(page, "#who-role") == "member"
    assert page.js("location.pathname") == "/dashboard/messages"
    _nav(page, "API keys", "API keys")
    wait_text(page, "the note for members", "Only owners and admins manage API keys", "#keys-members-note")
    assert not page.js("!!document.getElementById('api-keys') || !!document.getElementById('new-key')")
    assert _graphql(page, "{ apiKeys { id } }")["data"]["apiKeys"] is None
    _check(page, origin, shots, "api-keys-member")
    _nav(page, "Team", "Team")
    wait_text(page, "both people", OWNER, "#members")
    assert MEMBER in text_of(page, "#members") and page.js("!!document.getElementById('team-readonly')")
    assert not page.js("!!document.querySelector('#members select, #members button, #invite-email')")
    _check(page, origin, shots, "team-member")

    # --- the member forgets their password: the mailed link, a new one, signed in again ------------
    click(page, "nav.side button", "Sign out")
    wait_text(page, "the sign-in form", "Sign in", "main h1")
    click(page, "#to-forgot")
    type_text(page, "#forgot-email", MEMBER)
    click(page, "button[type=submit]", "Send the link")
    wait_text(page, "the link sent", MEMBER, "#reset-sent")
    reset = mailed_link(outbox, MEMBER, "Reset your password")
    _visit(page, reset, "Choose a new password")
    _check(page, origin, shots, "reset-password")
    type_text(page, "#reset-password", "a new member password")
    click(page, "button[type=submit]", "Change password")
    wait_text(page, "changed", "Your password is changed", "#password-changed")
    assert page.js("document.getElementById('signin-email').value") == MEMBER
    type_text(page, "#signin-password", "a new member password")
    click(page, "button[type=submit]", "Sign in")
    wait_text(page, "signed in again", "Messages", "main h1")
    assert text_of(page, "#who-email") == MEMBER

    # --- the owner makes the member an admin, then removes them after confirming ---------------------
    click(page, "nav.side button", "Sign out")
    wait_text(page, "the sign-in form", "Sign in", "main h1")
    type_text(page, "#signin-email", OWNER)
    type_text(page, "#signin-password", PASSWORD)
    click(page, "button[type=submit]", "Sign in")
    wait_text(page, "the owner signed in", "Messages", "main h1")
    _nav(page, "Team", "Team")
    wait_text(page, "the member in the list", MEMBER, "#members")
    select = page.js(f"[...document.querySelectorAll('#members select')].find(s => s.closest('tr').innerText.includes({json.dumps(MEMBER)})).id")
    choose(page, f"#{select}", "ADMIN")
    click(page, f"#members button[aria-label='Save the role of {MEMBER}']")
    wait_text(page, "the new role", f"{MEMBER} is now admin", "#team-status")
    click(page, f"#members button[aria-label='Remove {MEMBER}']")
    wait_text(page, "the confirmation", "Their sessions in it end", "#members")
    click(page, "#members button.danger", f"Remove {MEMBER}")
    wait_text(page, "removed", f"{MEMBER} is no longer a member", "#team-status")
    page.wait_js("gone from the list", f"!document.getElementById('members').innerText.includes({json.dumps(MEMBER)})")
    assert not page.console_errors, page.console_errors
