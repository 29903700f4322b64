"""The full contacts API: filters, by-email, PATCH, erasure, export (REST and GraphQL)."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta, timezone

from models import Contact, ContactTag, Event, IdempotencyRecord, Message, MessageRecipient, Suppression
from tests.conftest import gql
from tests.imports.test_rest import CSV, import_and_run


async def upsert(client, key, **body):
    response = await client.post("/api/v1/contacts", json=body, headers=key.headers)
    assert response.status_code in (200, 201), response.text
    return response.json()


async def listed(client, key, params) -> list[str]:
    response = await client.get("/api/v1/contacts", params=params, headers=key.headers)
    assert response.status_code == 200, response.text
    return [c["email"] for c in response.json()["data"]]


async def test_filters_combine_and_match_graphql(client, key):
    await upsert(client, key, email="ana@example.com", tags=["vip", "beta"], customFields={"plan": "pro", "seats": 5})
    await upsert(client, key, email="bob@example.com", tags=["vip"], customFields={"plan": "pro", "seats": "5"})
    await upsert(client, key, email="cy@other.org", tags=["beta"], customFields={"plan": "free", "active": True})
    assert await listed(client, key, [("tag", "vip"), ("tag", "beta")]) == ["ana@example.com"]
    assert await listed(client, key, {"tag": "vip"}) == ["bob@example.com", "ana@example.com"]
    assert await listed(client, key, {"customField[plan]": "pro"}) == ["bob@example.com", "ana@example.com"]
    assert await listed(client, key, {"customField[seats]": "5"}) == ["bob@example.com", "ana@example.com"]
    assert await listed(client, key, {"customField[active]": "true"}) == ["cy@other.org"]
    assert await listed(client, key, {"customField[plan]": "pro", "email": "ANA"}) == ["ana@example.com"]
    assert await listed(client, key, {"customField[missing]": "x"}) == []
    future = (datetime.now(timezone.utc) + timedelta(minutes=1)).isoformat()
    past = (datetime.now(timezone.utc) - timedelta(minutes=1)).isoformat()
    assert await listed(client, key, {"createdAfter": future}) == []
    assert len(await listed(client, key, {"createdAfter": past})) == 3
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
    created = await upsert(client, key, email="Zoë+news@Example.com", firstName="Zoë")
    response = await client.get("/api/v1/contacts/by-email/zo%C3%AB%2Bnews%40example.com", headers=key.headers)
    assert response.status_code == 200 and response.json()["id"] == created["id"]
    missing = await client.get("/api/v1/contacts/by-email/nobody%40example.com", headers=key.headers)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


async def test_patch_is_partial_and_merges_like_upsert(client, key):
    contact = await upsert(client, key, email="p@example.com", firstName="Pat", lastName="Lee", tags=["a", "b"],
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
    again = await upsert(client, key, email="p@example.com", customFields={"plan": None, "new": 1})
    assert again["customFields"] == {"seats": 4, "new": 1}
    cleared = await client.patch(url, json={"firstName": None}, headers=key.headers)
    assert cleared.json()["firstName"] is None and cleared.json()["lastName"] == "Smith"
    moved = await client.patch(url, json={"email": "P.New@Example.com"}, headers=key.headers)
    assert moved.status_code == 200 and moved.json()["email"] == "P.New@example.com"


async def test_patch_to_an_existing_email_is_409_and_bad_input_422(client, key):
    one = await upsert(client, key, email="one@example.com")
    await upsert(client, key, email="two@example.com")
    url = f"/api/v1/contacts/{one['id']}"
    response = await client.patch(url, json={"email": "TWO@example.com"}, headers=key.headers)
    assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"
    assert (await Contact.get(id=one["id"])).email == "one@example.com"
    for body, field in (({"email": "nope"}, "email"), ({"email": None}, "email"), ({"tags": ["x"]}, "tags"),
                        ({"customFields": "x"}, "customFields")):
        response = await client.patch(url, json=body, headers=key.headers)
        assert response.status_code == 422 and response.json()["error"]["details"][0]["field"] == field, body
    assert (await client.patch("/api/v1/contacts/ct_nope", json={}, headers=key.headers)).status_code == 404


async def test_graphql_update_contact_touches_only_given_fields(client, key):
    contact = await upsert(client, key, email="g@example.com", firstName="Gil", lastName="Ro", tags=["a"])
    mutation = """mutation($input: UpdateContactInput!) { updateContact(input: $input) {
        contact { firstName lastName tags } userErrors { field code } } }"""
    payload = (await gql(client, key, mutation, {"input": {"id": contact["id"], "lastName": "Ray", "addTags": ["b"]}})
               ).json()["data"]["updateContact"]
    assert payload == {"contact": {"firstName": "Gil", "lastName": "Ray", "tags": ["a", "b"]}, "userErrors": []}
    other = await upsert(client, key, email="h@example.com")
    payload = (await gql(client, key, mutation, {"input": {"id": other["id"], "email": "g@example.com"}})
               ).json()["data"]["updateContact"]
    assert payload == {"contact": None, "userErrors": [{"field": "email", "code": "conflict"}]}


async def test_erasure_leaves_nothing_personal_and_keeps_counts(client, key, worker, smtp_sink):
    contact = await upsert(client, key, email="erase.me@example.com", firstName="Eve", tags=["vip"])
    await upsert(client, key, email="stay@example.com", firstName="Stan")
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


async def test_graphql_delete_contact(client, key):
    contact = await upsert(client, key, email="gone@example.com")
    mutation = """mutation($id: ID!) { deleteContact(input: {id: $id}) { erasure { id deleted suppressed }
        userErrors { code } } }"""
    payload = (await gql(client, key, mutation, {"id": contact["id"]})).json()["data"]["deleteContact"]
    assert payload == {"erasure": {"id": contact["id"], "deleted": True, "suppressed": False}, "userErrors": []}
    payload = (await gql(client, key, mutation, {"id": contact["id"]})).json()["data"]["deleteContact"]
    assert payload == {"erasure": None, "userErrors": [{"code": "not_found"}]}


async def test_export_streams_csv_and_ndjson_with_filters(client, key):
    for i in range(1205):  # more than one batch
        await Contact.create(organization_id=key.organization_id, email=f"u{i}@example.com", email_key=f"u{i}@example.com",
                             custom_fields={"n": i} if i % 2 else {"plan": "pro, \"team\"\nplus"})
    await upsert(client, key, email="tagged@example.com", firstName="Tä", tags=["x", "y"], customFields={"plan": "pro"})
    response = await client.get("/api/v1/contacts/export", headers=key.headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="contacts.csv"'
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 1206
    assert list(rows[0]) == ["id", "email", "firstName", "lastName", "tags", "createdAt", "updatedAt", "n", "plan"]
    by_email = {r["email"]: r for r in rows}
    assert by_email["u0@example.com"]["plan"] == 'pro, "team"\nplus' and by_email["u0@example.com"]["n"] == ""
    assert by_email["u1@example.com"]["n"] == "1"  # non-string values as JSON
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    tagged = next(r for r in rows if r["email"] == "tagged@example.com")
    assert (tagged["tags"], tagged["firstName"], tagged["plan"]) == ("x;y", "Tä", "pro")
    response = await client.get("/api/v1/contacts/export", params={"format": "ndjson", "tag": "x"}, headers=key.headers)
    assert response.headers["content-type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert [line["email"] for line in lines] == ["tagged@example.com"] and lines[0]["customFields"] == {"plan": "pro"}
    bad = await client.get("/api/v1/contacts/export", params={"format": "xml"}, headers=key.headers)
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "format"


async def test_another_org_cannot_read_change_erase_or_export_a_contact(client, make_key):
    key_a, key_b = await make_key(), await make_key()
    contact = await upsert(client, key_a, email="only-a@example.com", firstName="Ann", tags=["a"],
                           customFields={"plan": "pro"})
    b = key_b.headers
    assert (await client.get("/api/v1/contacts/by-email/only-a%40example.com", headers=b)).status_code == 404
    assert (await client.patch(f"/api/v1/contacts/{contact['id']}", json={"firstName": "M"}, headers=b)).status_code == 404
    assert (await client.delete(f"/api/v1/contacts/{contact['id']}", headers=b)).status_code == 404
    for params in ({"format": "csv"}, {"format": "ndjson", "customField[plan]": "pro"}):
        exported = await client.get("/api/v1/contacts/export", params=params, headers=b)
        assert exported.status_code == 200 and "only-a" not in exported.text
    assert await listed(client, key_b, {"customField[plan]": "pro"}) == []
    stored = await Contact.get(id=contact["id"])
    assert stored.first_name == "Ann"
    assert await listed(client, key_a, {"customField[plan]": "pro"}) == ["only-a@example.com"]


async def test_export_records_match_the_api_view(client, key):
    await upsert(client, key, email="same@example.com", firstName="Sá", tags=["b", "a"], customFields={"n": 1.5, "x": [1]})
    [viewed] = (await client.get("/api/v1/contacts", headers=key.headers)).json()["data"]
    exported = await client.get("/api/v1/contacts/export", params={"format": "ndjson"}, headers=key.headers)
    assert [json.loads(line) for line in exported.text.splitlines()] == [viewed]


TRICKY = ["=1+1", "-5", "+1", "@x", "\t=x", "'=x", "''@x", "plain'", "'plain", "a=b"]


async def stored_values(key) -> dict[str, tuple]:
    contacts = await Contact.filter(organization_id=key.organization_id).prefetch_related("tags")
    return {c.email: (c.first_name, c.last_name, c.custom_fields["note"], [t.tag for t in c.tags]) for c in contacts}


async def test_csv_export_neutralizes_formulas_and_imports_back_to_the_same_values(client, key, settings):
    for i, value in enumerate(TRICKY):
        await upsert(client, key, email=f"t{i}@example.com", firstName=value, lastName="L" + value, tags=[value.strip()],
                     customFields={"note": value})
    await upsert(client, key, email="formula-name@example.com", firstName="F", lastName="L", tags=["f"],
                 customFields={"note": "n", "=HYPERLINK(1)": "x"})
    before = await stored_values(key)
    assert before["t4@example.com"][2] == "\t=x"  # custom fields are stored as sent
    exported = await client.get("/api/v1/contacts/export", headers=key.headers)
    assert exported.status_code == 200
    rows = {r["email"]: r for r in csv.DictReader(io.StringIO(exported.text))}
    assert list(rows["formula-name@example.com"])[-2:] == ["'=HYPERLINK(1)", "note"]
    for email, (first, last, note, [tag]) in before.items():
        row = rows[email]
        for value, cell in ((first, row["firstName"]), (last, row["lastName"]), (note, row["note"]), (tag, row["tags"])):
            formula = value.lstrip("'")[:1] in ("=", "+", "-", "@", "\t", "\r")
            assert cell == ("'" + value if formula else value), (value, cell)
    assert rows["t0@example.com"]["note"] == "'=1+1" and rows["t5@example.com"]["note"] == "''=x"
    assert rows["t7@example.com"]["note"] == "plain'" and rows["t8@example.com"]["note"] == "'plain"

    await Contact.filter(organization_id=key.organization_id).delete()
    job = await import_and_run(client, key, settings, exported.content, CSV)
    assert (job["status"], job["created"], job["failed"]) == ("completed", len(TRICKY) + 1, 0), job
    assert await stored_values(key) == before
    formula_name = await Contact.get(organization_id=key.organization_id, email_key="formula-name@example.com")
    assert (formula_name.custom_fields["note"], formula_name.custom_fields["=HYPERLINK(1)"]) == ("n", "x")
