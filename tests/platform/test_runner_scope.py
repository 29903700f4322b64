"""Runners can be scoped to some organizations (tests scope theirs to their own): a scoped
runner claims nothing of any other organization, and an unscoped one claims everyone's."""

from __future__ import annotations

from datetime import timedelta

from app.core.clock import now
from app.engines import automations, delivery_queue, imports
from models import AutomationRun, ImportJob, Message
from tests.helpers import SEND


async def test_a_scoped_delivery_claim_takes_only_its_organizations_messages(client, make_key):
    mine, other = await make_key(), await make_key()
    for key in (mine, other):
        assert (await client.post("/api/v1/delivery/send", json=SEND, headers=key.headers)).status_code == 202
    claims = await delivery_queue.claim(1000, 3600, organizations={mine.organization_id})
    assert {c.organization_id for c in claims} == {mine.organization_id}
    assert await Message.filter(organization_id=other.organization_id, status="queued").count() == 1
    everyone = await delivery_queue.claim(1000, 3600)
    assert other.organization_id in {c.organization_id for c in everyone}


async def test_a_scoped_automation_claim_takes_only_its_organizations_runs(client, make_key):
    mine, other = await make_key(), await make_key()
    for key in (mine, other):
        automation = {"name": "Tag", "trigger": {"eventType": "scope.test"}, "steps": [{"type": "addTag", "tag": "x"}]}
        assert (await client.post("/api/v1/automations", json=automation, headers=key.headers)).status_code == 201
        event = {"email": "a@example.com", "eventType": "scope.test"}
        assert (await client.post("/api/v1/pipelines/events", json=event, headers=key.headers)).status_code == 202
    claims = await automations.claim_due(3600, limit=1000, organizations={mine.organization_id})
    assert {c.organization_id for c in claims} == {mine.organization_id}
    assert await AutomationRun.filter(organization_id=other.organization_id, status="pending").count() == 1


async def test_a_scoped_import_claim_takes_only_its_organizations_jobs(make_key):
    mine, other = await make_key(), await make_key()
    due = now() - timedelta(seconds=1)
    jobs = {}
    for key in (mine, other):
        jobs[key.organization_id] = await ImportJob.create(
            id=f"imp_{key.organization_id[-12:]}x", organization_id=key.organization_id, format="csv",
            filename="x.csv", status="pending", due_at=due,
        )
    claim = await imports.claim_due(3600, organizations={other.organization_id})
    assert claim is not None and claim.id == jobs[other.organization_id].id
    assert await imports.claim_due(3600, organizations={other.organization_id}) is None
    assert (await ImportJob.get(id=jobs[mine.organization_id].id)).status == "pending"
