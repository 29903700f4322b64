"""A step's writes (on PostgreSQL one hand-written statement, on SQLite an ORM transaction):
a runner whose claim was taken over changes nothing, and the step's effect, its log row and
the run's progress land together or not at all."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tortoise import Tortoise

from app.engines import automations
from app.engines.automations import now
from models import AutomationRun, AutomationStepLog, Contact
from tests.helpers import BACKEND, automation_body, automation_ok, contact_of, ingest_order, runs_of

STEPS = {
    "addTag": {"type": "addTag", "tag": "buyer"},
    "removeTag": {"type": "removeTag", "tag": "trial"},
    "setCustomField": {"type": "setCustomField", "name": "plan", "value": "pro"},
    "removeCustomField": {"type": "setCustomField", "name": "plan", "value": None},
    "wait": {"type": "wait", "seconds": 60},
}


async def _jane_with_a_run(client, key, steps: list[dict]) -> tuple[str, automations.RunClaim]:
    """jane (tag `trial`, plan `free`), an automation of `steps` and its run, claimed."""
    body = {"email": "jane@example.com", "tags": ["trial"], "customFields": {"plan": "free"}}
    assert (await client.post("/api/v1/contacts", json=body, headers=key.headers)).status_code in (200, 201)
    auto_id = (await automation_ok(client, key, automation_body(steps=steps)))["id"]
    await ingest_order(client, key)
    [claim] = await automations.claim_due(3600, limit=10, organizations={key.organization_id})
    return auto_id, claim


@pytest.mark.parametrize("step", STEPS.values(), ids=STEPS.keys())
async def test_a_runner_whose_claim_was_taken_over_changes_nothing(client, key, step):
    auto_id, claim = await _jane_with_a_run(client, key, [step, {"type": "addTag", "tag": "second"}])
    contact = await contact_of(client, key)
    touched = (await Contact.get(id=contact["id"])).updated_at
    # Another worker claimed the run again (its lease had expired): a newer attempt holds it.
    await AutomationRun.filter(id=claim.id).update(attempts=claim.attempt + 1)

    assert await automations.run_claimed(claim) == "fenced"
    after = await contact_of(client, key)
    assert (after["tags"], after["customFields"]) == (["trial"], {"plan": "free"})
    assert (await Contact.get(id=contact["id"])).updated_at == touched
    assert await AutomationStepLog.filter(run_id=claim.id).count() == 0
    run = await AutomationRun.get(id=claim.id)
    assert (run.current_step, run.status, run.attempts) == (0, "running", claim.attempt + 1)
    [listed] = await runs_of(client, key, auto_id)
    assert listed["steps"] == []


async def test_a_run_ended_meanwhile_is_not_advanced_again(client, key):
    _, claim = await _jane_with_a_run(client, key, [STEPS["addTag"]])
    await AutomationRun.filter(id=claim.id).update(status="failed")  # e.g. failed by another path
    assert await automations.run_claimed(claim) == "fenced"
    assert (await contact_of(client, key))["tags"] == ["trial"]
    assert await AutomationStepLog.filter(run_id=claim.id).count() == 0


@pytest.fixture
async def refused_logs():
    """Step logs whose detail mentions `refused` fail to insert (a trigger), until the test ends."""
    conn = Tortoise.get_connection("default")
    if BACKEND == "postgres":
        await conn.execute_script(
            "CREATE OR REPLACE FUNCTION test_refuse_log() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            " IF NEW.detail LIKE '%refused%' THEN RAISE EXCEPTION 'step log refused'; END IF; RETURN NEW; END $$;"
            " CREATE TRIGGER test_refuse_log BEFORE INSERT ON automation_step_logs"
            " FOR EACH ROW EXECUTE FUNCTION test_refuse_log()"
        )
    else:
        await conn.execute_script(
            "CREATE TRIGGER test_refuse_log BEFORE INSERT ON automation_step_logs"
            " WHEN NEW.detail LIKE '%refused%' BEGIN SELECT RAISE(ABORT, 'step log refused'); END"
        )
    try:
        yield
    finally:
        await conn.execute_script("DROP TRIGGER IF EXISTS test_refuse_log"
                                  + (" ON automation_step_logs; DROP FUNCTION test_refuse_log()"
                                     if BACKEND == "postgres" else ""))


@pytest.mark.parametrize("step", [
    {"type": "addTag", "tag": "refused"},
    {"type": "removeTag", "tag": "refused"},
    {"type": "setCustomField", "name": "refused", "value": 1},
], ids=["addTag", "removeTag", "setCustomField"])
async def test_a_step_whose_log_row_fails_leaves_no_effect_and_is_retried(client, key, runner, refused_logs, step):
    _, claim = await _jane_with_a_run(client, key, [step])
    if step["type"] == "removeTag":
        response = await client.post("/api/v1/contacts", json={"email": "jane@example.com", "tags": ["refused"]},
                                     headers=key.headers)
        assert response.status_code in (200, 201), response.text
    before = await contact_of(client, key)
    assert step["type"] != "removeTag" or "refused" in before["tags"]
    await AutomationRun.filter(id=claim.id).update(status="pending", due_at=now() - timedelta(seconds=1))

    assert await runner.drain() == ["retry"]  # the statement (or transaction) failed as a whole
    after = await contact_of(client, key)
    assert (sorted(after["tags"]), after["customFields"]) == (sorted(before["tags"]), before["customFields"])
    run = await AutomationRun.get(id=claim.id)
    assert (run.current_step, run.status, run.attempts) == (0, "running", claim.attempt + 1)
    assert await AutomationStepLog.filter(run_id=claim.id).count() == 0


async def test_the_step_detail_says_what_happened(client, key, runner):
    steps = [{"type": "removeTag", "tag": "never-set"}, {"type": "removeTag", "tag": "trial"},
             {"type": "addTag", "tag": "buyer"}, {"type": "setCustomField", "name": "plan", "value": None},
             {"type": "wait", "seconds": 60}]
    auto_id, claim = await _jane_with_a_run(client, key, steps)
    await AutomationRun.filter(id=claim.id).update(status="pending", due_at=now() - timedelta(seconds=1))
    assert await runner.drain() == ["waiting"]
    [run] = await runs_of(client, key, auto_id)
    details = [s["detail"] for s in run["steps"]]
    assert details[:4] == ["tag `never-set` was not set", "tag `trial` removed", "tag `buyer` added",
                           "custom field `plan` set"]
    assert details[4].startswith("waiting until ") and details[4].endswith("Z")
    assert run["status"] == "waiting" and run["currentStep"] == 5
    contact = await contact_of(client, key)
    assert (contact["tags"], contact["customFields"]) == (["buyer"], {})


@pytest.mark.parametrize("first_to_run", ["new claim", "lost claim"])
async def test_a_claim_lost_in_a_crash_is_claimed_again_and_each_step_applies_once(client, key, first_to_run):
    steps = [{"type": "addTag", "tag": "buyer"}, {"type": "addTag", "tag": "second"}]
    auto_id, lost = await _jane_with_a_run(client, key, steps)
    # The claim committed without waiting for the disk, and a crash lost it: the run is as it
    # was before the claim, while the runner that made it may still be running.
    await AutomationRun.filter(id=lost.id).update(status="pending", attempts=lost.attempt - 1,
                                                   due_at=now() - timedelta(seconds=1))
    [again] = await automations.claim_due(3600, limit=10, organizations={key.organization_id})
    assert (again.id, again.attempt) == (lost.id, lost.attempt)  # the same fencing token, twice

    runs = [again, lost] if first_to_run == "new claim" else [lost, again]
    assert [await automations.run_claimed(claim) for claim in runs] == ["completed", "fenced"]
    assert sorted((await contact_of(client, key))["tags"]) == ["buyer", "second", "trial"]
    [run] = await runs_of(client, key, auto_id)
    assert [(s["stepIndex"], s["status"]) for s in run["steps"]] == [(0, "completed"), (1, "completed")]
    assert (run["status"], run["currentStep"]) == ("completed", 2)


@pytest.mark.skipif(BACKEND != "postgres", reason="asynchronous commit is PostgreSQL's")
async def test_the_claim_commits_asynchronously_and_only_its_own_transaction(client, key):
    _, claim = await _jane_with_a_run(client, key, [STEPS["addTag"]])
    await AutomationRun.filter(id=claim.id).update(status="pending", due_at=now() - timedelta(seconds=1))
    params = automations.pick_params(now(), 1, now() + timedelta(seconds=60), None, None,
                                     organizations={key.organization_id})
    async with Tortoise.get_connection("default").acquire_connection() as conn:  # one asyncpg connection
        async with conn.transaction():
            [row] = await conn.fetch(automations.claim_sql(1, postgres=True), *params)
            assert row["id"] == claim.id
            assert await conn.fetchval("SHOW synchronous_commit") == "off"
        assert await conn.fetchval("SHOW synchronous_commit") == "on"
        assert await conn.fetch(automations.claim_sql(1, postgres=True), *params) == []  # in its implicit transaction
        assert await conn.fetchval("SHOW synchronous_commit") == "on"
