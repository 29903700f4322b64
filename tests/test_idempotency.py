"""Idempotency keys: a retry replays the first response; a reused key with another body is 409."""

from __future__ import annotations

import asyncio
import uuid

from models import Contact, Event, Message
from tests.conftest import gql

SEND = {"to": "jane@example.com", "from": "hello@acme.com", "subject": "Hi", "text": "Hello"}


def with_key(key, idempotency_key: str) -> dict[str, str]:
    return {**key.headers, "Idempotency-Key": idempotency_key}


async def test_same_key_same_body_replays_the_first_response(client, key):
    headers = with_key(key, str(uuid.uuid4()))
    first = await client.post("/api/v1/delivery/send", json=SEND, headers=headers)
    again = await client.post("/api/v1/delivery/send", json=SEND, headers=headers)
    assert first.status_code == again.status_code == 202
    assert first.json() == again.json()
    assert await Message.filter(organization_id=key.organization_id).count() == 1


async def test_same_key_different_body_is_a_conflict_and_changes_nothing(client, key):
    headers = with_key(key, "order-42")
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
    headers = with_key(key, str(uuid.uuid4()))
    responses = await asyncio.gather(
        *[client.post("/api/v1/delivery/send", json=SEND, headers=headers) for _ in range(20)]
    )
    assert {r.status_code for r in responses} == {202}, [r.text for r in responses if r.status_code != 202]
    assert len({r.json()["messageId"] for r in responses}) == 1
    assert await Message.filter(organization_id=key.organization_id).count() == 1


async def test_a_failed_request_does_not_burn_the_key(client, key):
    headers = with_key(key, "retry-after-fix")
    bad = await client.post("/api/v1/delivery/send", json={**SEND, "to": "not-an-email"}, headers=headers)
    assert bad.status_code == 422
    good = await client.post("/api/v1/delivery/send", json=SEND, headers=headers)
    assert good.status_code == 202


async def test_contacts_upsert_replays_201_and_events_replay(client, key):
    headers = with_key(key, "c-1")
    body = {"email": "new@example.com", "tags": ["a"]}
    first = await client.post("/api/v1/contacts", json=body, headers=headers)
    again = await client.post("/api/v1/contacts", json=body, headers=headers)
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    event = {"email": "new@example.com", "eventType": "order.placed", "value": "9.99", "currency": "USD"}
    ev_headers = with_key(key, "e-1")
    first = await client.post("/api/v1/pipelines/events", json=event, headers=ev_headers)
    again = await client.post("/api/v1/pipelines/events", json=event, headers=ev_headers)
    assert first.json() == again.json() and first.status_code == 202
    assert await Event.filter(organization_id=key.organization_id).count() == 1


async def test_keys_are_per_organization(client, make_key):
    key_a, key_b = await make_key(), await make_key()
    a = await client.post("/api/v1/delivery/send", json=SEND, headers=with_key(key_a, "shared"))
    b = await client.post("/api/v1/delivery/send", json=SEND, headers=with_key(key_b, "shared"))
    assert a.status_code == b.status_code == 202
    assert a.json()["messageId"] != b.json()["messageId"]
    assert (await Message.get(id=b.json()["messageId"])).organization_id == key_b.organization_id


async def test_bad_keys_are_422(client, key):
    for bad in ("x" * 256, " "):
        response = await client.post("/api/v1/delivery/send", json=SEND, headers=with_key(key, bad))
        assert response.status_code == 422, bad
        assert response.json()["error"]["details"][0]["field"] == "Idempotency-Key"


async def test_graphql_idempotency_key_replays_and_shares_rest_keys(client, key):
    mutation = """mutation($input: SendEmailInput!) { sendEmail(input: $input) { messageId userErrors { code } } }"""
    variables = {"input": {**SEND, "idempotencyKey": "gql-1"}}
    first = (await gql(client, key, mutation, variables)).json()["data"]["sendEmail"]
    again = (await gql(client, key, mutation, variables)).json()["data"]["sendEmail"]
    assert first["messageId"] and first == again
    # The same request through REST with the same key replays the GraphQL result.
    rest = await client.post("/api/v1/delivery/send", json=SEND, headers=with_key(key, "gql-1"))
    assert rest.json()["messageId"] == first["messageId"]
    other = {"input": {**SEND, "subject": "Other", "idempotencyKey": "gql-1"}}
    conflict = (await gql(client, key, mutation, other)).json()["data"]["sendEmail"]
    assert conflict == {"messageId": None, "userErrors": [{"code": "conflict"}]}
    assert await Message.filter(organization_id=key.organization_id).count() == 1
