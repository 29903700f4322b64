"""One-click unsubscribe (RFC 8058): List-Unsubscribe and List-Unsubscribe-Post on automation
mail and on sends with `unsubscribe: true` (REST, batch, GraphQL), never otherwise; the same
link at every attempt; `GET /u/TOKEN` changes nothing, `POST /u/TOKEN` suppresses the address
(reason `unsubscribed`) and records an `email.unsubscribed` event, once; forged, altered and
other organizations' links are refused, never with a 500."""

from __future__ import annotations

import base64
import dataclasses
import uuid
from datetime import datetime, timezone
from urllib.parse import urlsplit

import pytest

from app.core.unsubscribe import UnsubscribeLink, make_token, read_token
from app.engines.mime import OutgoingEmail, Unsendable, build
from app.engines.webhooks import verify
from models import Event, Message, Suppression
from tests.helpers import automation_body, automation_ok, gql, send_ok, webhook_runner

TEXT = {"text": "Your weekly digest.", "html": "<p>Your weekly digest.</p>"}


def an_address() -> str:
    return f"jane-{uuid.uuid4().hex[:8]}@example.com"


async def deliver(worker, smtp_sink, message_id: str):
    await worker.drain()
    [received] = smtp_sink.received_by_id(message_id)
    return received


def unsubscribe_path(received) -> str:
    header = str(received.message["List-Unsubscribe"])
    assert header.startswith("<") and header.endswith(">"), header
    return urlsplit(header[1:-1]).path


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def decoded(path: str) -> tuple[bytes, bytes]:
    """(mac, payload) of a link's token (`<payload>.<mac>`, app.core.signing)."""
    payload, mac = path.rsplit("/", 1)[1].split(".")
    return _b64(mac), _b64(payload)


def encoded(mac: bytes, payload: bytes) -> str:
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    return f"/u/{b64(payload)}.{b64(mac)}"


async def test_a_send_with_unsubscribe_carries_both_headers_and_the_link_unsubscribes(
    client, key, worker, runner, smtp_sink, settings, webhook_receiver, allow_private,
):
    address = an_address()
    hook = await client.post("/api/v1/webhooks", headers=key.headers, json={
        "url": webhook_receiver.url, "events": ["message.unsubscribed", "contact.unsubscribed"]})
    await automation_ok(client, key, automation_body(
        trigger={"eventType": "email.unsubscribed"}, steps=[{"type": "addTag", "tag": "unsubscribed"}]))
    await client.post("/api/v1/contacts", json={"email": address}, headers=key.headers)
    message_id = await send_ok(client, key, to=address, unsubscribe=True, **TEXT)
    plain_id = await send_ok(client, key, to=an_address(), **TEXT)
    received = await deliver(worker, smtp_sink, message_id)
    assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = str(received.message["List-Unsubscribe"])[1:-1]
    assert url.startswith(settings.public_url + "/u/")
    # A transactional send without it has neither header.
    [plain] = smtp_sink.received_by_id(plain_id)
    assert plain.message["List-Unsubscribe"] is None and plain.message["List-Unsubscribe-Post"] is None
    path = unsubscribe_path(received)
    assert read_token(settings.secret_key, path[3:]) == UnsubscribeLink(key.organization_id, message_id, address)

    # GET (what a mail scanner prefetches) shows a button and changes nothing.
    page = await client.get(path)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert address in page.text and f'action="{path}"' in page.text and 'method="post"' in page.text
    assert not await Suppression.filter(organization_id=key.organization_id).exists()

    # POST, as RFC 8058 mail clients send it (cross-site, no cookie, no key).
    done = await client.post(path, content=b"List-Unsubscribe=One-Click",
                             headers={"Content-Type": "application/x-www-form-urlencoded",
                                      "Origin": "https://mail.example.net", "Sec-Fetch-Site": "cross-site"})
    assert done.status_code == 200 and "unsubscribed" in done.text
    [row] = await Suppression.filter(organization_id=key.organization_id)
    assert (row.email, row.reason, row.message_id) == (address, "unsubscribed", message_id)
    [event] = await Event.filter(organization_id=key.organization_id, event_type="email.unsubscribed")
    assert event.event_id == f"unsubscribe:{message_id}" and event.properties["messageId"] == message_id
    # The event starts the organization's automations on `email.unsubscribed`.
    assert await runner.drain() == ["completed"]
    contact = (await client.get(f"/api/v1/contacts/by-email/{address}", headers=key.headers)).json()
    assert contact["tags"] == ["unsubscribed"]
    # Idempotent: a second POST (any body, or none) is fine and changes nothing.
    again = await client.post(path, json={"whatever": True})
    assert again.status_code == 200
    assert await Suppression.filter(organization_id=key.organization_id).count() == 1
    assert await Event.filter(organization_id=key.organization_id, event_type="email.unsubscribed").count() == 1
    # An integrator's endpoint heard of it once, signed.
    await webhook_runner(settings).drain()
    calls = [c.json() for c in webhook_receiver.received]
    assert sorted(c["type"] for c in calls) == ["contact.unsubscribed", "message.unsubscribed"]
    assert all(c["data"]["email"] == address and c["data"]["messageId"] == message_id for c in calls)
    assert all(verify(hook.json()["secret"], c.headers["Viperatron-Signature"], c.body)
               for c in webhook_receiver.received)
    # The suppression shows in the API and a later send to the address is suppressed.
    listed = (await client.get("/api/v1/suppressions", headers=key.headers)).json()["data"]
    assert [(s["email"], s["reason"]) for s in listed] == [(address, "unsubscribed")]
    later = await send_ok(client, key, to=address, **TEXT)
    await worker.drain()
    assert (await Message.get(id=later)).status == "suppressed"


