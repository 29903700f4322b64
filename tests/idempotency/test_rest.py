"""Idempotency keys over REST: a retry replays the first response; a reused key with another
body (or on another operation) is 409; a key lasts 24 hours."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from models import Contact, Event, IdempotencyRecord, Message
from tests.helpers import SEND, expire_idempotency_key, gql, idempotent_headers


async def test_same_key_same_body_replays_the_first_response(client, key):
    headers = idempotent_headers(key, str(uuid.uuid4()))
    first = await client.post("/api/v1/delivery/send", json=SEND, headers=headers)
    again = await client.post("/api/v1/delivery/send", json=SEND, headers=headers)
    assert first.status_code == again.status_code == 202
    assert first.json() == again.json()
    assert await Message.filter(organization_id=key.organization_id).count() == 1


async def test_same_key_different_body_is_a_conflict_and_changes_nothing(client, key):
    headers = idempotent_headers(key, "order-42")
    await client.post("/api/v1/delivery/send", json=SEND, headers=headers)
    response = await client.post("/api/v1/delivery/send", json={**SEND, "subject": "Other"}, headers=headers)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    # The same key on another operation is a different request too.
    response = await client.post("/api/v1/contacts", json={"email": "a@example.com"}, headers=headers)
    assert response.status_code == 409
    assert await Message.filter(organization_id=key.organization_id).count() == 1
    assert await Contact.filter(organization_id=key.organization_id).count() == 0


async def test_twenty_concurrent_requests_with_one_key_make_one_message(client, key):
    headers = idempotent_headers(key, str(uuid.uuid4()))
    responses = await asyncio.gather(
        *[client.post("/api/v1/delivery/send", json=SEND, headers=headers) for _ in range(20)]
    )
    assert {r.status_code for r in responses} == {202}, [r.text for r in responses if r.status_code != 202]
    assert len({r.json()["messageId"] for r in responses}) == 1
    assert await Message.filter(organization_id=key.organization_id).count() == 1


async def test_a_failed_request_does_not_burn_the_key(client, key):
    headers = idempotent_headers(key, "retry-after-fix")
    bad = await client.post("/api/v1/delivery/send", json={**SEND, "to": "not-an-email"}, headers=headers)
    assert bad.status_code == 422
    good = await client.post("/api/v1/delivery/send", json=SEND, headers=headers)
    assert good.status_code == 202


async def test_contacts_upsert_replays_201_and_events_replay(client, key):
    headers = idempotent_headers(key, "c-1")
    body = {"email": "new@example.com", "tags": ["a"]}
    first = await client.post("/api/v1/contacts", json=body, headers=headers)
    again = await client.post("/api/v1/contacts", json=body, headers=headers)
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    event = {"email": "new@example.com", "eventType": "order.placed", "value": "9.99", "currency": "USD"}
    ev_headers = idempotent_headers(key, "e-1")
    first = await client.post("/api/v1/pipelines/events", json=event, headers=ev_headers)
    again = await client.post("/api/v1/pipelines/events", json=event, headers=ev_headers)
    assert first.json() == again.json() and first.status_code == 202
    assert await Event.filter(organization_id=key.organization_id).count() == 1


async def test_keys_are_per_organization(client, make_key):
    key_a, key_b = await make_key(), await make_key()
    a = await client.post("/api/v1/delivery/send", json=SEND, headers=idempotent_headers(key_a, "shared"))
    b = await client.post("/api/v1/delivery/send", json=SEND, headers=idempotent_headers(key_b, "shared"))
    assert a.status_code == b.status_code == 202
    assert a.json()["messageId"] != b.json()["messageId"]
    assert (await Message.get(id=b.json()["messageId"])).organization_id == key_b.organization_id


async def test_bad_keys_are_422(client, key):
    for bad in ("x" * 256, " "):
        response = await client.post("/api/v1/delivery/send", json=SEND, headers=idempotent_headers(key, bad))
        assert response.status_code == 422, bad
        assert response.json()["error"]["details"][0]["field"] == "Idempotency-Key"


async def test_a_key_past_its_24_hours_is_not_replayed(client, key):
    headers = idempotent_headers(key, "old-key")
    first = await client.post("/api/v1/delivery/send", json=SEND, headers=headers)
    assert first.status_code == 202
    record = await IdempotencyRecord.get(organization_id=key.organization_id, key="old-key")
    assert record.expires_at - record.created_at == timedelta(hours=24)
    await expire_idempotency_key(key, "old-key")
    again = await client.post("/api/v1/delivery/send", json=SEND, headers=headers)
    assert again.status_code == 202 and again.json()["messageId"] != first.json()["messageId"]
    assert await Message.filter(organization_id=key.organization_id).count() == 2
    # The key now belongs to the second request: replayed, and another body is a conflict.
    replay = await client.post("/api/v1/delivery/send", json=SEND, headers=headers)
    assert replay.json() == again.json()
    changed = await client.post("/api/v1/delivery/send", json={**SEND, "subject": "Other"}, headers=headers)
    assert changed.status_code == 409
    # Once expired, another body with the key is no conflict either.
    await expire_idempotency_key(key, "old-key")
    other = await client.post("/api/v1/delivery/send", json={**SEND, "subject": "Other"}, headers=headers)
    assert other.status_code == 202
    assert await Message.filter(organization_id=key.organization_id).count() == 3


async def test_batch_send_replays_and_a_changed_batch_is_a_conflict(client, key):
    headers = idempotent_headers(key, "batch-1")
    messages = [SEND, {**SEND, "to": "nope"}, {**SEND, "to": "b@example.com"}]
    first = await client.post("/api/v1/delivery/batch", json={"messages": messages}, headers=headers)
    again = await client.post("/api/v1/delivery/batch", json={"messages": messages}, headers=headers)
    assert first.status_code == again.status_code == 200
    assert (first.json()["accepted"], first.json()["rejected"]) == (2, 1)
    assert again.json() == first.json()
    stored = await Message.filter(organization_id=key.organization_id).values_list("id", flat=True)
    assert sorted(stored) == sorted(item["messageId"] for item in first.json()["data"] if item["messageId"])
    for changed in ([SEND, {**SEND, "to": "nope"}], [*messages[:2], {**SEND, "to": "c@example.com"}]):
        response = await client.post("/api/v1/delivery/batch", json={"messages": changed}, headers=headers)
        assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"
    # The same key on a single send is another operation: a conflict too.
    single = await client.post("/api/v1/delivery/send", json=SEND, headers=headers)
    assert single.status_code == 409
    assert await Message.filter(organization_id=key.organization_id).count() == 2
    # GraphQL's sendEmailBatch with the key replays as well.
    mutation = """mutation($input: SendEmailBatchInput!) { sendEmailBatch(input: $input) {
        accepted results { messageId } userErrors { code } } }"""
    variables = {"input": {"messages": [SEND], "idempotencyKey": "gql-batch"}}
    first = (await gql(client, key, mutation, variables)).json()["data"]["sendEmailBatch"]
    again = (await gql(client, key, mutation, variables)).json()["data"]["sendEmailBatch"]
    assert first["accepted"] == 1 and first["userErrors"] == [] and again == first
    variables["input"]["messages"] = [{**SEND, "subject": "Other"}]
    conflict = (await gql(client, key, mutation, variables)).json()["data"]["sendEmailBatch"]
    assert conflict == {"accepted": 0, "results": [], "userErrors": [{"code": "conflict"}]}
    assert await Message.filter(organization_id=key.organization_id).count() == 3
