"""Test mode cannot touch live traffic (Stripe's rule): a test key's events start automations
only as sandboxed runs, whose mail never reaches the SMTP server and whose webhook calls say so;
live events never start automations made with a test key; a test key cannot change a live
automation (REST 403 `forbidden`, GraphQL userErrors `forbidden`) but manages its own."""

from __future__ import annotations

import uuid

import pytest

from models import Automation, Message
from tests.helpers import (
    api_routes,
    automation_body,
    automation_ok,
    gql,
    ingest_order,
    run_until_settled,
    runner_for,
    runs_of,
    verify_signature,
)

SEND_STEP = {"type": "sendEmail", "from": "shop@acme.com", "subject": "Receipt {{event.properties.orderId}}", "text": "Thanks"}


@pytest.fixture
async def test_key(key, make_key):
    """An et_test_ key of `key`'s organization (`key` is its live key)."""
    made = await make_key(org=key.organization_name, test=True)
    assert made.plaintext.startswith("et_test_") and made.organization_id == key.organization_id
    return made


def unique_email() -> str:
    return f"buyer-{uuid.uuid4().hex[:10]}@example.com"


# ----------------------------------------------------------------------------- events and runs


async def test_a_test_keys_event_runs_a_live_automation_sandboxed_and_mails_nobody(
    client, key, test_key, runner, worker, smtp_sink
):
    email = unique_email()
    live = await automation_ok(client, key, automation_body(steps=[SEND_STEP]))
    event_id = await ingest_order(client, test_key, email=email)
    assert await runner.drain() == ["completed"]
    [message] = await Message.filter(organization_id=key.organization_id)
    await worker.drain()
    await message.refresh_from_db()
    assert smtp_sink.received_by_id(message.id) == []
    assert [r for r in smtp_sink.messages if email in r.rcpt_tos] == []
    assert message.status == "sent"  # a sandbox message "sends" without a transport
    shown = (await client.get(f"/api/v1/delivery/messages/{message.id}", headers=key.headers)).json()
    assert shown["sandbox"] is True
    [run] = await runs_of(client, key, live["id"])
    assert (run["eventId"], run["status"], run.get("sandbox")) == (event_id, "completed", True)
    assert live.get("sandbox") is False

    # The same automation, a live key's event: a live run, and the mail arrives.
    await ingest_order(client, key, email=email)
    assert await runner.drain() == ["completed"]
    newest = (await runs_of(client, key, live["id"]))[0]
    assert newest["sandbox"] is False and newest["eventId"] != event_id
    live_message = await Message.get(organization_id=key.organization_id, sandbox=False)
    await worker.drain()
    [received] = smtp_sink.received_by_id(live_message.id)
    assert received.rcpt_tos == [email] and received.message["Subject"] == "Receipt ord_1a2b3c"


async def _send_event(client, key, how: str, email: str) -> str:
    event = {"email": email, "eventType": "order.placed", "properties": {"orderId": "ord_1"}}
    if how == "rest":
        return await ingest_order(client, key, email=email)
    if how == "rest batch":
        response = await client.post("/api/v1/pipelines/events/batch", json={"events": [event]}, headers=key.headers)
        assert response.status_code == 200, response.text
        return response.json()["data"][0]["eventId"]
    if how == "graphql":
        mutation = "mutation($i: EventInput!) { ingestEvent(input: $i) { eventId userErrors { code } } }"
        payload = (await gql(client, key, mutation, {"i": event})).json()["data"]["ingestEvent"]
    else:
        mutation = "mutation($i: IngestEventsInput!) { ingestEvents(input: $i) { results { eventId } userErrors { code } } }"
        payload = (await gql(client, key, mutation, {"i": {"events": [event]}})).json()["data"]["ingestEvents"]
        payload = {**payload["results"][0], "userErrors": payload["userErrors"]}
    assert payload["userErrors"] == [], payload
    return payload["eventId"]


@pytest.mark.parametrize("how", ["rest", "rest batch", "graphql", "graphql batch"])
async def test_every_ingestion_path_marks_test_events_and_their_runs_sandboxed(client, key, test_key, runner, how):
    live = await automation_ok(client, key, automation_body(steps=[SEND_STEP]))
    test_email, live_email = unique_email(), unique_email()
    test_event = await _send_event(client, test_key, how, test_email)
    live_event = await _send_event(client, key, how, live_email)
    assert await runner.drain() == ["completed", "completed"]
    messages = await Message.filter(organization_id=key.organization_id)
    assert {m.to[0]: m.sandbox for m in messages} == {test_email: True, live_email: False}
    runs = {r["eventId"]: r.get("sandbox") for r in await runs_of(client, key, live["id"])}
    assert runs == {test_event: True, live_event: False}
    listed = (await client.get("/api/v1/pipelines/events", headers=key.headers)).json()["data"]
    assert {e["id"]: e["sandbox"] for e in listed} == {test_event: True, live_event: False}
    query = "{ events(first: 10) { edges { node { id sandbox } } } }"
    edges = (await gql(client, test_key, query)).json()["data"]["events"]["edges"]
    assert {e["node"]["id"]: e["node"]["sandbox"] for e in edges} == {test_event: True, live_event: False}


