"""Contacts over REST: upsert (create, then merge; concurrent upserts of one address), get by
id and by address, PATCH, listing with filters and cursors, and another organization's view."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

from models import Contact, ContactTag
from tests.helpers import gql, post_upsert, upsert_ok


async def test_upsert_creates_then_merges(client, key):
    first = await post_upsert(client, key, email="jane@example.com", firstName="Jane", tags=["a", "b"], customFields={"plan": "pro", "seats": 3})
    assert first.status_code == 201
    second = await post_upsert(client, key, email="JANE@example.com", lastName="Doe", tags=["b", "c"], customFields={"plan": "team"})
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
        *(post_upsert(client, key, email="race@example.com", tags=[f"t{i}"], customFields={f"k{i}": i}) for i in range(20))
    )
    assert sorted(r.status_code for r in responses) == [200] * 19 + [201]
    assert len({r.json()["id"] for r in responses}) == 1
    contact = await Contact.get(organization_id=key.organization_id, email_key="race@example.com").prefetch_related("tags")
    assert sorted(t.tag for t in contact.tags) == sorted(f"t{i}" for i in range(20))
    assert contact.custom_fields == {f"k{i}": i for i in range(20)}  # no merge was lost


async def test_get_by_id_and_unknown_id(client, key):
    created = (await post_upsert(client, key, email="x@example.com")).json()
    got = await client.get(f"/api/v1/contacts/{created['id']}", headers=key.headers)
    assert got.status_code == 200 and got.json() == created
    missing = await client.get("/api/v1/contacts/ct_00000000000000000000000000", headers=key.headers)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


async def test_list_paginates_newest_first_and_filters(client, key):
    ids = []
    for i in range(7):
        ids.append((await post_upsert(client, key, email=f"user{i}@example.com", tags=["even" if i % 2 == 0 else "odd"])).json()["id"])
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


async def listed_emails(client, key, params) -> list[str]:
    response = await client.get("/api/v1/contacts", params=params, headers=key.headers)
    assert response.status_code == 200, response.text
    return [c["email"] for c in response.json()["data"]]


async def test_filters_combine_and_match_graphql(client, key):
    await upsert_ok(client, key, email="ana@example.com", tags=["vip", "beta"], customFields={"plan": "pro", "seats": 5})
    await upsert_ok(client, key, email="bob@example.com", tags=["vip"], customFields={"plan": "pro", "seats": "5"})
    await upsert_ok(client, key, email="cy@other.org", tags=["beta"], customFields={"plan": "free", "active": True})
    assert await listed_emails(client, key, [("tag", "vip"), ("tag", "beta")]) == ["ana@example.com"]
    assert await listed_emails(client, key, {"tag": "vip"}) == ["bob@example.com", "ana@example.com"]
    assert await listed_emails(client, key, {"customField[plan]": "pro"}) == ["bob@example.com", "ana@example.com"]
    assert await listed_emails(client, key, {"customField[seats]": "5"}) == ["bob@example.com", "ana@example.com"]
    assert await listed_emails(client, key, {"customField[active]": "true"}) == ["cy@other.org"]
    assert await listed_emails(client, key, {"customField[plan]": "pro", "email": "ANA"}) == ["ana@example.com"]
    assert await listed_emails(client, key, {"customField[missing]": "x"}) == []
    # A number beyond 64 bits is compared, not a 500 (SQLite's integers stop there).
    assert await listed_emails(client, key, {"customField[seats]": "9" * 30}) == []
    future = (datetime.now(timezone.utc) + timedelta(minutes=1)).isoformat()
    past = (datetime.now(timezone.utc) - timedelta(minutes=1)).isoformat()
    assert await listed_emails(client, key, {"createdAfter": future}) == []
    assert len(await listed_emails(client, key, {"createdAfter": past})) == 3
    query = """query($f: ContactFilter) { contacts(first: 10, filter: $f) { edges { node { email } } } }"""
    data = (await gql(client, key, query, {"f": {"tags": ["vip", "beta"]}})).json()["data"]
    assert [e["node"]["email"] for e in data["contacts"]["edges"]] == ["ana@example.com"]
    data = (await gql(client, key, query, {"f": {"customFields": {"seats": 5}}})).json()["data"]
    assert [e["node"]["email"] for e in data["contacts"]["edges"]] == ["bob@example.com", "ana@example.com"]
    for params, field in (({"createdAfter": "2026-01-01T00:00:00"}, "createdAfter"),
                          ([("tag", str(i)) for i in range(11)], "tag")):
        response = await client.get("/api/v1/contacts", params=params, headers=key.headers)
        assert response.status_code == 422 and response.json()["error"]["details"][0]["field"] == field


async def test_get_by_email(client, key):
    created = await upsert_ok(client, key, email="Zoë+news@Example.com", firstName="Zoë")
    response = await client.get("/api/v1/contacts/by-email/zo%C3%AB%2Bnews%40example.com", headers=key.headers)
    assert response.status_code == 200 and response.json()["id"] == created["id"]
    missing = await client.get("/api/v1/contacts/by-email/nobody%40example.com", headers=key.headers)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


async def test_patch_is_partial_and_merges_like_upsert(client, key):
    contact = await upsert_ok(client, key, email="p@example.com", firstName="Pat", lastName="Lee", tags=["a", "b"],
                              customFields={"plan": "pro", "seats": 3, "old": "x"})
    url = f"/api/v1/contacts/{contact['id']}"
    response = await client.patch(url, json={"lastName": "Smith", "addTags": ["c"], "removeTags": ["a"],
                                             "customFields": {"seats": 4, "old": None}}, headers=key.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["firstName"], body["lastName"]) == ("Pat", "Smith")
    assert sorted(body["tags"]) == ["b", "c"]
    assert body["customFields"] == {"plan": "pro", "seats": 4}
    # The same merge through upsert: null removes, given keys overwrite, others stay.
    again = await upsert_ok(client, key, email="p@example.com", customFields={"plan": None, "new": 1})
    assert again["customFields"] == {"seats": 4, "new": 1}
    cleared = await client.patch(url, json={"firstName": None}, headers=key.headers)
    assert cleared.json()["firstName"] is None and cleared.json()["lastName"] == "Smith"
    moved = await client.patch(url, json={"email": "P.New@Example.com"}, headers=key.headers)
    assert moved.status_code == 200 and moved.json()["email"] == "P.New@example.com"


async def test_patch_to_an_existing_email_is_409_and_bad_input_422(client, key):
    one = await upsert_ok(client, key, email="one@example.com")
    await upsert_ok(client, key, email="two@example.com")
    url = f"/api/v1/contacts/{one['id']}"
    response = await client.patch(url, json={"email": "TWO@example.com"}, headers=key.headers)
    assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"
    assert (await Contact.get(id=one["id"])).email == "one@example.com"
    for body, field in (({"email": "nope"}, "email"), ({"email": None}, "email"), ({"tags": ["x"]}, "tags"),
                        ({"customFields": "x"}, "customFields")):
        response = await client.patch(url, json=body, headers=key.headers)
        assert response.status_code == 422 and response.json()["error"]["details"][0]["field"] == field, body
    assert (await client.patch("/api/v1/contacts/ct_nope", json={}, headers=key.headers)).status_code == 404


async def test_another_org_cannot_read_change_erase_or_export_a_contact(client, make_key):
    key_a, key_b = await make_key(), await make_key()
    contact = await upsert_ok(client, key_a, email="only-a@example.com", firstName="Ann", tags=["a"],
                              customFields={"plan": "pro"})
    b = key_b.headers
    assert (await client.get("/api/v1/contacts/by-email/only-a%40example.com", headers=b)).status_code == 404
    assert (await client.patch(f"/api/v1/contacts/{contact['id']}", json={"firstName": "M"}, headers=b)).status_code == 404
    assert (await client.delete(f"/api/v1/contacts/{contact['id']}", headers=b)).status_code == 404
    for params in ({"format": "csv"}, {"format": "ndjson", "customField[plan]": "pro"}):
        exported = await client.get("/api/v1/contacts/export", params=params, headers=b)
        assert exported.status_code == 200 and "only-a" not in exported.text
    assert await listed_emails(client, key_b, {"customField[plan]": "pro"}) == []
    stored = await Contact.get(id=contact["id"])
    assert stored.first_name == "Ann"
    assert await listed_emails(client, key_a, {"customField[plan]": "pro"}) == ["only-a@example.com"]