async def test_an_address_without_a_contact_is_suppressed_and_no_contact_is_made(client, key, worker, smtp_sink):
    stranger = an_address()  # no contact: suppressed, but no contact (or event) is made for it
    message_id = await send_ok(client, key, to=stranger, unsubscribe=True, **TEXT)
    path = unsubscribe_path(await deliver(worker, smtp_sink, message_id))
    assert (await client.post(path)).status_code == 200
    assert await Suppression.filter(organization_id=key.organization_id, email=stranger).exists()
    assert not await Event.filter(organization_id=key.organization_id, event_type="email.unsubscribed").exists()
    missing = await client.get(f"/api/v1/contacts/by-email/{stranger}", headers=key.headers)
    assert missing.status_code == 404


async def test_batch_and_graphql_sends_take_unsubscribe(client, key, worker, smtp_sink):
    batch = await client.post("/api/v1/delivery/batch", headers=key.headers, json={"messages": [
        {"from": "news@acme.com", "subject": "A", "to": an_address(), "unsubscribe": True, **TEXT},
        {"from": "news@acme.com", "subject": "B", "to": an_address(), **TEXT},
    ]})
    assert batch.status_code == 200, batch.text
    with_link, without = (item["messageId"] for item in batch.json()["data"])
    one = (await gql(client, key, """mutation($to: String!) { sendEmail(input: {to: [$to], from: "news@acme.com",
        subject: "G", text: "T", unsubscribe: true}) { messageId userErrors { field code } } }""",
                     {"to": an_address()})).json()["data"]["sendEmail"]
    many = (await gql(client, key, """mutation($to: String!) { sendEmailBatch(input: {messages: [{to: [$to],
        from: "news@acme.com", subject: "G", text: "T", unsubscribe: true}]}) { results { messageId } } }""",
                      {"to": an_address()})).json()["data"]["sendEmailBatch"]
    await worker.drain()
    for message_id in (with_link, one["messageId"], many["results"][0]["messageId"]):
        [received] = smtp_sink.received_by_id(message_id)
        assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click", message_id
        assert "/u/" in str(received.message["List-Unsubscribe"])
    [plain] = smtp_sink.received_by_id(without)
    assert plain.message["List-Unsubscribe"] is None


async def test_unsubscribe_names_one_recipient_and_owns_its_headers(client, key):
    body = {"from": "news@acme.com", "subject": "S", "text": "T", "unsubscribe": True}
    cases = [
        ({"to": ["a@example.com", "b@example.com"]}, "unsubscribe", "too_many"),
        ({"to": "a@example.com", "bcc": ["c@example.com"]}, "unsubscribe", "too_many"),
        ({"to": "a@example.com", "headers": {"list-unsubscribe": "<mailto:x@example.com>"}}, "headers", "reserved_header"),
    ]
    for extra, field, code in cases:
        response = await client.post("/api/v1/delivery/send", json={**body, **extra}, headers=key.headers)
        assert response.status_code == 422, response.text
        assert response.json()["error"]["details"][0] | {"message": ""} == {"field": field, "code": code, "message": ""}
    # Without `unsubscribe`, a caller's own List-Unsubscribe header is theirs to send.
    ok = await client.post("/api/v1/delivery/send", headers=key.headers, json={
        **body, "unsubscribe": False, "to": "a@example.com", "headers": {"List-Unsubscribe": "<mailto:u@example.com>"}})
    assert ok.status_code == 202
    graphql = (await gql(client, key, """mutation { sendEmail(input: {to: ["a@example.com", "b@example.com"],
        from: "news@acme.com", subject: "S", text: "T", unsubscribe: true}) { messageId userErrors { field code } } }"""
                         )).json()["data"]["sendEmail"]
    assert graphql == {"messageId": None, "userErrors": [{"field": "unsubscribe", "code": "too_many"}]}


async def test_automation_email_always_carries_the_link(client, key, runner, worker, smtp_sink):
    address = an_address()
    await automation_ok(client, key, automation_body(steps=[
        {"type": "sendEmail", "from": "Acme <shop@acme.com>", "subject": "Thanks", "text": "Thanks for your order."}]))
    await client.post("/api/v1/pipelines/events", headers=key.headers,
                      json={"email": address, "eventType": "order.placed"})
    assert await runner.drain() == ["completed"]
    [message] = await Message.filter(organization_id=key.organization_id)
    assert message.unsubscribe is True
    received = await deliver(worker, smtp_sink, message.id)
    assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert (await client.post(unsubscribe_path(received))).status_code == 200
    assert (await Suppression.get(organization_id=key.organization_id)).email == address


