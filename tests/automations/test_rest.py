"""Automations: CRUD and validation (REST and GraphQL), triggers and conditions, each step,
waits that survive a restart, at most one run per (automation, event)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal

import pytest

from app.engines.automations import AutomationRunner, now
from schema.automations.triggers import StoredEvent, start_runs
from models import AutomationRun, AutomationStepLog, Message
from tests.conftest import gql

pytestmark = pytest.mark.usefixtures("no_leftover_runs")

ORDER = {
    "email": "jane@example.com",
    "eventType": "order.placed",
    "value": 129.00,
    "currency": "USD",
    "properties": {"orderId": "ord_1a2b3c", "sku": "ACME-TEE-L", "qty": 3, "shipping": {"country": "DE"}},
}
TAG_BUYER = [{"type": "addTag", "tag": "buyer"}]


def automation(steps=None, conditions=None, **extra) -> dict:
    trigger = {"eventType": "order.placed", **({"conditions": conditions} if conditions is not None else {})}
    return {"name": "Receipt", "trigger": trigger, "steps": TAG_BUYER if steps is None else steps, **extra}


async def create(client, key, body: dict) -> dict:
    response = await client.post("/api/v1/automations", json=body, headers=key.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def ingest(client, key, **overrides) -> str:
    response = await client.post("/api/v1/pipelines/events", json={**ORDER, **overrides}, headers=key.headers)
    assert response.status_code == 202, response.text
    return response.json()["eventId"]


async def runs_of(client, key, automation_id: str) -> list[dict]:
    response = await client.get(f"/api/v1/automations/{automation_id}/runs", headers=key.headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


@pytest.fixture
def runner(settings):
    return AutomationRunner(settings, idle_poll_seconds=0.05)


async def contact_of(client, key, email: str = "jane@example.com") -> dict:
    response = await client.get(f"/api/v1/contacts/by-email/{email}", headers=key.headers)
    assert response.status_code == 200, response.text
    return response.json()


# ----------------------------------------------------------------------------- CRUD


async def test_rest_crud_enable_disable_and_delete(client, key):
    created = await create(client, key, automation())
    auto_id = created["id"]
    assert auto_id.startswith("auto_") and created["enabled"] is True
    assert created["trigger"] == {"eventType": "order.placed", "conditions": []}
    assert created["steps"] == TAG_BUYER
    got = await client.get(f"/api/v1/automations/{auto_id}", headers=key.headers)
    assert got.status_code == 200 and got.json() == created
    listed = (await client.get("/api/v1/automations", headers=key.headers)).json()
    assert [a["id"] for a in listed["data"]] == [auto_id] and listed["hasMore"] is False

    patched = await client.patch(
        f"/api/v1/automations/{auto_id}",
        json={"name": "Receipt v2", "steps": [{"type": "wait", "seconds": 60}, *TAG_BUYER]},
        headers=key.headers,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["name"] == "Receipt v2" and len(patched.json()["steps"]) == 2
    assert patched.json()["trigger"] == created["trigger"]  # not given: unchanged

    disabled = await client.post(f"/api/v1/automations/{auto_id}/disable", headers=key.headers)
    assert disabled.status_code == 200 and disabled.json()["enabled"] is False
    enabled = await client.post(f"/api/v1/automations/{auto_id}/enable", headers=key.headers)
    assert enabled.status_code == 200 and enabled.json()["enabled"] is True

    deleted = await client.delete(f"/api/v1/automations/{auto_id}", headers=key.headers)
    assert deleted.status_code == 200 and deleted.json() == {"id": auto_id, "deleted": True}
    for method in ("GET", "DELETE"):
        gone = await client.request(method, f"/api/v1/automations/{auto_id}", headers=key.headers)
        assert gone.status_code == 404 and gone.json()["error"]["code"] == "not_found"


async def test_create_is_idempotent_with_a_key(client, key):
    headers = {**key.headers, "Idempotency-Key": "auto-1"}
    first = await client.post("/api/v1/automations", json=automation(), headers=headers)
    again = await client.post("/api/v1/automations", json=automation(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    other = await client.post("/api/v1/automations", json=automation(name="Other"), headers=headers)
    assert other.status_code == 409
    listed = (await client.get("/api/v1/automations", headers=key.headers)).json()["data"]
    assert len(listed) == 1


@pytest.mark.parametrize(
    "body, field, code",
    [
        (automation(steps=[{"type": "webhook", "url": "http://10.0.0.1/hook"}]), "steps.0.url", "blocked_address"),
        (automation(steps=[{"type": "webhook", "url": "ftp://example.com/hook"}]), "steps.0.url", "invalid_url"),
        (automation(steps=[{"type": "webhook"}]), "steps.0.url", None),
        (automation(steps=[{"type": "launchRocket"}]), "steps.0.type", "invalid"),
        (automation(steps=[{"type": "wait", "seconds": 0}]), "steps.0.seconds", None),
        (automation(steps=[{"type": "wait", "seconds": 90 * 86400 + 1}]), "steps.0.seconds", None),
        (automation(steps=[{"type": "addTag", "tag": "x"}] * 21), "steps", "invalid"),
        (automation(steps=[]), "steps", "invalid"),
        (automation(steps=[{"type": "addTag"}]), "steps.0.tag", None),
        (automation(steps=[{"type": "addTag", "tag": "x", "extra": 1}]), "steps.0.extra", None),
        (automation(steps=[{"type": "sendEmail", "from": "a@acme.com", "subject": "Hi"}]), "steps.0", "required"),
        (
            automation(steps=[{"type": "sendEmail", "from": "a@acme.com", "subject": "Hi {{ firstName", "text": "x"}]),
            "steps.0.subject", "template_error",
        ),
        (automation(steps=[{"type": "sendEmail", "from": "nobody", "subject": "Hi", "text": "x"}]), "steps.0.from", None),
        (automation(steps=[{"type": "setCustomField", "value": 1}]), "steps.0.name", None),
        (automation(conditions=[{"field": "value", "op": "like", "value": 1}]), "trigger.conditions.0.op", None),
        (automation(conditions=[{"field": "value", "op": "in", "value": 1}]), "trigger.conditions.0", "invalid"),
        (automation(conditions=[{"field": "value", "op": "gt"}]), "trigger.conditions.0", "invalid"),
        (automation(conditions=[{"field": "email", "op": "eq", "value": "x"}]), "trigger.conditions.0.field", "invalid_format"),
        ({**automation(), "trigger": {"eventType": "Order Placed"}}, "trigger.eventType", "invalid_format"),
        ({**automation(), "name": ""}, "name", None),
        ({**automation(), "name": "a\x00b"}, "name", "invalid_format"),  # PostgreSQL cannot store U+0000
        (automation(steps=[{"type": "addTag", "tag": "t\x00"}]), "steps", "invalid_format"),
    ],
)
async def test_invalid_automations_are_422(client, key, body, field, code):
    response = await client.post("/api/v1/automations", json=body, headers=key.headers)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    details = {d["field"]: d["code"] for d in error["details"]}
    assert field in details, details
    if code:
        assert details[field] == code
    assert (await client.get("/api/v1/automations", headers=key.headers)).json()["data"] == []


async def test_patch_validates_like_create(client, key):
    auto_id = (await create(client, key, automation()))["id"]
    response = await client.patch(
        f"/api/v1/automations/{auto_id}", json={"steps": [{"type": "webhook", "url": "http://127.0.0.1/"}]},
        headers=key.headers,
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0] == {
        "field": "steps.0.url", "code": "blocked_address",
        "message": "Webhooks cannot call loopback, private or link-local addresses "
                   "(set VIPERATRON_WEBHOOK_ALLOW_PRIVATE=true to allow them).",
    }
    assert (await client.get(f"/api/v1/automations/{auto_id}", headers=key.headers)).json()["steps"] == TAG_BUYER


CREATE = """mutation($input: AutomationInput!) {
  createAutomation(input: $input) { automation { id name enabled trigger steps } userErrors { field message code } }
}"""


async def test_graphql_crud(client, key):
    variables = {"input": {
        "name": "Receipt", "trigger": {"eventType": "order.placed", "conditions": [{"field": "value", "op": "GTE", "value": 100}]},
        "steps": TAG_BUYER,
    }}
    payload = (await gql(client, key, CREATE, variables)).json()["data"]["createAutomation"]
    assert payload["userErrors"] == []
    auto = payload["automation"]
    assert auto["id"].startswith("auto_") and auto["enabled"] is True
    assert auto["trigger"] == {"eventType": "order.placed", "conditions": [{"field": "value", "op": "gte", "value": 100}]}
    # The REST view of the same automation is identical.
    rest = (await client.get(f"/api/v1/automations/{auto['id']}", headers=key.headers)).json()
    assert (rest["trigger"], rest["steps"]) == (auto["trigger"], auto["steps"])

    query = """query($id: ID!) { automation(id: $id) { id name runs { edges { node { id } } } }
                                 automations(first: 10) { edges { node { id } } } }"""
    data = (await gql(client, key, query, {"id": auto["id"]})).json()["data"]
    assert data["automation"] == {"id": auto["id"], "name": "Receipt", "runs": {"edges": []}}
    assert [e["node"]["id"] for e in data["automations"]["edges"]] == [auto["id"]]

    update = """mutation($id: ID!) { updateAutomation(input: {id: $id, name: "Renamed"}) {
        automation { name steps } userErrors { code } } }"""
    data = (await gql(client, key, update, {"id": auto["id"]})).json()["data"]["updateAutomation"]
    assert data == {"automation": {"name": "Renamed", "steps": TAG_BUYER}, "userErrors": []}
    toggle = """mutation($id: ID!) { setAutomationEnabled(input: {id: $id, enabled: false}) {
        automation { enabled } userErrors { code } } }"""
    data = (await gql(client, key, toggle, {"id": auto["id"]})).json()["data"]["setAutomationEnabled"]
    assert data == {"automation": {"enabled": False}, "userErrors": []}
    delete = "mutation($id: ID!) { deleteAutomation(input: {id: $id}) { deletedId userErrors { code } } }"
    data = (await gql(client, key, delete, {"id": auto["id"]})).json()["data"]["deleteAutomation"]
    assert data == {"deletedId": auto["id"], "userErrors": []}
    data = (await gql(client, key, delete, {"id": auto["id"]})).json()["data"]["deleteAutomation"]
    assert data == {"deletedId": None, "userErrors": [{"code": "not_found"}]}


async def test_graphql_refuses_blocked_webhook_urls_with_user_errors(client, key):
    variables = {"input": {"name": "Hook", "trigger": {"eventType": "order.placed"},
                           "steps": [{"type": "webhook", "url": "http://169.254.169.254/latest/meta-data/"}]}}
    payload = (await gql(client, key, CREATE, variables)).json()["data"]["createAutomation"]
    assert payload["automation"] is None
    [error] = payload["userErrors"]
    assert error["field"] == "steps.0.url" and "link-local" in error["message"]


# ----------------------------------------------------------------------------- triggers


@pytest.mark.parametrize(
    "condition, starts",
    [
        ({"field": "value", "op": "eq", "value": 129}, True),
        ({"field": "value", "op": "eq", "value": "129.00"}, True),
        ({"field": "value", "op": "eq", "value": 130}, False),
        ({"field": "value", "op": "ne", "value": 130}, True),
        ({"field": "value", "op": "ne", "value": 129}, False),
        ({"field": "value", "op": "gt", "value": 100}, True),
        ({"field": "value", "op": "gt", "value": 129}, False),
        ({"field": "value", "op": "gte", "value": 129}, True),
        ({"field": "value", "op": "gte", "value": 129.01}, False),
        ({"field": "value", "op": "lt", "value": 200}, True),
        ({"field": "value", "op": "lt", "value": 129}, False),
        ({"field": "value", "op": "lte", "value": 129}, True),
        ({"field": "value", "op": "lte", "value": 128.99}, False),
        ({"field": "properties.sku", "op": "eq", "value": "ACME-TEE-L"}, True),
        ({"field": "properties.sku", "op": "eq", "value": "acme-tee-l"}, False),
        ({"field": "properties.sku", "op": "in", "value": ["X", "ACME-TEE-L"]}, True),
        ({"field": "properties.sku", "op": "in", "value": ["X", "Y"]}, False),
        ({"field": "properties.qty", "op": "gte", "value": 3}, True),
        ({"field": "properties.qty", "op": "gt", "value": 3}, False),
        ({"field": "properties.qty", "op": "gt", "value": "a"}, False),  # a number is not above a word
        ({"field": "properties.shipping.country", "op": "eq", "value": "DE"}, True),
        ({"field": "properties.shipping.country", "op": "in", "value": ["FR", "IT"]}, False),
        ({"field": "properties.orderId", "op": "exists"}, True),
        ({"field": "properties.coupon", "op": "exists"}, False),
        ({"field": "properties.coupon", "op": "exists", "value": False}, True),
        ({"field": "properties.coupon", "op": "ne", "value": "X"}, False),  # missing never compares
    ],
)
async def test_conditions_decide_whether_a_run_starts(client, key, condition, starts):
    auto_id = (await create(client, key, automation(conditions=[condition])))["id"]
    await ingest(client, key)
    assert len(await runs_of(client, key, auto_id)) == (1 if starts else 0)


async def test_all_conditions_must_hold_and_the_event_type_must_match(client, key):
    conditions = [{"field": "value", "op": "gte", "value": 100}, {"field": "properties.sku", "op": "eq", "value": "X"}]
    both = (await create(client, key, automation(conditions=conditions)))["id"]
    any_order = (await create(client, key, automation()))["id"]
    await ingest(client, key)
    await ingest(client, key, eventType="order.refunded")
    assert await runs_of(client, key, both) == []
    assert len(await runs_of(client, key, any_order)) == 1


async def test_a_disabled_automation_starts_nothing(client, key):
    off = (await create(client, key, automation(enabled=False)))["id"]
    toggled = (await create(client, key, automation()))["id"]
    await client.post(f"/api/v1/automations/{toggled}/disable", headers=key.headers)
    await ingest(client, key)
    assert await runs_of(client, key, off) == [] and await runs_of(client, key, toggled) == []
    await client.post(f"/api/v1/automations/{toggled}/enable", headers=key.headers)
    await ingest(client, key)
    assert len(await runs_of(client, key, toggled)) == 1


async def test_one_run_per_event_even_when_triggered_twice_or_concurrently(client, key):
    auto_id = (await create(client, key, automation()))["id"]
    event_id = await ingest(client, key, eventId="order-1")
    assert await ingest(client, key, eventId="order-1") == event_id  # a duplicate starts nothing
    run = await AutomationRun.get(automation_id=auto_id)
    stored = StoredEvent(event_id, run.contact_id, "order.placed", Decimal("129"), {})
    await start_runs(key.organization_id, [stored])
    await asyncio.gather(*(start_runs(key.organization_id, [stored]) for _ in range(4)))
    assert await AutomationRun.filter(automation_id=auto_id).count() == 1
    batch = await client.post(
        "/api/v1/pipelines/events/batch", json={"events": [ORDER, {**ORDER, "eventId": "order-1"}]}, headers=key.headers
    )
    assert batch.status_code == 200, batch.text
    assert await AutomationRun.filter(automation_id=auto_id).count() == 2  # the new event only


# ----------------------------------------------------------------------------- steps


async def test_tag_and_custom_field_steps_change_the_contact(client, key, runner):
    await client.post(
        "/api/v1/contacts",
        json={"email": "jane@example.com", "tags": ["trial"], "customFields": {"plan": "free", "seats": 1}},
        headers=key.headers,
    )
    steps = [
        {"type": "addTag", "tag": "buyer"},
        {"type": "removeTag", "tag": "trial"},
        {"type": "setCustomField", "name": "plan", "value": "pro"},
        {"type": "setCustomField", "name": "seats", "value": None},  # null removes, like an upsert
        {"type": "setCustomField", "name": "lastOrder", "value": {"id": "ord_1a2b3c"}},
    ]
    auto_id = (await create(client, key, automation(steps=steps)))["id"]
    await ingest(client, key)
    contact = await contact_of(client, key)
    assert contact["tags"] == ["trial"]  # nothing happens before the runner runs
    assert "completed" in await runner.drain()
    contact = await contact_of(client, key)
    assert sorted(contact["tags"]) == ["buyer"]
    assert contact["customFields"] == {"plan": "pro", "lastOrder": {"id": "ord_1a2b3c"}}
    [run] = await runs_of(client, key, auto_id)
    assert run["status"] == "completed" and run["currentStep"] == 5 and run["contactId"] == contact["id"]
    assert [(s["stepIndex"], s["type"], s["status"]) for s in run["steps"]] == [
        (0, "addTag", "completed"), (1, "removeTag", "completed"), (2, "setCustomField", "completed"),
        (3, "setCustomField", "completed"), (4, "setCustomField", "completed"),
    ]
    assert all(s["at"].endswith("Z") for s in run["steps"])
    assert await runner.drain() == []  # nothing runs twice


async def test_send_email_step_renders_contact_and_event_and_is_delivered(client, key, runner, worker, smtp_sink):
    await client.post("/api/v1/contacts", json={"email": "jane@example.com", "firstName": "Jane"}, headers=key.headers)
    step = {
        "type": "sendEmail", "from": "shop@acme.com", "subject": "Order {{event.properties.orderId}}",
        "html": "<p>Hi {{firstName}}, total {{event.value}} {{event.currency}}</p>",
        "text": "Hi {{firstName}}, order {{event.properties.orderId}}",
    }
    auto_id = (await create(client, key, automation(steps=[step])))["id"]
    await ingest(client, key)
    await runner.drain()
    [run] = await runs_of(client, key, auto_id)
    assert run["status"] == "completed", run
    [message] = await Message.filter(organization_id=key.organization_id)
    assert message.id in run["steps"][0]["detail"]
    assert (message.subject, message.status, message.sandbox) == ("Order ord_1a2b3c", "queued", False)
    await worker.drain()
    [received] = smtp_sink.received_by_id(message.id)
    assert received.rcpt_tos == ["jane@example.com"] and received.mail_from == "shop@acme.com"
    assert received.message["Subject"] == "Order ord_1a2b3c"
    html = next(p for p in received.message.walk() if p.get_content_type() == "text/html").get_content()
    text = next(p for p in received.message.walk() if p.get_content_type() == "text/plain").get_content()
    assert "Hi Jane, total 129.00 USD" in html and "Hi Jane, order ord_1a2b3c" in text


async def test_send_email_step_respects_suppressions(client, key, runner, worker):
    await client.post("/api/v1/suppressions", json={"email": "jane@example.com", "reason": "manual"}, headers=key.headers)
    step = {"type": "sendEmail", "from": "shop@acme.com", "subject": "Hi", "text": "x"}
    await create(client, key, automation(steps=[step]))
    await ingest(client, key)
    await runner.drain()
    [message] = await Message.filter(organization_id=key.organization_id)
    await worker.drain()
    await message.refresh_from_db()
    assert message.status == "suppressed"


async def test_send_email_step_of_an_automation_made_with_a_test_key_is_sandboxed(client, make_key, runner, worker, smtp_sink):
    key = await make_key(test=True)
    step = {"type": "sendEmail", "from": "shop@acme.com", "subject": "Hi", "text": "x"}
    await create(client, key, automation(steps=[step]))
    await ingest(client, key)
    await runner.drain()
    [message] = await Message.filter(organization_id=key.organization_id)
    assert message.sandbox is True
    await worker.drain()
    await message.refresh_from_db()
    assert message.status == "sent" and smtp_sink.received_by_id(message.id) == []


async def test_a_send_email_step_over_a_template_limit_fails_its_run_with_the_reason(client, key, runner):
    step = {
        "type": "sendEmail", "from": "shop@acme.com", "subject": "Your order",
        "html": "{% for a in event.properties.lines %}{% for b in event.properties.lines %}{{ b }}{% endfor %}{% endfor %}",
    }
    auto_id = (await create(client, key, automation(steps=[TAG_BUYER[0], step])))["id"]
    await ingest(client, key, properties={"lines": list(range(200))})  # 200 x 200 iterations
    assert await runner.drain() == ["failed"]  # failed, not retried, and the runner carries on
    [run] = await runs_of(client, key, auto_id)
    reason = "the email could not be queued (template_error): html: more than 10000 loop iterations"
    assert run["status"] == "failed" and run["error"] == reason
    assert [(s["type"], s["status"], s["detail"]) for s in run["steps"]][-1] == ("sendEmail", "failed", reason)
    assert await Message.filter(organization_id=key.organization_id).count() == 0
    assert await runner.drain() == []


async def test_a_wait_survives_a_restart(client, key, settings):
    auto_id = (await create(client, key, automation(steps=[{"type": "wait", "seconds": 3600}, *TAG_BUYER])))["id"]
    await ingest(client, key)
    assert await AutomationRunner(settings).drain() == ["waiting"]
    [run] = await runs_of(client, key, auto_id)
    assert run["status"] == "waiting" and run["currentStep"] == 1
    assert [(s["type"], s["status"]) for s in run["steps"]] == [("wait", "completed")]
    assert "waiting until" in run["steps"][0]["detail"]
    assert (await contact_of(client, key))["tags"] == []
    # A new runner ("restart") finds nothing due yet...
    assert await AutomationRunner(settings).drain() == []
    # ...and once the hour has passed, it resumes after the wait.
    await AutomationRun.filter(id=run["id"]).update(due_at=now() - timedelta(seconds=1))
    assert await AutomationRunner(settings).drain() == ["completed"]
    [run] = await runs_of(client, key, auto_id)
    assert run["status"] == "completed" and [s["type"] for s in run["steps"]] == ["wait", "addTag"]
    assert (await contact_of(client, key))["tags"] == ["buyer"]


async def test_a_run_whose_contact_was_erased_fails_clearly(client, key, runner):
    auto_id = (await create(client, key, automation(steps=[{"type": "wait", "seconds": 60}, *TAG_BUYER])))["id"]
    await ingest(client, key)
    await runner.drain()
    contact = await contact_of(client, key)
    assert (await client.delete(f"/api/v1/contacts/{contact['id']}", headers=key.headers)).status_code == 200
    await AutomationRun.filter(automation_id=auto_id).update(due_at=now() - timedelta(seconds=1))
    assert await runner.drain() == ["failed"]
    [run] = await runs_of(client, key, auto_id)
    assert run["status"] == "failed" and run["contactId"] is None and "erased" in run["error"]
    assert [(s["type"], s["status"]) for s in run["steps"]][-1] == ("addTag", "failed")


async def test_two_runners_execute_each_step_once(client, key, settings):
    steps = [{"type": "addTag", "tag": "a"}, {"type": "setCustomField", "name": "n", "value": 1}]
    auto_id = (await create(client, key, automation(steps=steps)))["id"]
    for i in range(5):
        await ingest(client, key, email=f"buyer{i}@example.com")
    first, second = AutomationRunner(settings), AutomationRunner(settings)
    await asyncio.gather(first.drain(), second.drain())
    runs = await runs_of(client, key, auto_id)
    assert len(runs) == 5 and all(r["status"] == "completed" for r in runs)
    assert await AutomationStepLog.filter(run__automation_id=auto_id).count() == 10


async def test_runs_endpoint_is_paginated_newest_first(client, key):
    auto_id = (await create(client, key, automation()))["id"]
    ids = [await ingest(client, key) for _ in range(3)]
    page = (await client.get(f"/api/v1/automations/{auto_id}/runs?limit=2", headers=key.headers)).json()
    assert [r["eventId"] for r in page["data"]] == ids[::-1][:2] and page["hasMore"] is True
    rest = (await client.get(
        f"/api/v1/automations/{auto_id}/runs", params={"limit": 2, "cursor": page["nextCursor"]}, headers=key.headers
    )).json()
    assert [r["eventId"] for r in rest["data"]] == ids[:1] and rest["hasMore"] is False
    assert all(r["status"] == "pending" and r["steps"] == [] for r in page["data"])


async def test_the_worker_runs_automations_beside_delivery(client, key, worker_settings):
    from app.engines.worker import Worker

    auto_id = (await create(client, key, automation()))["id"]
    worker = Worker(worker_settings)
    task = asyncio.create_task(worker.run())
    try:
        await ingest(client, key)
        for _ in range(200):
            runs = await runs_of(client, key, auto_id)
            if runs and runs[0]["status"] == "completed":
                break
            await asyncio.sleep(0.05)
        assert runs[0]["status"] == "completed"
        assert (await contact_of(client, key))["tags"] == ["buyer"]
    finally:
        worker.stop()
        await asyncio.wait_for(task, 30)
