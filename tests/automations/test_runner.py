"""The automation runner: each step's effect, sendEmail delivered (or suppressed, or
sandboxed), a template over its limit, waits that survive a restart, an erased contact, two
runners executing each step once, and the worker running automations beside delivery."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from app.engines.automations import now
from models import AutomationRun, AutomationStepLog, Message
from tests.helpers import (
    TAG_BUYER,
    automation_body,
    automation_ok,
    automation_runner,
    contact_of,
    delivery_worker,
    eventually,
    ingest_order,
    runs_of,
    start_loops,
)


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
    auto_id = (await automation_ok(client, key, automation_body(steps=steps)))["id"]
    await ingest_order(client, key)
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
    auto_id = (await automation_ok(client, key, automation_body(steps=[step])))["id"]
    await ingest_order(client, key)
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
    await automation_ok(client, key, automation_body(steps=[step]))
    await ingest_order(client, key)
    await runner.drain()
    [message] = await Message.filter(organization_id=key.organization_id)
    await worker.drain()
    await message.refresh_from_db()
    assert message.status == "suppressed"


async def test_send_email_step_of_an_automation_made_with_a_test_key_is_sandboxed(client, make_key, runner, worker, smtp_sink):
    key = await make_key(test=True)
    step = {"type": "sendEmail", "from": "shop@acme.com", "subject": "Hi", "text": "x"}
    await automation_ok(client, key, automation_body(steps=[step]))
    await ingest_order(client, key)
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
    auto_id = (await automation_ok(client, key, automation_body(steps=[TAG_BUYER[0], step])))["id"]
    await ingest_order(client, key, properties={"lines": list(range(200))})  # 200 x 200 iterations
    assert await runner.drain() == ["failed"]  # failed, not retried, and the runner carries on
    [run] = await runs_of(client, key, auto_id)
    reason = "the email could not be queued (template_error): html: more than 10000 loop iterations"
    assert run["status"] == "failed" and run["error"] == reason
    assert [(s["type"], s["status"], s["detail"]) for s in run["steps"]][-1] == ("sendEmail", "failed", reason)
    assert await Message.filter(organization_id=key.organization_id).count() == 0
    assert await runner.drain() == []


async def test_a_wait_survives_a_restart(client, key, settings):
    auto_id = (await automation_ok(client, key, automation_body(steps=[{"type": "wait", "seconds": 3600}, *TAG_BUYER])))["id"]
    await ingest_order(client, key)
    assert await automation_runner(settings).drain() == ["waiting"]
    [run] = await runs_of(client, key, auto_id)
    assert run["status"] == "waiting" and run["currentStep"] == 1
    assert [(s["type"], s["status"]) for s in run["steps"]] == [("wait", "completed")]
    assert "waiting until" in run["steps"][0]["detail"]
    assert (await contact_of(client, key))["tags"] == []
    # A new runner ("restart") finds nothing due yet...
    assert await automation_runner(settings).drain() == []
    # ...and once the hour has passed, it resumes after the wait.
    await AutomationRun.filter(id=run["id"]).update(due_at=now() - timedelta(seconds=1))
    assert await automation_runner(settings).drain() == ["completed"]
    [run] = await runs_of(client, key, auto_id)
    assert run["status"] == "completed" and [s["type"] for s in run["steps"]] == ["wait", "addTag"]
    assert (await contact_of(client, key))["tags"] == ["buyer"]


async def test_a_run_whose_contact_was_erased_fails_clearly(client, key, runner):
    auto_id = (await automation_ok(client, key, automation_body(steps=[{"type": "wait", "seconds": 60}, *TAG_BUYER])))["id"]
    await ingest_order(client, key)
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
    auto_id = (await automation_ok(client, key, automation_body(steps=steps)))["id"]
    for i in range(5):
        await ingest_order(client, key, email=f"buyer{i}@example.com")
    first, second = automation_runner(settings), automation_runner(settings)
    await asyncio.gather(first.drain(), second.drain())
    runs = await runs_of(client, key, auto_id)
    assert len(runs) == 5 and all(r["status"] == "completed" for r in runs)
    assert await AutomationStepLog.filter(run__automation_id=auto_id).count() == 10


async def test_the_worker_runs_automations_beside_delivery(client, key, worker_settings):
    auto_id = (await automation_ok(client, key, automation_body()))["id"]

    async def completed_runs() -> list[dict] | None:
        runs = await runs_of(client, key, auto_id)
        return runs if runs and runs[0]["status"] == "completed" else None

    stop = await start_loops(delivery_worker(worker_settings))
    try:
        await ingest_order(client, key)
        runs = await eventually(completed_runs, timeout=10, every=0.05, what="the run completed")
        assert runs[0]["status"] == "completed"
        assert (await contact_of(client, key))["tags"] == ["buyer"]
    finally:
        await stop()
