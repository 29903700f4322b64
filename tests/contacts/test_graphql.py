"""Contacts over GraphQL: the connection and its lookups, updateContact."""

from __future__ import annotations

from tests.helpers import gql, post_upsert, upsert_ok


async def test_graphql_connection_and_lookups(client, key):
    for i in range(3):
        await post_upsert(client, key, email=f"g{i}@example.com", tags=["vip"] if i else [])
    query = """query($after: String) { contacts(first: 2, after: $after, filter: {tag: "vip"}) {
        edges { cursor node { email tags } } pageInfo { hasNextPage endCursor } } }"""
    first = (await gql(client, key, query)).json()["data"]["contacts"]
    assert [e["node"]["email"] for e in first["edges"]] == ["g2@example.com", "g1@example.com"]
    assert first["pageInfo"]["hasNextPage"] is False
    by_email = await gql(client, key, '{ contactByEmail(email: "G1@EXAMPLE.COM") { email tags } }')
    assert by_email.json()["data"]["contactByEmail"] == {"email": "g1@example.com", "tags": ["vip"]}
    too_many = await gql(client, key, "{ contacts(first: 101) { edges { cursor } } }")
    error = too_many.json()["errors"][0]
    assert error["extensions"]["code"] == "validation_error" and "first" in error["message"]


async def test_graphql_update_contact_touches_only_given_fields(client, key):
    contact = await upsert_ok(client, key, email="g@example.com", firstName="Gil", lastName="Ro", tags=["a"])
    mutation = """mutation($input: UpdateContactInput!) { updateContact(input: $input) {
        contact { firstName lastName tags } userErrors { field code } } }"""
    payload = (await gql(client, key, mutation, {"input": {"id": contact["id"], "lastName": "Ray", "addTags": ["b"]}})
               ).json()["data"]["updateContact"]
    assert payload == {"contact": {"firstName": "Gil", "lastName": "Ray", "tags": ["a", "b"]}, "userErrors": []}
    other = await upsert_ok(client, key, email="h@example.com")
    payload = (await gql(client, key, mutation, {"input": {"id": other["id"], "email": "g@example.com"}})
               ).json()["data"]["updateContact"]
    assert payload == {"contact": None, "userErrors": [{"field": "email", "code": "conflict"}]}
