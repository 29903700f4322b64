"""The three curl examples of the public API reference, verbatim (host and key aside),
sent with curl over real HTTP to `viperatron serve`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import httpx
import pytest

from tests.helpers import ROOT

SEED_COPY = ROOT / "tests" / "support" / "seed_curls.sh"
# The published reference, beside the checkout (skipped when it is not there).
SEED = ROOT.parent / "shared" / "seed" / "viperatron-api-reference.txt"


def seed_curls() -> list[str]:
    return SEED_COPY.read_text().strip().split("\n\n")


def run_curl(command: str, base: str, key: str) -> tuple[int, dict]:
    command = command.replace("https://api.viperatron.com", base).replace("et_live_YOUR_API_KEY", key)
    command = command.replace("curl -X POST", "curl -sS -w '\\n%{http_code}' -X POST", 1)
    out = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=30, check=True).stdout
    body, status = out.rsplit("\n", 1)
    return int(status), json.loads(body)


def test_fixture_matches_the_published_reference():
    if not SEED.exists():
        pytest.skip("shared/seed is not beside this checkout")
    published = list(dict.fromkeys(re.findall(r"curl -X POST .*?\}'\n", SEED.read_text(), re.S)))
    assert [c.strip() for c in published] == seed_curls()


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
async def test_seed_curls_verbatim(live_server, make_key):
    key = await make_key()
    send, contact, event = seed_curls()
    assert "/delivery/send" in send and "/contacts" in contact and "/pipelines/events" in event

    status, body = run_curl(contact, live_server, key.plaintext)
    assert status == 201
    assert body["email"] == "jane@example.com"
    assert body["firstName"] == "Jane" and body["lastName"] == "Doe"
    assert body["tags"] == ["newsletter", "early-access"]
    assert body["customFields"] == {"plan": "pro"}
    assert body["id"].startswith("ct_")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", body["createdAt"])

    status, again = run_curl(contact, live_server, key.plaintext)
    assert status == 200 and again["id"] == body["id"]

    status, sent = run_curl(send, live_server, key.plaintext)
    assert status == 202
    assert sent["status"] == "queued" and sent["messageId"].startswith("msg_")

    status, accepted = run_curl(event, live_server, key.plaintext)
    assert status == 202
    assert accepted["status"] == "accepted" and accepted["eventId"].startswith("evt_")

    message = httpx.get(f"{live_server}/api/v1/delivery/messages/{sent['messageId']}", headers=key.headers).json()
    assert message["to"] == ["customer@example.com"]
    assert message["html"] == "<h1>Hi </h1><p>Thanks for signing up.</p>"  # no such contact: empty
    assert message["status"] == "queued"


async def test_event_is_stored_against_the_contact(client, key):
    from models import Contact, Event

    body = json.loads(seed_curls()[2].split("-d '", 1)[1].rstrip("'\n"))
    response = await client.post("/api/v1/pipelines/events", json=body, headers=key.headers)
    assert response.status_code == 202
    event = await Event.get(id=response.json()["eventId"]).prefetch_related("contact")
    assert event.organization_id == key.organization_id
    assert event.contact.email == "jane@example.com"
    assert await Contact.filter(organization_id=key.organization_id).count() == 1
    assert str(event.value) in ("129", "129.00", "129.0000")
    assert event.currency == "USD"
    assert event.properties == {"orderId": "ord_1a2b3c", "sku": "ACME-TEE-L"}