async def test_live_events_never_start_an_automation_made_with_a_test_key(client, key, test_key, runner):
    sandboxed = await automation_ok(client, test_key, automation_body())
    await ingest_order(client, key, email=unique_email())
    assert await runner.drain() == []
    assert await runs_of(client, key, sandboxed["id"]) == []
    assert sandboxed.get("sandbox") is True
    test_event = await ingest_order(client, test_key, email=unique_email())
    assert await runner.drain() == ["completed"]
    [run] = await runs_of(client, test_key, sandboxed["id"])
    assert (run["eventId"], run["sandbox"]) == (test_event, True)


async def test_a_sandboxed_runs_webhook_still_calls_the_receiver_and_says_so(
    client, key, test_key, settings, allow_private, webhook_receiver
):
    live = await automation_ok(client, key, automation_body(steps=[{"type": "webhook", "url": webhook_receiver.url}]))
    await ingest_order(client, test_key, email=unique_email())
    runner = runner_for(settings)
    assert (await run_until_settled(runner, live["id"])).status == "completed"
    await ingest_order(client, key, email=unique_email())
    await runner.drain()
    test_call, live_call = webhook_receiver.received
    for call, sandbox in ((test_call, True), (live_call, False)):
        assert call.json().get("sandbox") is sandbox  # in the signed body
        assert verify_signature(live["webhookSecret"], call.headers["Viperatron-Signature"], call.body)
        assert call.headers.get("Viperatron-Sandbox") == ("true" if sandbox else "false")


# ----------------------------------------------------------------------------- changes


# What a test key sends to each route that changes an automation. Every such route must be here.
WRITES = {
    ("PATCH", "/api/v1/automations/{automation_id}"): {"json": {"name": "Changed", "enabled": False, "steps": [SEND_STEP]}},
    ("DELETE", "/api/v1/automations/{automation_id}"): {},
    ("POST", "/api/v1/automations/{automation_id}/enable"): {},
    ("POST", "/api/v1/automations/{automation_id}/disable"): {},
    ("POST", "/api/v1/automations/{automation_id}/rotate-webhook-secret"): {},
}


def automation_writes(app) -> list[tuple[str, str]]:
    return [(m, p) for m, p in api_routes(app) if p.startswith("/api/v1/automations/{automation_id}") and m != "GET"]


async def test_a_test_key_cannot_change_a_live_automation_over_rest(app, client, key, test_key):
    assert sorted(automation_writes(app)) == sorted(WRITES), "add a test-mode case for the new route"
    live = await automation_ok(client, key, automation_body())
    for (method, path), kwargs in WRITES.items():
        url = path.format(automation_id=live["id"])
        for headers in (test_key.headers, {**test_key.headers, "Idempotency-Key": f"k-{method}-{path}"}):
            response = await client.request(method, url, headers=headers, **kwargs)
            assert response.status_code == 403, (method, path, response.text)
            error = response.json()["error"]
            assert error["code"] == "forbidden" and "live key" in error["message"], error
    # Nothing changed, and the test key still reads it (reads are organization-wide, but for
    # the live signing secret).
    shown = await client.get(f"/api/v1/automations/{live['id']}", headers=test_key.headers)
    assert shown.status_code == 200 and shown.json() == {**live, "webhookSecret": None}
    assert (await client.get(f"/api/v1/automations/{live['id']}", headers=key.headers)).json() == live


async def test_a_test_key_cannot_change_a_live_automation_over_graphql(client, key, test_key):
    live = await automation_ok(client, key, automation_body())
    mutations = {
        "updateAutomation": 'mutation($a: ID!) { updateAutomation(input: {id: $a, name: "Changed", enabled: false}) '
                            "{ automation { id } userErrors { field code } } }",
        "setAutomationEnabled": "mutation($a: ID!) { setAutomationEnabled(input: {id: $a, enabled: false}) "
                                "{ automation { id } userErrors { field code } } }",
        "rotateAutomationWebhookSecret": "mutation($a: ID!) { rotateAutomationWebhookSecret(input: {id: $a}) "
                                         "{ automation { id } userErrors { field code } } }",
        "deleteAutomation": "mutation($a: ID!) { deleteAutomation(input: {id: $a}) { deletedId userErrors { field code } } }",
    }
    names = (await gql(client, key, "{ __schema { mutationType { fields { name } } } }")).json()
    automation_mutations = {f["name"] for f in names["data"]["__schema"]["mutationType"]["fields"] if "Automation" in f["name"]}
    assert automation_mutations - {"createAutomation"} == set(mutations), "add a test-mode case for the new mutation"
    for name, mutation in mutations.items():
        payload = (await gql(client, test_key, mutation, {"a": live["id"]})).json()["data"][name]
        assert payload["userErrors"] == [{"field": None, "code": "forbidden"}], name
        assert payload.get("automation") is None and payload.get("deletedId") is None
    stored = await Automation.get(id=live["id"])
    assert (stored.name, stored.enabled, stored.webhook_secret) == ("Receipt", True, live["webhookSecret"])


