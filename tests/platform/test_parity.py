"""The same operation through REST and GraphQL stores the same data and fails the same way."""

from __future__ import annotations

from models import Contact, Event, Message
from tests.helpers import gql

UPSERT_MUTATION = """mutation($input: ContactInput!) { upsertContact(input: $input) {
    contact { id email firstName lastName tags customFields } created userErrors { field message code } } }"""
SEND_MUTATION = """mutation($input: SendEmailInput!) { sendEmail(input: $input) { messageId status userErrors { field message code } } }"""
INGEST_MUTATION = """mutation($input: EventInput!) { ingestEvent(input: $input) { eventId status userErrors { field message code } } }"""


def comparable_contact(c: Contact, tags: list[str]) -> tuple:
    return (c.email, c.first_name, c.last_name, c.custom_fields, tags)


async def test_upsert_contact_parity(client, make_key):
    rest_key, gql_key = await make_key(), await make_key()
    body = {"email": "jane@example.com", "firstName": "Jane", "lastName": "Doe", "tags": ["a"], "customFields": {"plan": "pro"}}
    rest = await client.post("/api/v1/contacts", json=body, headers=rest_key.headers)
    graph = (await gql(client, gql_key, UPSERT_MUTATION, {"input": body})).json()["data"]["upsertContact"]
    assert rest.status_code == 201 and graph["created"] is True and graph["userErrors"] == []
    assert {k: v for k, v in rest.json().items() if k in graph["contact"] and k != "id"} == {
        k: v for k, v in graph["contact"].items() if k != "id"
    }
    stored = []
    for key in (rest_key, gql_key):
        c = await Contact.get(organization_id=key.organization_id).prefetch_related("tags")
        stored.append(comparable_contact(c, [t.tag for t in c.tags]))
    assert stored[0] == stored[1]


async def test_send_email_parity(client, make_key):
    rest_key, gql_key = await make_key(), await make_key()
    body = {"to": ["customer@example.com"], "from": "Acme <hello@acme.com>", "subject": "Hi {{n}}", "html": "<b>{{n}}</b>", "variables": {"n": "<Jo>"}}
    rest = await client.post("/api/v1/delivery/send", json=body, headers=rest_key.headers)
    graph = (await gql(client, gql_key, SEND_MUTATION, {"input": body})).json()["data"]["sendEmail"]
    assert rest.status_code == 202 and graph["status"] == rest.json()["status"] == "queued"
    a, b = await Message.get(id=rest.json()["messageId"]), await Message.get(id=graph["messageId"])
    fields = ("to", "from_address", "subject", "html", "text", "variables", "status")
    assert [getattr(a, f) for f in fields] == [getattr(b, f) for f in fields]
    graph_message = (await gql(client, gql_key, 'query($id: ID!) { message(id: $id) { from subject html to } }', {"id": b.id})).json()
    assert graph_message["data"]["message"]["from"] == "Acme <hello@acme.com>"


async def test_ingest_event_parity(client, make_key):
    rest_key, gql_key = await make_key(), await make_key()
    body = {"email": "jane@example.com", "eventType": "order.placed", "value": "129.50", "currency": "USD", "properties": {"sku": "T"}}
    rest = await client.post("/api/v1/pipelines/events", json=body, headers=rest_key.headers)
    graph = (await gql(client, gql_key, INGEST_MUTATION, {"input": body})).json()["data"]["ingestEvent"]
    assert rest.status_code == 202 and graph["status"] == "accepted"
    a, b = await Event.get(id=rest.json()["eventId"]), await Event.get(id=graph["eventId"])
    assert (a.event_type, a.value, a.currency, a.properties) == (b.event_type, b.value, b.currency, b.properties)


async def test_the_same_errors_on_both_surfaces(client, key):
    cases = [
        (SEND_MUTATION, "/api/v1/delivery/send", {"to": ["bad"], "from": "a@acme.com", "subject": "s", "text": "t"}),
        (SEND_MUTATION, "/api/v1/delivery/send", {"to": ["a@example.com"], "from": "a@acme.com", "subject": "a\nb", "text": "t"}),
        (SEND_MUTATION, "/api/v1/delivery/send", {"to": ["a@example.com"], "from": "a@acme.com", "subject": "s", "html": "{{"}),
        (SEND_MUTATION, "/api/v1/delivery/send", {"to": ["a@example.com"], "from": "a@acme.com", "subject": "s"}),
        (UPSERT_MUTATION, "/api/v1/contacts", {"email": "nope"}),
        (UPSERT_MUTATION, "/api/v1/contacts", {"email": "a@example.com", "tags": ["x" * 101]}),
        (INGEST_MUTATION, "/api/v1/pipelines/events", {"email": "a@example.com", "eventType": "x", "value": "1.5", "currency": "ZZZ"}),
        (INGEST_MUTATION, "/api/v1/pipelines/events", {"email": "a@example.com", "eventType": "x", "value": "1.555", "currency": "USD"}),
        (INGEST_MUTATION, "/api/v1/pipelines/events", {"email": "a@example.com", "eventType": "Bad Type"}),
    ]
    for mutation, path, body in cases:
        rest = (await client.post(path, json=body, headers=key.headers)).json()["error"]
        payload = next(iter((await gql(client, key, mutation, {"input": body})).json()["data"].values()))
        rest_errors = [(d["field"], d["code"]) for d in rest["details"]]
        graph_errors = [(e["field"], e["code"]) for e in payload["userErrors"]]
        assert rest_errors == graph_errors, (path, body)
    assert await Message.filter(organization_id=key.organization_id).count() == 0
