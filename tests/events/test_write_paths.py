"""An event batch is written one of two ways: in a transaction (the events and the automation
runs they start, together), or, when the organization has no enabled automation, without one
(on PostgreSQL: the contacts' find-or-create and the events INSERT with its rollups each commit
on their own). Both must answer and store the same: results, events, contacts and rollups."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tortoise.transactions import in_transaction

from app.core import clock
from models import Contact, Event, EventRollup
from schema.events import resolvers
from tests.helpers import BACKEND


def _batch() -> list[dict]:
    events = []
    for i in range(12):
        event = {"email": f"Buyer{i % 5}@Example.com", "eventType": "order.placed" if i % 2 else "page.viewed",
                 "occurredAt": f"2026-11-0{1 + i % 3}T1{i % 4}:{i:02d}:00Z", "properties": {"n": i}}
        if i % 2:
            event.update(value=f"{i}.50", currency="USD")
        if i % 3 == 0:
            event["eventId"] = f"client-{i}"
        events.append(event)
    events.append({**events[0]})  # the same eventId again in the batch
    events.append({"email": "nope", "eventType": "x.y"})  # rejected
    return events


async def _ingest(client, key, events) -> dict:
    response = await client.post("/api/v1/pipelines/events/batch", json={"events": events}, headers=key.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def _stored(org: str) -> tuple:
    contacts = await Contact.filter(organization_id=org).order_by("email_key").values_list("email", "email_key")
    emails = dict(await Contact.filter(organization_id=org).values_list("id", "email_key"))
    events = sorted(
        ((emails[e.contact_id], e.event_id, e.event_type, e.value, e.currency, e.properties, e.occurred_at)
         for e in await Event.filter(organization_id=org)),
        key=repr,
    )
    rollups = sorted(
        (r.span, r.bucket, r.event_type, r.currency, r.events, r.valued, Decimal(str(r.total)))
        for r in await EventRollup.filter(organization_id=org)
    )
    return list(contacts), events, rollups


def _shape(body: dict, ids: dict) -> list:
    """The answer with each `evt_` ID replaced by the stored event's (email, eventId, type)."""
    return [(d["index"], d["status"], ids.get(d["eventId"]), d["error"] and d["error"]["code"]) for d in body["data"]]


async def test_both_ways_of_writing_a_batch_store_the_same(client, make_key, monkeypatch):
    results = []
    for transactional in (False, True):
        if transactional:
            async def has_automations(organization_id):
                return True

            monkeypatch.setattr(resolvers, "any_enabled", has_automations)
        key = await make_key()
        org = key.organization_id
        await Contact.create(organization_id=org, email="BUYER1@example.com", email_key="buyer1@example.com")
        first = await _ingest(client, key, _batch())
        again = await _ingest(client, key, _batch())  # every eventId now stored: named, not stored twice
        emails = dict(await Contact.filter(organization_id=org).values_list("id", "email_key"))
        ids = {e.id: (emails[e.contact_id], e.event_id, e.event_type) for e in await Event.filter(organization_id=org)}
        results.append(((first["accepted"], first["rejected"]), _shape(first, ids), _shape(again, ids), await _stored(org)))
    assert results[0] == results[1]
    (counts, first, again, (contacts, events, rollups)) = results[0]
    assert counts == (13, 1)
    assert len(contacts) == 5 and ("BUYER1@example.com", "buyer1@example.com") in contacts
    assert len(events) == 12 + 8  # the second batch stores again only the events without an eventId
    assert first[0][2] == first[12][2] and again[0][2] == first[0][2]
    assert sum(r[4] for r in rollups if r[0] == 15) == len(events)


SINGLES = [
    {"email": "Buyer1@Example.com", "eventType": "order.placed", "value": "12.50", "currency": "USD",
     "occurredAt": "2026-11-02T10:00:00Z", "properties": {"n": 1}},  # a contact that exists
    {"email": "new@example.com", "eventType": "page.viewed", "occurredAt": "2026-11-02T10:01:00Z"},  # a new one
    {"email": "buyer1@example.com", "eventType": "order.placed", "eventId": "client-1", "value": "3", "currency": "EUR",
     "occurredAt": "2026-11-02T10:02:00Z"},
    {"email": "buyer1@example.com", "eventType": "order.placed", "eventId": "client-1", "value": "3", "currency": "EUR",
     "occurredAt": "2026-11-02T10:02:00Z"},  # the same eventId again: named, not stored
    {"email": "new@example.com", "eventType": "page.viewed", "occurredAt": "2026-11-02T10:03:00Z"},
]


async def test_single_events_store_the_same_in_one_statement_or_the_general_way(client, make_key, monkeypatch):
    results = []
    general_path = []
    contact_ids = resolvers.contact_ids

    async def counted(*args):
        general_path.append(True)
        return await contact_ids(*args)

    monkeypatch.setattr(resolvers, "contact_ids", counted)
    for one_statement in (True, False):
        if not one_statement:
            async def never(*args):
                return None

            monkeypatch.setattr(resolvers, "_write_one_of_known_contact", never)
        key = await make_key()
        org = key.organization_id
        await Contact.create(organization_id=org, email="BUYER1@example.com", email_key="buyer1@example.com")
        general_path.clear()
        answers = []
        for event in SINGLES:
            response = await client.post("/api/v1/pipelines/events", json=event, headers=key.headers)
            assert response.status_code == 202, response.text
            answers.append(response.json()["eventId"])
        emails = dict(await Contact.filter(organization_id=org).values_list("id", "email_key"))
        ids = {e.id: (emails[e.contact_id], e.event_id, e.event_type) for e in await Event.filter(organization_id=org)}
        results.append(([ids.get(a) for a in answers], await _stored(org)))
        if one_statement and Contact._meta.db.capabilities.dialect == "postgres":
            # the known contact's events in one statement; the new contact and the repeated eventId the general way
            assert len(general_path) == 2, general_path
    assert results[0] == results[1]
    named, (contacts, events, rollups) = results[0]
    assert len(contacts) == 2 and len(events) == 4 and named[2] == named[3]
    assert sum(r[4] for r in rollups if r[0] == 15) == 4


@pytest.mark.skipif(BACKEND != "postgres", reason="PostgreSQL's plan cache")
async def test_a_single_event_of_a_known_contact_is_planned_once_per_connection(make_key):
    """After its first five runs PostgreSQL keeps one plan for the statement (a plan per run
    cost as much CPU as the run itself)."""
    key = await make_key()
    org = key.organization_id
    await Contact.create(organization_id=org, email="jane@example.com", email_key="jane@example.com")
    event = resolvers.IngestEvent(email="jane@example.com", event_type="order.placed", value="129.00", currency="USD",
                                  properties={"orderId": "ord_1"})
    async with in_transaction() as conn:  # one connection: its own prepared statements
        before = await _plans(conn)
        for _ in range(8):
            assert await resolvers._write_one_of_known_contact(conn, org, event, clock.now(), False)
        after = await _plans(conn)
    custom, generic = (a - b for a, b in zip(after, before))
    assert custom + generic == 8 and custom <= 5, (custom, generic)
    assert await Event.filter(organization_id=org).count() == 8


async def _plans(conn) -> tuple[int, int]:
    """How many times this connection planned the single-event statement: one-off plans, runs of its kept plan."""
    rows = await conn.execute_query_dict(
        "SELECT custom_plans, generic_plans FROM pg_prepared_statements WHERE statement = $1",
        [resolvers._PG_INSERT_EVENT_OF_KNOWN_CONTACT],
    )
    return (rows[0]["custom_plans"], rows[0]["generic_plans"]) if rows else (0, 0)
