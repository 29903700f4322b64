"""Erasure over REST (DELETE /api/v1/contacts/{id}): nothing personal is left anywhere,
anonymous counts stay, and stored idempotent responses naming the address are forgotten."""

from __future__ import annotations

from models import ContactTag, Event, IdempotencyRecord, Message, MessageRecipient, Suppression
from tests.helpers import upsert_ok


async def test_erasure_leaves_nothing_personal_and_keeps_counts(client, key, worker, smtp_sink):
    contact = await upsert_ok(client, key, email="erase.me@example.com", firstName="Eve", tags=["vip"])
    await upsert_ok(client, key, email="stay@example.com", firstName="Stan")
    send = {"from": "hi@acme.com", "subject": "Hi {{firstName}}", "text": "Hello {{firstName}}"}
    sent = await client.post("/api/v1/delivery/send", json={**send, "to": "erase.me@example.com", "tags": ["welcome"]},
                             headers=key.headers)
    kept = await client.post("/api/v1/delivery/send", json={**send, "to": "stay@example.com"}, headers=key.headers)
    await worker.drain()
    await client.post("/api/v1/pipelines/events", headers={**key.headers, "Idempotency-Key": "ev-erase"},
                      json={"email": "erase.me@example.com", "eventType": "order.placed", "value": "10.00",
                            "currency": "EUR", "properties": {"address": "1 Main St"}})
    response = await client.delete(f"/api/v1/contacts/{contact['id']}?suppress=true", headers=key.headers)
    assert response.status_code == 200, response.text
    assert response.json() == {"id": contact["id"], "deleted": True, "messagesRedacted": 1,
                               "eventsAnonymized": 1, "suppressed": True}
    # Nothing about the address through any route.
    for url in (f"/api/v1/contacts/{contact['id']}", "/api/v1/contacts/by-email/erase.me%40example.com"):
        assert (await client.get(url, headers=key.headers)).status_code == 404
    everything = [
        await client.get("/api/v1/contacts", headers=key.headers),
        await client.get("/api/v1/contacts/export?format=ndjson", headers=key.headers),
        await client.get("/api/v1/delivery/messages", headers=key.headers),
        await client.get(f"/api/v1/delivery/messages/{sent.json()['messageId']}", headers=key.headers),
        await client.get("/api/v1/delivery/messages", params={"to": "erase.me@example.com"}, headers=key.headers),
    ]
    for response in everything:
        assert response.status_code == 200
        assert "erase.me" not in response.text and "Eve" not in response.text, response.request.url
    replay = await client.post("/api/v1/pipelines/events", headers={**key.headers, "Idempotency-Key": "ev-erase"},
                               json={"email": "erase.me@example.com", "eventType": "order.placed", "value": "10.00",
                                     "currency": "EUR", "properties": {"address": "1 Main St"}})
    assert replay.status_code == 202  # stored responses named no address here; a new event is fine
    # Anonymous counts stay; the other contact's data is untouched.
    message = await Message.get(id=sent.json()["messageId"])
    assert (message.status, message.tags, message.to, message.subject) == ("sent", ["welcome"], ["[erased]"], "[erased]")
    assert not await MessageRecipient.filter(message_id=message.id).exists()
    events = await Event.filter(organization_id=key.organization_id, contact_id=None)
    assert [(str(e.value), e.currency, e.properties) for e in events] == [("10.0000", "EUR", {})]
    assert (await Message.get(id=kept.json()["messageId"])).subject == "Hi Stan"
    assert not await ContactTag.filter(organization_id=key.organization_id, tag="vip").exists()
    assert await Suppression.exists(organization_id=key.organization_id, email_key="erase.me@example.com")
    assert (await client.delete(f"/api/v1/contacts/{contact['id']}", headers=key.headers)).status_code == 404


async def test_erasure_forgets_stored_idempotent_responses_that_name_the_address(client, make_key):
    """A replayed upsert or suppression would hand the erased address back: erasure drops the
    organization's stored responses that contain it (in any case), and no others."""
    key, other = await make_key(), await make_key()

    async def post(k, path, body, idempotency_key):
        response = await client.post(path, json=body, headers={**k.headers, "Idempotency-Key": idempotency_key})
        assert response.status_code in (200, 201), response.text
        return response.json()

    async def stored_keys(k) -> list[str]:
        return sorted(await IdempotencyRecord.filter(organization_id=k.organization_id).values_list("key", flat=True))

    erased = await post(key, "/api/v1/contacts", {"email": "Erase_Me@Example.com", "firstName": "Eve"}, "up-1")
    await post(key, "/api/v1/suppressions", {"email": "erase_me@example.com", "reason": "manual"}, "sup-1")
    # "_" is a LIKE wildcard: an address it would match stays, as do other addresses and organizations.
    lookalike = await post(key, "/api/v1/contacts", {"email": "eraseXme@example.com"}, "up-2")
    await post(key, "/api/v1/contacts", {"email": "stay@example.com"}, "up-3")
    theirs = await post(other, "/api/v1/contacts", {"email": "erase_me@example.com", "firstName": "Eve"}, "up-1")
    assert await stored_keys(key) == ["sup-1", "up-1", "up-2", "up-3"]

    response = await client.delete(f"/api/v1/contacts/{erased['id']}", headers=key.headers)
    assert response.status_code == 200, response.text
    assert await stored_keys(key) == ["up-2", "up-3"]
    assert await stored_keys(other) == ["up-1"]
    # The same request again is run anew (a new contact), not answered with the erased one.
    again = await post(key, "/api/v1/contacts", {"email": "Erase_Me@Example.com", "firstName": "Eve"}, "up-1")
    assert again["id"] != erased["id"]
    # Kept responses still replay.
    assert await post(key, "/api/v1/contacts", {"email": "eraseXme@example.com"}, "up-2") == lookalike
    assert await post(other, "/api/v1/contacts", {"email": "erase_me@example.com", "firstName": "Eve"}, "up-1") == theirs
