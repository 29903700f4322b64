"""Pipeline events over GraphQL: the events query (the same data and cursors as REST), a
contact's events, and ingestEvents as REST's batch twin."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from models import Contact, Event
from tests.helpers import EVENT, HAS_EVENTS_QUERY, gql, iso, seed_events

needs_events_query = pytest.mark.skipif(
    not HAS_EVENTS_QUERY, reason="Query.events needs EventQueries merged in schema/__init__.py"
)


def _same_times(event: dict) -> dict:
    """REST writes `Z`, GraphQL's DateTime `+00:00`: compare the instants."""
    return {k: datetime.fromisoformat(v.replace("Z", "+00:00")) if k.endswith("At") else v for k, v in event.items()}


@needs_events_query
async def test_graphql_events_query_matches_rest(client, key):
    now, ids = await seed_events(client, key)
    rest = (await client.get("/api/v1/pipelines/events", params={"type": "order.placed", "limit": 2},
                             headers=key.headers)).json()
    query = """query($f: EventFilter, $after: String) { events(first: 2, after: $after, filter: $f) {
        edges { cursor node { id eventId eventType contactId email value currency properties occurredAt receivedAt sandbox } }
        pageInfo { hasNextPage endCursor } } }"""
    data = (await gql(client, key, query, {"f": {"type": "order.placed"}})).json()["data"]["events"]
    assert [_same_times(e["node"]) for e in data["edges"]] == [_same_times(e) for e in rest["data"]]
    assert data["pageInfo"] == {"hasNextPage": True, "endCursor": rest["nextCursor"]}
    more = (await gql(client, key, query, {"f": {"type": "order.placed"}, "after": rest["nextCursor"]})).json()
    assert [e["node"]["id"] for e in more["data"]["events"]["edges"]] == [ids[0]]
    filtered = (await gql(client, key, query, {"f": {"email": "b@example.com", "since": iso(now - timedelta(days=5))}})).json()
    assert [e["node"]["id"] for e in filtered["data"]["events"]["edges"]] == [ids[1]]
    bad = (await gql(client, key, query, {"after": "zz"})).json()
    assert bad["data"] is None or bad["data"]["events"] is None
    assert bad["errors"][0]["extensions"]["code"] == "validation_error"


async def test_contact_events_field(client, key):
    _, ids = await seed_events(client, key)
    contact_a = await Contact.get(organization_id=key.organization_id, email_key="a@example.com")
    query = """query($id: ID!, $after: String) { contact(id: $id) { email events(first: 2, after: $after) {
        edges { node { id value currency contactId } } pageInfo { hasNextPage endCursor } } } }"""
    data = (await gql(client, key, query, {"id": contact_a.id})).json()["data"]["contact"]
    assert [e["node"]["id"] for e in data["events"]["edges"]] == [ids[3], ids[2]]
    assert data["events"]["edges"][0]["node"] == {"id": ids[3], "value": "1.250", "currency": "KWD", "contactId": contact_a.id}
    assert data["events"]["pageInfo"]["hasNextPage"] is True
    rest = (await gql(client, key, query, {"id": contact_a.id, "after": data["events"]["pageInfo"]["endCursor"]})).json()
    assert [e["node"]["id"] for e in rest["data"]["contact"]["events"]["edges"]] == [ids[0]]


async def test_graphql_ingest_events_twin(client, key):
    mutation = """mutation($input: IngestEventsInput!) { ingestEvents(input: $input) {
        accepted rejected results { index eventId status userErrors { field code } } userErrors { field code } } }"""
    events = [
        {**EVENT, "value": "129.00", "eventId": "g-1"},
        {**EVENT, "value": "1.234"},
        {**EVENT, "value": "5", "currency": None},
        {**EVENT, "eventType": "X", "idempotencyKey": "k"},
        {**EVENT, "value": "1", "eventId": "g-1"},
    ]
    payload = (await gql(client, key, mutation, {"input": {"events": events}})).json()["data"]["ingestEvents"]
    assert (payload["accepted"], payload["rejected"], payload["userErrors"]) == (2, 3, [])
    ok, precise, missing, extra, dup = payload["results"]
    assert ok["status"] == "accepted" and ok["eventId"].startswith("evt_") and ok["userErrors"] == []
    assert dup == {"index": 4, "eventId": ok["eventId"], "status": "accepted", "userErrors": []}
    assert precise == {"index": 1, "eventId": None, "status": "rejected",
                       "userErrors": [{"field": "events.1.value", "code": "too_precise"}]}
    assert missing["userErrors"] == [{"field": "events.2.currency", "code": "required"}]
    assert extra["userErrors"] == [{"field": "events.3.idempotencyKey", "code": "invalid"}]
    assert await Event.filter(organization_id=key.organization_id).count() == 1
    empty = (await gql(client, key, mutation, {"input": {"events": []}})).json()["data"]["ingestEvents"]
    assert empty["userErrors"] == [{"field": "events", "code": "too_short"}]
    # Idempotency key on the batch replays.
    variables = {"input": {"events": [{**EVENT, "email": "k@example.com"}], "idempotencyKey": "gk-1"}}
    one = (await gql(client, key, mutation, variables)).json()["data"]["ingestEvents"]
    two = (await gql(client, key, mutation, variables)).json()["data"]["ingestEvents"]
    assert one == two and one["accepted"] == 1
    assert await Event.filter(organization_id=key.organization_id).count() == 2
