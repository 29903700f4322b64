"""Erasure over GraphQL: deleteContact."""

from __future__ import annotations

from tests.helpers import gql, upsert_ok


async def test_graphql_delete_contact(client, key):
    contact = await upsert_ok(client, key, email="gone@example.com")
    mutation = """mutation($id: ID!) { deleteContact(input: {id: $id}) { erasure { id deleted suppressed }
        userErrors { code } } }"""
    payload = (await gql(client, key, mutation, {"id": contact["id"]})).json()["data"]["deleteContact"]
    assert payload == {"erasure": {"id": contact["id"], "deleted": True, "suppressed": False}, "userErrors": []}
    payload = (await gql(client, key, mutation, {"id": contact["id"]})).json()["data"]["deleteContact"]
    assert payload == {"erasure": None, "userErrors": [{"code": "not_found"}]}
