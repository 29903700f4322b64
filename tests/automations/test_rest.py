"""Automations over REST: create, read, change, enable and disable, delete; validation of
steps and conditions; idempotent creation; the runs of an automation, newest first."""

from __future__ import annotations

import pytest

from tests.helpers import TAG_BUYER, automation_body, automation_ok, ingest_order


async def test_rest_crud_enable_disable_and_delete(client, key):
    created = await automation_ok(client, key, automation_body())
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
    first = await client.post("/api/v1/automations", json=automation_body(), headers=headers)
    again = await client.post("/api/v1/automations", json=automation_body(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    other = await client.post("/api/v1/automations", json=automation_body(name="Other"), headers=headers)
    assert other.status_code == 409
    listed = (await client.get("/api/v1/automations", headers=key.headers)).json()["data"]
    assert len(listed) == 1


@pytest.mark.parametrize(
    "body, field, code",
    [
        (automation_body(steps=[{"type": "webhook", "url": "http://10.0.0.1/hook"}]), "steps.0.url", "blocked_address"),
        (automation_body(steps=[{"type": "webhook", "url": "ftp://example.com/hook"}]), "steps.0.url", "invalid_url"),
        (automation_body(steps=[{"type": "webhook"}]), "steps.0.url", None),
        (automation_body(steps=[{"type": "launchRocket"}]), "steps.0.type", "invalid"),
        (automation_body(steps=[{"type": "wait", "seconds": 0}]), "steps.0.seconds", None),
        (automation_body(steps=[{"type": "wait", "seconds": 90 * 86400 + 1}]), "steps.0.seconds", None),
        (automation_body(steps=[{"type": "addTag", "tag": "x"}] * 21), "steps", "invalid"),
        (automation_body(steps=[]), "steps", "invalid"),
        (automation_body(steps=[{"type": "addTag"}]), "steps.0.tag", None),
        (automation_body(steps=[{"type": "addTag", "tag": "x", "extra": 1}]), "steps.0.extra", None),
        (automation_body(steps=[{"type": "sendEmail", "from": "a@acme.com", "subject": "Hi"}]), "steps.0", "required"),
        (
            automation_body(steps=[{"type": "sendEmail", "from": "a@acme.com", "subject": "Hi {{ firstName", "text": "x"}]),
            "steps.0.subject", "template_error",
        ),
        (automation_body(steps=[{"type": "sendEmail", "from": "nobody", "subject": "Hi", "text": "x"}]), "steps.0.from", None),
        (automation_body(steps=[{"type": "setCustomField", "value": 1}]), "steps.0.name", None),
        (automation_body(conditions=[{"field": "value", "op": "like", "value": 1}]), "trigger.conditions.0.op", None),
        (automation_body(conditions=[{"field": "value", "op": "in", "value": 1}]), "trigger.conditions.0", "invalid"),
        (automation_body(conditions=[{"field": "value", "op": "gt"}]), "trigger.conditions.0", "invalid"),
        (automation_body(conditions=[{"field": "email", "op": "eq", "value": "x"}]), "trigger.conditions.0.field", "invalid_format"),
        ({**automation_body(), "trigger": {"eventType": "Order Placed"}}, "trigger.eventType", "invalid_format"),
        ({**automation_body(), "name": ""}, "name", None),
        ({**automation_body(), "name": "a\x00b"}, "name", "invalid_format"),  # PostgreSQL cannot store U+0000
        (automation_body(steps=[{"type": "addTag", "tag": "t\x00"}]), "steps", "invalid_format"),
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
    auto_id = (await automation_ok(client, key, automation_body()))["id"]
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


async def test_runs_endpoint_is_paginated_newest_first(client, key):
    auto_id = (await automation_ok(client, key, automation_body()))["id"]
    ids = [await ingest_order(client, key) for _ in range(3)]
    page = (await client.get(f"/api/v1/automations/{auto_id}/runs?limit=2", headers=key.headers)).json()
    assert [r["eventId"] for r in page["data"]] == ids[::-1][:2] and page["hasMore"] is True
    rest = (await client.get(
        f"/api/v1/automations/{auto_id}/runs", params={"limit": 2, "cursor": page["nextCursor"]}, headers=key.headers
    )).json()
    assert [r["eventId"] for r in rest["data"]] == ids[:1] and rest["hasMore"] is False
    assert all(r["status"] == "pending" and r["steps"] == [] for r in page["data"])