async def test_a_test_key_manages_its_own_sandbox_automation(client, key, test_key):
    mine = await automation_ok(client, test_key, automation_body())
    url = f"/api/v1/automations/{mine['id']}"
    patched = await client.patch(url, json={"name": "Mine v2"}, headers=test_key.headers)
    assert patched.status_code == 200 and patched.json()["name"] == "Mine v2" and patched.json()["sandbox"] is True
    assert (await client.post(f"{url}/disable", headers=test_key.headers)).json()["enabled"] is False
    assert (await client.post(f"{url}/enable", headers=test_key.headers)).json()["enabled"] is True
    rotated = await client.post(f"{url}/rotate-webhook-secret", headers=test_key.headers)
    assert rotated.status_code == 200 and rotated.json()["webhookSecret"] != mine["webhookSecret"]
    renamed = await gql(
        client, test_key,
        'mutation($a: ID!) { updateAutomation(input: {id: $a, name: "Mine v3"}) { automation { name sandbox } userErrors { code } } }',
        {"a": mine["id"]},
    )
    assert renamed.json()["data"]["updateAutomation"] == {"automation": {"name": "Mine v3", "sandbox": True}, "userErrors": []}
    # The live key may change it too (a live key changes both worlds).
    assert (await client.patch(url, json={"name": "Mine v4"}, headers=key.headers)).status_code == 200
    assert (await client.delete(url, headers=test_key.headers)).status_code == 200
    assert not await Automation.filter(id=mine["id"]).exists()


async def test_a_test_key_cannot_cancel_live_mail_but_cancels_its_own(client, key, test_key):
    send = {"to": unique_email(), "from": "shop@acme.com", "subject": "Hi", "text": "x"}
    live = (await client.post("/api/v1/delivery/send", json=send, headers=key.headers)).json()["messageId"]
    mine = (await client.post("/api/v1/delivery/send", json=send, headers=test_key.headers)).json()["messageId"]
    refused = await client.post(f"/api/v1/delivery/messages/{live}/cancel", headers=test_key.headers)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden", refused.text
    mutation = "mutation($m: ID!) { cancelMessage(input: {id: $m}) { message { id } userErrors { code } } }"
    payload = (await gql(client, test_key, mutation, {"m": live})).json()["data"]["cancelMessage"]
    assert payload == {"message": None, "userErrors": [{"code": "forbidden"}]}
    assert (await Message.get(id=live)).status == "queued"
    canceled = await client.post(f"/api/v1/delivery/messages/{mine}/cancel", headers=test_key.headers)
    assert canceled.status_code == 200 and canceled.json()["status"] == "canceled"
    assert (await client.post(f"/api/v1/delivery/messages/{live}/cancel", headers=key.headers)).status_code == 200


async def test_a_test_key_cannot_remove_a_suppression_but_may_add_one(client, key, test_key):
    email = unique_email()
    added = await client.post("/api/v1/suppressions", json={"email": email}, headers=test_key.headers)
    assert added.status_code == 201, added.text
    refused = await client.delete(f"/api/v1/suppressions/{email}", headers=test_key.headers)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    mutation = "mutation($e: String!) { removeSuppression(input: {email: $e}) { suppression { email } userErrors { code } } }"
    payload = (await gql(client, test_key, mutation, {"e": email})).json()["data"]["removeSuppression"]
    assert payload == {"suppression": None, "userErrors": [{"code": "forbidden"}]}
    assert (await client.get(f"/api/v1/suppressions/{email}", headers=key.headers)).status_code == 200
    assert (await client.delete(f"/api/v1/suppressions/{email}", headers=key.headers)).status_code == 200


async def test_a_test_key_does_not_see_a_live_automations_webhook_secret(client, key, test_key):
    live = await automation_ok(client, key, automation_body())
    assert live["webhookSecret"].startswith("whsec_")
    read = await client.get(f"/api/v1/automations/{live['id']}", headers=test_key.headers)
    assert read.status_code == 200 and read.json()["webhookSecret"] is None
    listed = (await client.get("/api/v1/automations", headers=test_key.headers)).json()["data"]
    assert [a["webhookSecret"] for a in listed if a["id"] == live["id"]] == [None]
    graph = await gql(client, test_key, "query($a: ID!) { automation(id: $a) { webhookSecret } }", {"a": live["id"]})
    assert graph.json()["data"]["automation"] == {"webhookSecret": None}
    mine = await automation_ok(client, test_key, automation_body())
    assert mine["webhookSecret"].startswith("whsec_")
