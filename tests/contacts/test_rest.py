from __future__ import annotations

import asyncio

from models import Contact, ContactTag
from tests.conftest import gql


async def upsert(client, key, **body):
    return await client.post("/api/v1/contacts", json=body, headers=key.headers)


async def test_upsert_creates_then_merges(client, key):
    first = await upsert(client, key, email="jane@example.com", firstName="Jane", tags=["a", "b"], customFields={"plan": "pro", "seats": 3})
    assert first.status_code == 201
    second = await upsert(client, key, email="JANE@example.com", lastName="Doe", tags=["b", "c"], customFields={"plan": "team"})
    assert second.status_code == 200
    body = second.json()
    assert body["id"] == first.json()["id"]
    assert body["email"] == "jane@example.com"  # the stored address keeps its first spelling
    assert (body["firstName"], body["lastName"]) == ("Jane", "Doe")  # omitted fields are kept
    assert body["tags"] == ["a", "b", "c"]  # added, no duplicates, in order of first use
    assert body["customFields"] == {"plan": "team", "seats": 3}  # merged
    assert body["updatedAt"] >= body["createdAt"]
    assert await Contact.filter(organization_id=key.organization_id).count() == 1
    assert await ContactTag.filter(organization_id=key.organization_id).count() == 3


async def test_concurrent_upserts_of_one_email_make_one_contact(client, key):
    responses = await asyncio.gather(
        *(upsert(client, key, email="race@example.com", tags=[f"t{i}"], customFields={f"k{i}": i}) for i in range(20))
    )
    assert sorted(r.status_code for r in responses) == [200] * 19 + [201]
    assert len({r.json()["id"] for r in responses}) == 1
    contact = await Contact.get(organization_id=key.organization_id, email_key="race@example.com").prefetch_related("tags")
    assert sorted(t.tag for t in contact.tags) == sorted(f"t{i}" for i in range(20))
    assert contact.custom_fields == {f"k{i}": i for i in range(20)}  # no merge was lost


async def test_get_by_id_and_unknown_id(client, key):
    created = (await upsert(client, key, email="x@example.com")).json()
    got = await client.get(f"/api/v1/contacts/{created['id']}", headers=key.headers)
    assert got.status_code == 200 and got.json() == created
    missing = await client.get("/api/v1/contacts/ct_00000000000000000000000000", headers=key.headers)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


async def test_list_paginates_newest_first_and_filters(client, key):
    ids = []
    for i in range(7):
        ids.append((await upsert(client, key, email=f"user{i}@example.com", tags=["even" if i % 2 == 0 else "odd"])).json()["id"])
    seen, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/api/v1/contacts", params=params, headers=key.headers)).json()
        seen += [c["id"] for c in page["data"]]
        if not page["hasMore"]:
            assert page["nextCursor"] is None
            break
        cursor = page["nextCursor"]
    assert seen == list(reversed(ids))
    even = (await client.get("/api/v1/contacts", params={"tag": "even"}, headers=key.headers)).json()["data"]
    assert [c["email"] for c in even] == ["user6@example.com", "user4@example.com", "user2@example.com", "user0@example.com"]
    by_email = (await client.get("/api/v1/contacts", params={"email": "USER3"}, headers=key.headers)).json()["data"]
    assert [c["email"] for c in by_email] == ["user3@example.com"]


async def test_graphql_connection_and_lookups(client, key):
    for i in range(3):
        await upsert(client, key, email=f"g{i}@example.com", tags=["vip"] if i else [])
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
