"""Idempotency keys over GraphQL: `idempotencyKey` replays, and shares its keys with REST."""

from __future__ import annotations

from models import Message
from tests.helpers import SEND, gql, idempotent_headers


async def test_graphql_idempotency_key_replays_and_shares_rest_keys(client, key):
    mutation = """mutation($input: SendEmailInput!) { sendEmail(input: $input) { messageId userErrors { code } } }"""
    variables = {"input": {**SEND, "idempotencyKey": "gql-1"}}
    first = (await gql(client, key, mutation, variables)).json()["data"]["sendEmail"]
    again = (await gql(client, key, mutation, variables)).json()["data"]["sendEmail"]
    assert first["messageId"] and first == again
    # The same request through REST with the same key replays the GraphQL result.
    rest = await client.post("/api/v1/delivery/send", json=SEND, headers=idempotent_headers(key, "gql-1"))
    assert rest.json()["messageId"] == first["messageId"]
    other = {"input": {**SEND, "subject": "Other", "idempotencyKey": "gql-1"}}
    conflict = (await gql(client, key, mutation, other)).json()["data"]["sendEmail"]
    assert conflict == {"messageId": None, "userErrors": [{"code": "conflict"}]}
    assert await Message.filter(organization_id=key.organization_id).count() == 1