async def test_the_link_is_the_same_at_every_attempt(client, key, worker, smtp_sink):
    address = an_address()
    smtp_sink.script_data_for(address, "451 4.3.0 Try again later")
    message_id = await send_ok(client, key, to=address, unsubscribe=True, **TEXT)
    message = await Message.get(id=message_id)
    first = worker._unsubscribe_url(message)
    await worker.drain()
    stored = await Message.get(id=message_id)
    assert stored.status == "deferred"
    await Message.filter(id=message_id).update(due_at=stored.created_at)
    received = await deliver(worker, smtp_sink, message_id)
    assert str(received.message["List-Unsubscribe"]) == f"<{first}>" == f"<{worker._unsubscribe_url(stored)}>"


async def test_forged_altered_and_foreign_links_are_refused(client, key, make_key, worker, smtp_sink, settings):
    address = an_address()
    message_id = await send_ok(client, key, to=address, unsubscribe=True, **TEXT)
    path = unsubscribe_path(await deliver(worker, smtp_sink, message_id))
    other = await make_key()
    mac, payload = decoded(path)
    organization, message, _ = payload.decode().split("\n")
    forged = [
        "/u/nonsense", "/u/" + "A" * 40, "/u/" + "x" * 5000, "/u/%C3%A9t%C3%A9", "/u/%00%01", "/u/====",
        encoded(mac, f"{organization}\n{message}\nboss@example.com".encode()),  # another address
        encoded(mac, f"{other.organization_id}\n{message}\n{address}".encode()),  # another organization
        encoded(bytes(16), payload),  # no MAC
        "/u/" + make_token("another-secret-key", UnsubscribeLink(key.organization_id, message_id, address)),
        path[:-2],  # cut short
    ]
    for bad in forged:
        for method in ("GET", "POST"):
            response = await client.request(method, bad)
            assert response.status_code in (400, 404), (method, bad, response.status_code)
            assert "not valid" in response.text or response.status_code == 400
    assert not await Suppression.filter(organization_id__in=[key.organization_id, other.organization_id]).exists()
    # A well-signed link for an organization that no longer exists: 404, not a 500.
    gone = make_token(settings.secret_key, UnsubscribeLink("org_" + "0" * 25, message_id, address))
    assert (await client.post(f"/u/{gone}")).status_code == 404
    # The real one works, only in its own organization.
    assert (await client.post(path)).status_code == 200
    assert await Suppression.filter(organization_id=key.organization_id, email=address).exists()
    assert not await Suppression.filter(organization_id=other.organization_id).exists()


async def test_a_server_without_a_secret_key_refuses_links(make_client, key, settings):
    client = await make_client(secret_key=None)
    token = make_token(settings.secret_key, UnsubscribeLink(key.organization_id, "msg_x", "a@example.com"))
    assert (await client.post(f"/u/{token}")).status_code == 404


async def test_replaying_one_link_is_bounded(client, key, worker, smtp_sink):
    message_id = await send_ok(client, key, to=an_address(), unsubscribe=True, **TEXT)
    path = unsubscribe_path(await deliver(worker, smtp_sink, message_id))
    statuses = [(await client.post(path)).status_code for _ in range(12)]
    assert statuses[:10] == [200] * 10 and statuses[10:] == [429, 429]


def test_the_route_is_not_part_of_the_api(app):
    assert not [path for path in app.openapi()["paths"] if path.startswith("/u/")]


@pytest.mark.parametrize("token", ["", "a", "é"])
def test_read_token_refuses_junk(token, settings):
    assert read_token(settings.secret_key, token) is None
    assert read_token(None, token) is None


def test_the_builder_writes_both_headers_the_same_every_time():
    sample = OutgoingEmail(
        id="msg_0abcdefghijklmnopqrstuvwx", from_address="Acme <news@acme.com>", to=["jane@example.com"], cc=[],
        bcc=[], reply_to=[], subject="Digest", html="<p>Hi</p>", text=None, headers={"X-Campaign": "weekly"},
        attachments=[], date=datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
        unsubscribe_url="https://mail.example.com/u/" + "A" * 300,
    )
    data = build(sample)
    assert data == build(sample)
    head = data.split(b"\r\n\r\n", 1)[0].decode()
    assert f"\r\nList-Unsubscribe: <{sample.unsubscribe_url}>\r\n" in head
    assert "\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in head
    assert "List-Unsubscribe" not in build(dataclasses.replace(sample, unsubscribe_url=None)).decode()
    for bad in (dataclasses.replace(sample, headers={"List-Unsubscribe": "<mailto:x@example.com>"}),
                dataclasses.replace(sample, unsubscribe_url="https://x.example/u/a>\r\nBcc: x@example.com"),
                dataclasses.replace(sample, unsubscribe_url="https://x.example/u/" + "A" * 1000)):
        with pytest.raises(Unsendable):
            build(bad)
