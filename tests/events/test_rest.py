"""Pipeline events over REST: batch ingest with per-item results, a client-chosen `eventId`
stored once (also when sent concurrently), batch idempotency, listing with filters and
cursors, and another organization's view."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from models import Contact, Event
from tests.helpers import EVENT, HAS_EVENTS_QUERY, gql, iso, seed_events


async def post_event_batch(client, key, events, **headers):
    return await client.post("/api/v1/pipelines/events/batch", json={"events": events}, headers={**key.headers, **headers})


async def test_batch_stores_valid_events_and_reports_invalid_ones(client, key):
    events = [
        EVENT,
        {**EVENT, "email": "nope"},
        {**EVENT, "eventType": "Order Placed"},
        {**EVENT, "currency": None},
        {**EVENT, "currency": "JPY", "value": 1.5},
        {**EVENT, "currency": "usd"},
        {**EVENT, "properties": {"blob": "x" * (33 * 1024)}},
        {**EVENT, "eventId": ""},
        {**EVENT, "eventId": "a\nb"},
        {**EVENT, "eventId": "x" * 256},
        {**EVENT, "color": "red"},
        {"email": "b@example.com", "eventType": "signed.up", "properties": {"plan": "pro"}, "eventId": "su-1"},
    ]
    response = await post_event_batch(client, key, events)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["accepted"], body["rejected"]) == (2, 10)
    first, *bad, last = body["data"]
    assert first["status"] == "accepted" and first["eventId"].startswith("evt_") and first["error"] is None
    assert last["status"] == "accepted" and last["index"] == 11
    got = [(b["index"], b["status"], b["eventId"], [(d["field"], d["code"]) for d in b["error"]["details"]]) for b in bad]
    assert got == [
        (1, "rejected", None, [("events.1.email", "invalid_email")]),
        (2, "rejected", None, [("events.2.eventType", "invalid_format")]),
        (3, "rejected", None, [("events.3.currency", "required")]),
        (4, "rejected", None, [("events.4.value", "too_precise")]),
        (5, "rejected", None, [("events.5.currency", "invalid_currency")]),
        (6, "rejected", None, [("events.6.properties", "too_large")]),
        (7, "rejected", None, [("events.7.eventId", "too_short")]),
        (8, "rejected", None, [("events.8.eventId", "invalid_format")]),
        (9, "rejected", None, [("events.9.eventId", "too_long")]),
        (10, "rejected", None, [("events.10.color", "unknown_field")]),
    ]
    assert all(b["error"]["code"] == "validation_error" for b in bad)
    stored = await Event.filter(organization_id=key.organization_id).order_by("id")
    assert sorted(e.id for e in stored) == sorted([first["eventId"], last["eventId"]])
    by_id = {e.id: e for e in stored}
    assert by_id[last["eventId"]].event_id == "su-1" and by_id[last["eventId"]].properties == {"plan": "pro"}
    contacts = await Contact.filter(organization_id=key.organization_id).order_by("email_key")
    assert [c.email for c in contacts] == ["b@example.com", "jane@example.com"]


async def test_batch_limits_and_bad_bodies(client, key):
    for body in ({"events": []}, {"events": [EVENT] * 1001}, {"events": "x"}, {}):
        response = await client.post("/api/v1/pipelines/events/batch", json=body, headers=key.headers)
        assert response.status_code == 422, body
        assert response.json()["error"]["details"][0]["field"] == "events"
    response = await client.post(
        "/api/v1/pipelines/events/batch", content=b"{", headers={**key.headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert await Event.filter(organization_id=key.organization_id).count() == 0


async def test_batch_of_many_emails_creates_contacts_in_bulk(client, key):
    await client.post("/api/v1/contacts", json={"email": "U3@example.com", "firstName": "Three"}, headers=key.headers)
    events = [{"email": f"u{i % 250}@example.com", "eventType": "page.viewed", "eventId": f"pv-{i}"} for i in range(1000)]
    response = await post_event_batch(client, key, events)
    assert response.status_code == 200 and response.json()["accepted"] == 1000
    assert await Event.filter(organization_id=key.organization_id).count() == 1000
    assert await Contact.filter(organization_id=key.organization_id).count() == 250
    three = await Contact.get(organization_id=key.organization_id, email_key="u3@example.com")
    assert (three.email, three.first_name) == ("U3@example.com", "Three")  # found, not recreated
    assert await Event.filter(contact_id=three.id).count() == 4


async def test_duplicate_event_id_is_accepted_and_stored_once(client, make_key):
    key, other = await make_key(), await make_key()
    body = {**EVENT, "eventId": "order-1001"}
    first = await client.post("/api/v1/pipelines/events", json=body, headers=key.headers)
    again = await client.post("/api/v1/pipelines/events", json={**body, "value": 5}, headers=key.headers)
    assert first.status_code == again.status_code == 202
    assert first.json()["eventId"].startswith("evt_")
    assert again.json() == first.json() == {"eventId": first.json()["eventId"], "status": "accepted"}
    # In a batch: one already stored, one repeated within the batch, one new.
    response = await post_event_batch(client, key, [body, {**body, "eventId": "order-1002"}, {**body, "eventId": "order-1002"}])
    data = response.json()["data"]
    assert data[0]["eventId"] == first.json()["eventId"]
    assert data[1]["eventId"] == data[2]["eventId"] != data[0]["eventId"]
    assert response.json()["accepted"] == 3
    rows = await Event.filter(organization_id=key.organization_id).order_by("event_id")
    assert [(r.event_id, str(r.value)) for r in rows] == [("order-1001", "129.0000"), ("order-1002", "129.0000")]
    # Another organization's eventId is its own.
    theirs = await client.post("/api/v1/pipelines/events", json=body, headers=other.headers)
    assert theirs.status_code == 202 and theirs.json()["eventId"] != first.json()["eventId"]
    assert await Event.filter(organization_id=other.organization_id).count() == 1
    # GraphQL single ingest: the same rule.
    mutation = "mutation($i: EventInput!) { ingestEvent(input: $i) { eventId status userErrors { field } } }"
    payload = (await gql(client, key, mutation, {"i": {**body, "value": "129.00"}})).json()["data"]["ingestEvent"]
    assert payload == {"eventId": first.json()["eventId"], "status": "accepted", "userErrors": []}


async def test_concurrent_duplicates_make_one_row_and_one_contact(client, key):
    body = {**EVENT, "email": "race@example.com", "eventId": "race-1"}

    async def post(i: int):
        if i % 2:
            response = await client.post("/api/v1/pipelines/events", json=body, headers=key.headers)
            assert response.status_code == 202, response.text
            return response.json()["eventId"]
        response = await post_event_batch(client, key, [body, {**body, "eventId": f"other-{i}"}])
        assert response.status_code == 200, response.text
        return response.json()["data"][0]["eventId"]

    ids = await asyncio.gather(*(post(i) for i in range(20)))
    assert len(set(ids)) == 1
    assert await Event.filter(organization_id=key.organization_id, event_id="race-1").count() == 1
    assert [e.id for e in await Event.filter(organization_id=key.organization_id, event_id="race-1")] == ids[:1]
    assert await Event.filter(organization_id=key.organization_id).count() == 11
    assert await Contact.filter(organization_id=key.organization_id).count() == 1


async def test_batch_idempotency_key_replays_and_conflicts(client, key):
    events = [EVENT, {**EVENT, "email": "bad"}]
    first = await post_event_batch(client, key, events, **{"Idempotency-Key": "b-1"})
    again = await post_event_batch(client, key, events, **{"Idempotency-Key": "b-1"})
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert await Event.filter(organization_id=key.organization_id).count() == 1
    other = await post_event_batch(client, key, [EVENT], **{"Idempotency-Key": "b-1"})
    assert other.status_code == 409 and other.json()["error"]["code"] == "conflict"
    changed = await post_event_batch(client, key, [EVENT, {**EVENT, "eventId": "another"}], **{"Idempotency-Key": "b-1"})
    assert changed.status_code == 409
    assert await Event.filter(organization_id=key.organization_id).count() == 1  # the refusals stored nothing


async def test_list_filters_pagination_and_values(client, key):
    now, ids = await seed_events(client, key)
    contact_a = await Contact.get(organization_id=key.organization_id, email_key="a@example.com")

    async def listed(**params):
        response = await client.get("/api/v1/pipelines/events", params=params, headers=key.headers)
        assert response.status_code == 200, response.text
        return [e["id"] for e in response.json()["data"]]

    assert await listed() == ids[::-1]
    assert await listed(type="order.placed") == [ids[3], ids[2], ids[0]]
    assert await listed(type="nothing") == []
    assert await listed(email="A@EXAMPLE.com") == [ids[3], ids[2], ids[0]]
    assert await listed(email="nobody@example.com") == []
    assert await listed(contactId=contact_a.id) == [ids[3], ids[2], ids[0]]
    assert await listed(since=iso(now - timedelta(days=2)), until=iso(now - timedelta(hours=1))) == [ids[2], ids[1]]
    assert await listed(since=iso(now - timedelta(days=2)), type="order.placed") == [ids[3], ids[2]]
    assert await listed(until=iso(now - timedelta(days=3))) == []  # until is exclusive
    page = (await client.get("/api/v1/pipelines/events", params={"limit": 3}, headers=key.headers)).json()
    assert [e["id"] for e in page["data"]] == [ids[3], ids[2], ids[1]] and page["hasMore"] is True
    rest = (await client.get("/api/v1/pipelines/events", params={"limit": 3, "cursor": page["nextCursor"]},
                             headers=key.headers)).json()
    assert [e["id"] for e in rest["data"]] == [ids[0]] and rest["hasMore"] is False and rest["nextCursor"] is None
    kwd, jpy, view, usd = page["data"] + rest["data"]
    assert (usd["value"], usd["currency"], jpy["value"], kwd["value"], view["value"]) == ("10.00", "USD", "1500", "1.250", None)
    assert usd == {
        "id": ids[0], "eventId": "o-1", "eventType": "order.placed", "contactId": contact_a.id,
        "email": "a@example.com", "value": "10.00", "currency": "USD", "properties": {"n": 1},
        "occurredAt": usd["occurredAt"], "receivedAt": usd["receivedAt"], "sandbox": False,
    }
    assert datetime.fromisoformat(usd["occurredAt"].replace("Z", "+00:00")) == now - timedelta(days=3)
    assert datetime.fromisoformat(usd["receivedAt"].replace("Z", "+00:00")) >= now - timedelta(minutes=1)
    assert view["properties"] == {} and view["eventId"] is None
    # After erasure the events stay, anonymous.
    erased = await client.delete(f"/api/v1/contacts/{contact_a.id}", headers=key.headers)
    assert erased.status_code == 200, erased.text
    after = (await client.get("/api/v1/pipelines/events", headers=key.headers)).json()["data"]
    assert [(e["id"], e["contactId"], e["email"]) for e in after if e["id"] != ids[1]] == [
        (ids[3], None, None), (ids[2], None, None), (ids[0], None, None)
    ]


async def test_list_bad_input(client, key):
    for params, field in (({"limit": 0}, "limit"), ({"limit": 101}, "limit"), ({"cursor": "zz"}, "cursor"),
                          ({"since": "2026-01-01T00:00:00"}, "since"), ({"until": "yesterday"}, "until"),
                          ({"limit": "many"}, "limit")):
        response = await client.get("/api/v1/pipelines/events", params=params, headers=key.headers)
        assert response.status_code == 422, (params, response.text)
        # Type errors from FastAPI are named `query.<param>` (app-wide); ours name the parameter.
        assert response.json()["error"]["details"][0]["field"].removeprefix("query.") == field, params


async def test_events_are_isolated_between_organizations(client, make_key):
    key_a, key_b = await make_key(), await make_key()
    _, ids = await seed_events(client, key_a)
    contact_a = await Contact.get(organization_id=key_a.organization_id, email_key="a@example.com")
    listed = await client.get("/api/v1/pipelines/events", params={"contactId": contact_a.id}, headers=key_b.headers)
    assert listed.status_code == 200 and listed.json()["data"] == []
    assert (await client.get("/api/v1/pipelines/events", params={"email": "a@example.com"}, headers=key_b.headers)).json()["data"] == []
    # B's duplicate of A's eventId is B's own event; A's cursor shows B nothing of A's.
    page = (await client.get("/api/v1/pipelines/events", params={"limit": 1}, headers=key_a.headers)).json()
    rest = await client.get("/api/v1/pipelines/events", params={"cursor": page["nextCursor"]}, headers=key_b.headers)
    assert rest.json()["data"] == []
    mine = await post_event_batch(client, key_b, [{"email": "a@example.com", "eventType": "x", "eventId": "o-1"}])
    assert mine.json()["data"][0]["eventId"] not in ids
    query = "query($id: ID!) { contact(id: $id) { id events { edges { node { id } } } } }"
    assert (await gql(client, key_b, query, {"id": contact_a.id})).json()["data"]["contact"] is None
    if HAS_EVENTS_QUERY:
        data = (await gql(client, key_b, "{ events(first: 100) { edges { node { id } } } }")).json()["data"]
        assert [e["node"]["id"] for e in data["events"]["edges"]] == [mine.json()["data"][0]["eventId"]]
