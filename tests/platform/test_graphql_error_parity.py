"""One mistake, one report: for each mistake in the table, REST's `details[]` (field, code) and
GraphQL's `userErrors` (field, code) are the same; a mistake REST reports without details (an
unknown ID, a conflict, a forbidden change) is GraphQL's one user error with a null field and
REST's `error.code`. Query mistakes (page size, cursor) are GraphQL top-level errors whose
`extensions.details` carry the same codes (REST names the page arguments `limit`/`cursor`,
GraphQL `first`/`after`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from tests.helpers import gql

SEND = {"to": ["a@example.com"], "from": "a@acme.com", "subject": "s", "text": "t"}
EVENT = {"email": "a@example.com", "eventType": "order.placed"}
CONTACT_PAYLOAD = "contact { id } userErrors { field message code }"


@dataclass
class Mistake:
    name: str
    method: str
    path: str  # may name {contact}, {other}, {automation}
    body: Any
    mutation: str  # one root field: the payload is read from it
    variables: dict
    headers: dict = field(default_factory=dict)
    key: str = "key"  # or "test_key"


def send(body: dict) -> tuple[str, str, dict, str, dict]:
    return ("POST", "/api/v1/delivery/send", body,
            "mutation($i: SendEmailInput!) { sendEmail(input: $i) { messageId userErrors { field message code } } }",
            {"i": body})


def upsert(body: dict):
    return ("POST", "/api/v1/contacts", body,
            "mutation($i: ContactInput!) { upsertContact(input: $i) { %s } }" % CONTACT_PAYLOAD, {"i": body})


def ingest(body: dict):
    return ("POST", "/api/v1/pipelines/events", body,
            "mutation($i: EventInput!) { ingestEvent(input: $i) { eventId userErrors { field message code } } }",
            {"i": body})


def update_contact(id_: str, body: dict):
    return ("PATCH", f"/api/v1/contacts/{id_}", body,
            "mutation($i: UpdateContactInput!) { updateContact(input: $i) { %s } }" % CONTACT_PAYLOAD,
            {"i": {"id": id_, **body}})


def create_automation(steps_rest: list, steps_graphql: list):
    body = {"name": "x", "trigger": {"eventType": "a"}, "steps": steps_rest}
    return ("POST", "/api/v1/automations", body,
            "mutation($i: AutomationInput!) { createAutomation(input: $i) { automation { id } userErrors { field message code } } }",
            {"i": {**body, "steps": steps_graphql}})


LATER = (datetime.now(timezone.utc) + timedelta(days=40)).isoformat()

MISTAKES: list[Mistake] = [
    Mistake("invalid email", *send({**SEND, "to": ["bad"]})),
    Mistake("invalid sender", *send({**SEND, "from": "nobody"})),
    Mistake("header injection", *send({**SEND, "subject": "a\nb"})),
    Mistake("template error", *send({**SEND, "text": None, "html": "{{"})),
    Mistake("no body", *send({k: v for k, v in SEND.items() if k != "text"})),
    Mistake("schedule without a time zone", *send({**SEND, "sendAt": "2026-12-01T10:00:00"})),
    Mistake("schedule too late", *send({**SEND, "sendAt": LATER})),
    Mistake("too many recipients", *send({**SEND, "to": [f"r{i}@example.com" for i in range(51)]})),
    Mistake("reserved header", *send({**SEND, "headers": {"From": "x@example.com"}})),
    Mistake("invalid contact email", *upsert({"email": "nope"})),
    Mistake("too long tag", *upsert({"email": "a@example.com", "tags": ["x" * 101]})),
    Mistake("too long name", *upsert({"email": "a@example.com", "firstName": "x" * 201})),
    Mistake("missing currency", *ingest({**EVENT, "value": "10"})),
    Mistake("invalid currency", *ingest({**EVENT, "value": "1.5", "currency": "ZZZ"})),
    Mistake("too precise", *ingest({**EVENT, "value": "1.555", "currency": "USD"})),
    Mistake("not a decimal", *ingest({**EVENT, "value": "ten", "currency": "USD"})),
    Mistake("bad event type", *ingest({**EVENT, "eventType": "Bad Type"})),
    Mistake("bad client event id", *ingest({**EVENT, "eventId": "a\tb"})),
    Mistake("unknown contact id", *update_contact("ct_0123456789abcdefghijklmno", {"firstName": "x"})),
    Mistake("malformed contact id", *update_contact("ct_nope", {"firstName": "x"})),
    Mistake("email taken", *update_contact("{contact}", {"email": "taken@example.com"})),
    Mistake("contact email cleared", *update_contact("{contact}", {"email": None})),
    Mistake("unknown message", "POST", "/api/v1/delivery/messages/msg_0123456789abcdefghijklmno/cancel", None,
            "mutation { cancelMessage(input: {id: \"msg_0123456789abcdefghijklmno\"}) { message { id } userErrors { field message code } } }", {}),
    Mistake("erase an unknown contact", "DELETE", "/api/v1/contacts/ct_0123456789abcdefghijklmno", None,
            "mutation { deleteContact(input: {id: \"ct_0123456789abcdefghijklmno\"}) { erasure { id } userErrors { field message code } } }", {}),
    Mistake("blocked webhook", *create_automation([{"type": "webhook", "url": "http://10.0.0.1/"}],
                                                 [{"webhook": {"url": "http://10.0.0.1/"}}])),
    Mistake("custom field without a value", *create_automation([{"type": "setCustomField", "name": "n"}],
                                                               [{"setCustomField": {"name": "n"}}])),
    Mistake("step template error", *create_automation(
        [{"type": "sendEmail", "from": "a@acme.com", "subject": "{% if %}", "text": "t"}],
        [{"sendEmail": {"from": "a@acme.com", "subject": "{% if %}", "text": "t"}}])),
    Mistake("no steps", *create_automation([], [])),
    Mistake("bad condition field", "POST", "/api/v1/automations",
            {"name": "x", "trigger": {"eventType": "a", "conditions": [{"field": "nope", "op": "eq", "value": 1}]},
             "steps": [{"type": "addTag", "tag": "t"}]},
            "mutation($i: AutomationInput!) { createAutomation(input: $i) { automation { id } userErrors { field message code } } }",
            {"i": {"name": "x", "trigger": {"eventType": "a", "conditions": [{"field": "nope", "op": "EQ", "value": 1}]},
                   "steps": [{"addTag": {"tag": "t"}}]}}),
    Mistake("test key deletes a live automation", "DELETE", "/api/v1/automations/{automation}", None,
            "mutation($i: ID!) { deleteAutomation(input: {id: $i}) { deletedId userErrors { field message code } } }",
            {"i": "{automation}"}, key="test_key"),
    Mistake("empty batch", "POST", "/api/v1/delivery/batch", {"messages": []},
            "mutation { sendEmailBatch(input: {messages: []}) { accepted userErrors { field message code } } }", {}),
    Mistake("bad suppression address", "POST", "/api/v1/suppressions", {"email": "nope"},
            "mutation { addSuppression(input: {email: \"nope\"}) { suppression { id } userErrors { field message code } } }", {}),
    Mistake("idempotency key reused with another body", *send({**SEND, "subject": "second"}),
            headers={"Idempotency-Key": "parity-1"}),
]


@pytest.fixture
async def world(client, key, make_key):
    """What the table's mistakes refer to, in `key`'s organization."""
    contact = (await client.post("/api/v1/contacts", json={"email": "c@example.com"}, headers=key.headers)).json()
    await client.post("/api/v1/contacts", json={"email": "taken@example.com"}, headers=key.headers)
    automation = (await client.post("/api/v1/automations", headers=key.headers, json={
        "name": "live", "trigger": {"eventType": "a"}, "steps": [{"type": "addTag", "tag": "t"}]})).json()
    test_key = await make_key(org=key.organization_name, test=True)
    return {"contact": contact["id"], "automation": automation["id"], "test_key": test_key}


def _fill(value: Any, names: dict) -> Any:
    if isinstance(value, str):
        return value.format(**names) if "{" in value and value.strip("{}") in names else value
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, names) for v in value]
    return value


def rest_report(error: dict) -> list[tuple[str | None, str]]:
    return [(d["field"], d["code"]) for d in error["details"]] or [(None, error["code"])]


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.name for m in MISTAKES])
async def test_rest_details_and_graphql_user_errors_agree(client, key, world, mistake: Mistake):
    names = {k: v for k, v in world.items() if isinstance(v, str)}
    caller = world["test_key"] if mistake.key == "test_key" else key
    path = mistake.path.format(**names)
    if mistake.headers:  # the key's first use, by both surfaces, with a first body
        first = {**SEND, "subject": "first"}
        await client.post("/api/v1/delivery/send", json=first, headers={**key.headers, **mistake.headers})
    json_body = {"json": mistake.body} if mistake.body is not None else {}
    rest = await client.request(mistake.method, path, headers={**caller.headers, **mistake.headers}, **json_body)
    assert rest.status_code >= 400, (mistake.name, rest.text)
    expected = rest_report(rest.json()["error"])

    variables = _fill(mistake.variables, names)
    if mistake.headers:
        variables = {"i": {**variables["i"], "idempotencyKey": mistake.headers["Idempotency-Key"]}}
    body = (await gql(client, caller, mistake.mutation, variables)).json()
    assert "errors" not in body, (mistake.name, body["errors"])
    [payload] = body["data"].values()
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == expected, mistake.name


QUERY_MISTAKES = [
    ("page too big", "/api/v1/contacts?limit=101", "{ contacts(first: 101) { edges { cursor } } }"),
    ("page empty", "/api/v1/contacts?limit=0", "{ contacts(first: 0) { edges { cursor } } }"),
    ("bad cursor", "/api/v1/contacts?cursor=bogus", '{ contacts(after: "bogus") { edges { cursor } } }'),
    ("bad event cursor", "/api/v1/pipelines/events?cursor=Y3RfeA", '{ events(after: "Y3RfeA") { edges { cursor } } }'),
    ("filter too long", f"/api/v1/pipelines/events?type={'x' * 101}",
     '{ events(filter: {type: "%s"}) { edges { cursor } } }' % ("x" * 101)),
]
REST_TO_GRAPHQL_ARGUMENTS = {"limit": "first", "cursor": "after"}


@pytest.mark.parametrize("name,rest_path,query", QUERY_MISTAKES, ids=[m[0] for m in QUERY_MISTAKES])
async def test_query_mistakes_report_the_rest_codes(client, key, name, rest_path, query):
    rest = await client.get(rest_path, headers=key.headers)
    assert rest.status_code == 422, rest.text
    expected = [(REST_TO_GRAPHQL_ARGUMENTS.get(f, f), c) for f, c in rest_report(rest.json()["error"])]
    [error] = (await gql(client, key, query)).json()["errors"]
    assert error["extensions"]["code"] == rest.json()["error"]["code"]
    details = error["extensions"]["details"]
    assert [(d["field"], d["code"]) for d in details] == expected, name
