"""Which events start a run: the event type, every condition of the trigger, an enabled
automation; and at most one run per (automation, event), however often it is triggered."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from models import AutomationRun
from schema.automations.triggers import StoredEvent, start_runs
from tests.helpers import ORDER, automation_body, automation_ok, ingest_order, runs_of


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
    auto_id = (await automation_ok(client, key, automation_body(conditions=[condition])))["id"]
    await ingest_order(client, key)
    assert len(await runs_of(client, key, auto_id)) == (1 if starts else 0)


async def test_all_conditions_must_hold_and_the_event_type_must_match(client, key):
    conditions = [{"field": "value", "op": "gte", "value": 100}, {"field": "properties.sku", "op": "eq", "value": "X"}]
    both = (await automation_ok(client, key, automation_body(conditions=conditions)))["id"]
    any_order = (await automation_ok(client, key, automation_body()))["id"]
    await ingest_order(client, key)
    await ingest_order(client, key, eventType="order.refunded")
    assert await runs_of(client, key, both) == []
    assert len(await runs_of(client, key, any_order)) == 1


async def test_a_disabled_automation_starts_nothing(client, key):
    off = (await automation_ok(client, key, automation_body(enabled=False)))["id"]
    toggled = (await automation_ok(client, key, automation_body()))["id"]
    await client.post(f"/api/v1/automations/{toggled}/disable", headers=key.headers)
    await ingest_order(client, key)
    assert await runs_of(client, key, off) == [] and await runs_of(client, key, toggled) == []
    await client.post(f"/api/v1/automations/{toggled}/enable", headers=key.headers)
    await ingest_order(client, key)
    assert len(await runs_of(client, key, toggled)) == 1


async def test_one_run_per_event_even_when_triggered_twice_or_concurrently(client, key):
    auto_id = (await automation_ok(client, key, automation_body()))["id"]
    event_id = await ingest_order(client, key, eventId="order-1")
    assert await ingest_order(client, key, eventId="order-1") == event_id  # a duplicate starts nothing
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
