"""Automations: run them (claimed with a lease). Which runs an event starts is
schema.automations.triggers.

Test mode (Stripe's rule: test and live are separate worlds, and test mode never touches live
traffic): a sandboxed run's sendEmail step queues sandbox messages (never handed to a
transport); its webhook step still calls the receiver (developers test their endpoint) with
`"sandbox": true` in the signed payload and a `Viperatron-Sandbox: true` header.

Runner (`AutomationRunner`, beside the delivery worker): claims due runs like messages
(app/engines/leases.py): `status IN ('pending', 'running', 'waiting') AND due_at <= now`, `FOR UPDATE
SKIP LOCKED` on PostgreSQL, `due_at` = lease expiry while running, renewed while the run
runs; only as many as it can start, at most `per_org` of one organization, each run a task.
Each step is ONE transaction fenced by the claim: advance `current_step` (only if still ours
and still at this step), apply the step's effect (contact tag/field, or the queued message),
write its log row. So a step's effect is applied at most once; a worker that dies mid-step leaves nothing, and
the next claim redoes that step. On PostgreSQL every step but sendEmail is one hand-written
statement (one round trip: "steps in SQL" below), and a run's consecutive such steps share
one pooled connection; sendEmail (the delivery resolver) and SQLite use the ORM transaction. `wait` moves the run to `waiting` with `due_at` = wake-up
time, in the database, so it survives restarts.

`webhook` is the one step with an effect outside the database: the POST is made first, outside
any transaction, then the step advances as above. A failed try is logged (`retrying`) and the
run waits for the next try (`step_attempts` counts them; back-off as for deferred email); after
the last try the run fails. A worker killed between the POST and its commit repeats the POST:
webhooks are at least once, and `Viperatron-Webhook-Id` lets receivers drop the repeat.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from app.core.clock import now
from app.core.errors import ApiError
from app.core.principal import Principal
from app.engines import webhooks
from app.engines.delivery_queue import retry_delay
from app.engines.leases import Slots, fence_sql, fenced, per_org_cap, pick_params, pick_sql, renew_sql
from models import AutomationRun, AutomationStepLog, Contact, ContactTag, Event
from schema.automations import triggers
from schema.automations.triggers import wakeups
from schema.contacts.resolvers import merge_custom_fields
from schema.delivery.resolvers import SendEmail, queue_email
from schema.events.resolvers import format_value

log = logging.getLogger("viperatron.automations")

IDLE_POLL_SECONDS = 1.0
MAX_ATTEMPTS = 10
RUN_STATUSES = ("pending", "running", "waiting", "completed", "failed")


# ----------------------------------------------------------------------------- claims

CLAIMABLE = ("pending", "running", "waiting")  # in migration 7's claim index order
HELD = "running"  # a claimed run's status while its lease holds

CLAIM_RUNS = """
UPDATE automation_runs r SET status = 'running', due_at = $3, attempts = r.attempts + 1, updated_at = $1
FROM picked{lease_only} WHERE r.id = picked.id
RETURNING r.id, r.attempts, r.automation_id, r.organization_id, r.event_id, r.contact_id,
          r.current_step, r.step_attempts, r.sandbox
"""
# A claim is only a lease: were its commit lost in a crash, the run would be due again as if it
# had never been claimed, and every step is fenced by its index as well as by the attempt. So
# the claim's transaction commits without waiting for the WAL to reach the disk (asynchronous
# commit, set for this one transaction); a step's commit still waits, and flushes the claim
# with it. On a disk where a flush costs ~0.1 ms, that is one wait of two per run.
LEASE_ONLY = ", (SELECT set_config('synchronous_commit', 'off', true)) AS lease_only"

_SQLITE_CLAIM_RUNS = """
UPDATE automation_runs SET status = 'running', due_at = $3, attempts = attempts + 1, updated_at = $1
WHERE id IN (SELECT id FROM picked)
RETURNING id, attempts, automation_id, organization_id, event_id, contact_id, current_step, step_attempts, sandbox
"""


def claim_sql(limit: int, postgres: bool) -> str:
    """The claim of up to `limit` runs, the limit written into the text (pick_sql: so that
    PostgreSQL keeps one generic plan of the prepared statement instead of planning every
    claim anew, which cost more than running it)."""
    if postgres:
        return pick_sql("automation_runs", CLAIMABLE, True, CLAIM_RUNS.format(lease_only=LEASE_ONLY), limit=limit)
    return pick_sql("automation_runs", CLAIMABLE, False, _SQLITE_CLAIM_RUNS, limit=limit)


@dataclass(frozen=True)
class RunClaim:
    """A claimed run as the claim returned it (no second read of the row)."""

    id: str
    attempt: int
    automation_id: str = ""
    organization_id: str = ""
    event_id: str | None = None
    contact_id: str | None = None
    current_step: int = 0
    step_attempts: int = 0
    sandbox: bool = False  # test mode: started by a test key's event or a test-mode automation


async def claim_due(
    lease_seconds: float, limit: int = 1, busy: dict[str, int] | None = None, per_org: int | None = None,
    organizations: Collection[str] | None = None,
) -> list[RunClaim]:
    """Claim up to `limit` due runs, at most `per_org` of one organization counting `busy`
    (its runs in flight here), only of `organizations` when given."""
    conn = Tortoise.get_connection("default")
    at = now()
    params = pick_params(at, limit, at + timedelta(seconds=lease_seconds), busy, per_org, organizations=organizations)
    _, rows = await conn.execute_query(claim_sql(max(limit, 0), conn.capabilities.dialect == "postgres"), params)
    return [
        RunClaim(
            row["id"], row["attempts"], row["automation_id"], row["organization_id"], row["event_id"],
            row["contact_id"], row["current_step"], row["step_attempts"], bool(row["sandbox"]),
        )
        for row in rows
    ]


class Fenced(Exception):
    """The claim was taken over (lease expired): this worker's step must not apply."""


class StepFailed(Exception):
    pass


def _fenced(claim: RunClaim, connection=None):
    """The run's row while this claim holds it (app/engines/leases.py: fenced)."""
    return fenced(AutomationRun, claim, HELD, connection)


_PG_RENEW = renew_sql("automation_runs", HELD, True)
_SQLITE_RENEW = renew_sql("automation_runs", HELD, False)


async def renew(claims: dict[str, int], lease_seconds: float) -> int:
    """Extend the leases of claimed runs (id -> attempt); how many were still ours to run
    (not waiting or ended, nor taken over by a newer attempt)."""
    conn = Tortoise.get_connection("default")
    sql = _PG_RENEW if conn.capabilities.dialect == "postgres" else _SQLITE_RENEW
    changed, _ = await conn.execute_query(sql, [now() + timedelta(seconds=lease_seconds), json.dumps(claims)])
    return changed


# ----------------------------------------------------------------------------- steps


def _event_variables(event) -> dict[str, Any]:

    if event is None:
        return {}
    return {
        "id": event.id,
        "eventId": event.event_id,
        "type": event.event_type,
        "eventType": event.event_type,
        "value": format_value(event.value, event.currency),
        "currency": event.currency,
        "properties": event.properties or {},
        "occurredAt": event.occurred_at.isoformat().replace("+00:00", "Z") if event.occurred_at else None,
    }


ERASED = "the contact was erased (or the event had none); the run cannot continue"


def _contact_query(run: RunClaim, conn):

    if run.contact_id is None:
        raise StepFailed(ERASED)
    return Contact.filter(id=run.contact_id, organization_id=run.organization_id).using_db(conn)


async def _touch_contact(run: RunClaim, conn) -> None:
    """Mark the contact changed; also the check that it still exists (one statement, not two)."""
    if not await _contact_query(run, conn).update(updated_at=now()):
        raise StepFailed(ERASED)


async def _contact(run: RunClaim, conn):
    contact = await _contact_query(run, conn).first()
    if contact is None:
        raise StepFailed(ERASED)
    return contact


async def _apply(step: dict[str, Any], run: RunClaim, automation, event: "LazyEvent", conn,
                 verified_domains: bool = False) -> tuple[str, str]:
    """Apply one step's effect inside `conn`'s transaction; returns (log status, detail)."""

    kind = step["type"]
    if kind == "wait":
        return "completed", f"waiting {step['seconds']} s"
    if kind == "webhook":  # already delivered by _call_webhook, before this transaction
        return "completed", ""
    if kind == "addTag":
        await _touch_contact(run, conn)
        await ContactTag.bulk_create(
            [ContactTag(contact_id=run.contact_id, organization_id=run.organization_id, tag=step["tag"])],
            ignore_conflicts=True, using_db=conn,
        )
        return "completed", f"tag `{step['tag']}` added"
    if kind == "removeTag":
        await _touch_contact(run, conn)
        removed = await ContactTag.filter(contact_id=run.contact_id, tag=step["tag"]).using_db(conn).delete()
        return "completed", f"tag `{step['tag']}` removed" if removed else f"tag `{step['tag']}` was not set"
    contact = await _contact(run, conn)
    if kind == "setCustomField":
        locked = await Contact.filter(id=contact.id).using_db(conn).select_for_update().get()
        merged = merge_custom_fields(locked.custom_fields, {step["name"]: step["value"]})
        await Contact.filter(id=contact.id).using_db(conn).update(custom_fields=merged, updated_at=now())
        return "completed", f"custom field `{step['name']}` set"
    if kind == "sendEmail":
        principal = Principal.of_automation(automation.id, run.organization_id, automation.api_key_id, run.sandbox)
        # Automation emails are marketing-like: each carries a one-click unsubscribe link.
        body = {"to": [contact.email], "from": step["from"], "subject": step["subject"],
                "variables": {"event": _event_variables(await event.get())}, "unsubscribe": True}
        for optional in ("html", "text"):
            if step.get(optional) is not None:
                body[optional] = step[optional]
        try:
            result = await queue_email(
                principal, SendEmail.model_validate(body), automation_id=automation.id, contact_id=contact.id,
                verified_domains=verified_domains,
            )
        except ApiError as error:  # e.g. a template over a limit: the run fails, it is not retried
            codes = ", ".join(dict.fromkeys(d.code for d in error.details)) or error.code.value
            raise StepFailed(f"the email could not be queued ({codes}): {error.message}") from None
        return "completed", f"message {result.message_id} queued to {contact.email}"
    raise StepFailed(f"unknown step type `{kind}`")


def _contact_payload(contact) -> dict[str, Any] | None:
    if contact is None:
        return None
    return {
        "id": contact.id, "email": contact.email, "firstName": contact.first_name, "lastName": contact.last_name,
        "customFields": contact.custom_fields or {},
    }


async def _call_webhook(
    run: RunClaim, automation, event: "LazyEvent", index: int, step: dict[str, Any], policy: webhooks.Policy,
    tries_before: int,
) -> tuple[str, str | None]:
    """POST the step's webhook: ("delivered", detail to log), or ("retrying" | "failed", None)
    when the run now waits for the next try or has failed (both already written)."""

    contact = await Contact.filter(id=run.contact_id).first() if run.contact_id else None
    delivery_id = f"{run.id}.{index}"
    sandbox = run.sandbox
    payload = {
        "id": delivery_id,
        "type": "automation.webhook",
        "automationId": automation.id,
        "automationName": automation.name,
        "runId": run.id,
        "stepIndex": index,
        "event": _event_variables(await event.get()) or None,
        "contact": _contact_payload(contact),
        "sandbox": sandbox,  # test mode: in the signed body, so receivers can trust it
    }
    attempt = tries_before + 1
    outcome = await webhooks.deliver(
        step["url"], automation.webhook_secret, payload, delivery_id, attempt, policy, sandbox=sandbox
    )
    if outcome.delivered:
        return "delivered", f"delivered to {step['url']}: {outcome.detail} (try {attempt})"
    if not outcome.retryable or attempt >= policy.max_attempts:
        tries = f"after {attempt} tries" if attempt > 1 else "not retried"
        await _fail(run, index, "webhook", f"{outcome.detail} ({tries})")
        return "failed", None
    due = now() + timedelta(
        seconds=retry_delay(attempt, policy.retry_base_seconds, policy.retry_max_interval_seconds)
    )
    async with in_transaction() as conn:
        changed = await _fenced(run, conn).filter(current_step=index).update(
            status="waiting", due_at=due, step_attempts=attempt, updated_at=now()
        )
        if changed:
            at = due.isoformat(timespec="seconds").replace("+00:00", "Z")
            await _log(conn, run.id, index, "webhook", "retrying",
                       f"{outcome.detail} (try {attempt} of {policy.max_attempts}; next at {at})")
    return "retrying", None


async def _log(conn, run_id: str, index: int, kind: str, status: str, detail: str) -> None:

    await AutomationStepLog.create(
        run_id=run_id, step_index=index, type=kind, status=status, detail=detail[:2000], at=now(), using_db=conn
    )


async def _fail(claim: RunClaim, index: int, kind: str, detail: str) -> None:
    async with in_transaction() as conn:
        if await _fenced(claim, conn).update(status="failed", error=detail, due_at=now()):
            await _log(conn, claim.id, index, kind, "failed", detail)


# ----------------------------------------------------------------------------- steps in SQL

# On PostgreSQL the steps that only touch the database (addTag, removeTag, setCustomField,
# wait, and a webhook's advance after its POST) are ONE hand-written statement each: the
# fenced advance of the run (`moved`), the step's effect and its log row, in one round trip
# and one implicit transaction — all land or none does. Data-modifying CTEs run on one
# snapshot and see each other only through RETURNING, so every effect reads `moved`: a lost
# claim (another attempt, another status, another step) moves nothing and so changes nothing.
# The contact is locked first (`contact`, FOR UPDATE), like the ORM path's touch: an erase
# waits for the step or has already won, and then the run does not move either (the caller
# fails it: `contact` = 0). The ORM path (`_apply` in a transaction) stays for sendEmail
# (the delivery resolver) and for SQLite, which has no data-modifying CTEs.

_MOVED = """moved AS (
    UPDATE automation_runs SET current_step = CAST($3 AS INTEGER) + 1, step_attempts = 0, status = $5,
        due_at = COALESCE($6, due_at), updated_at = $4
    WHERE {fence} AND current_step = $3{contact}
    RETURNING id
)""".format(fence=fence_sql(HELD, "$1", "$2"), contact="{contact}")

_LOGGED = """logged AS (
    INSERT INTO automation_step_logs (run_id, step_index, type, status, detail, at)
    SELECT id, $3, $7, 'completed', {detail}, $4 FROM moved
)"""

# $1 run id, $2 attempt, $3 step index, $4 now, $5 the run's new status, $6 its new due_at
# (NULL: keep the lease), $7 step type; contact steps: $8 contact id, $9 organization id,
# then the step's own parameters.
_CONTACT_STEP = """
WITH contact AS (
    SELECT id FROM contacts WHERE id = $8 AND organization_id = $9 FOR UPDATE
), {moved}, touched AS (
    UPDATE contacts c SET updated_at = $4{set} FROM moved WHERE c.id = $8 RETURNING c.id, c.organization_id
){effect}, {logged}
SELECT (SELECT count(*) FROM moved) AS moved, (SELECT count(*) FROM contact) AS contact
"""


def _contact_step(*, detail: str, effect: str = "", set_: str = "") -> str:
    moved = _MOVED.replace("{contact}", " AND EXISTS (SELECT 1 FROM contact)")
    return _CONTACT_STEP.format(moved=moved, set=set_, effect=effect, logged=_LOGGED.format(detail=detail)).strip()


_SQL_STEPS = {
    # $10 tag, $11 detail
    "addTag": _contact_step(detail="$11", effect=""",
effect AS (
    INSERT INTO contact_tags (contact_id, organization_id, tag) SELECT id, organization_id, $10 FROM touched
    ON CONFLICT (contact_id, tag) DO NOTHING
)"""),
    # $10 tag, $11 detail when removed, $12 when it was not set
    "removeTag": _contact_step(detail="CASE WHEN EXISTS (SELECT 1 FROM effect) THEN $11 ELSE $12 END", effect=""",
effect AS (
    DELETE FROM contact_tags WHERE contact_id IN (SELECT id FROM touched) AND tag = $10 RETURNING 1
)"""),
    # $10 field name, $11 its value as JSON text (NULL: remove the field; merge_custom_fields' rule), $12 detail
    "setCustomField": _contact_step(detail="$12", set_="""
        , custom_fields = CASE WHEN CAST($11 AS TEXT) IS NULL THEN COALESCE(c.custom_fields, '{}'::jsonb) - CAST($10 AS TEXT)
          ELSE COALESCE(c.custom_fields, '{}'::jsonb) || jsonb_build_object(CAST($10 AS TEXT), CAST($11 AS TEXT)::jsonb) END"""),
    # wait, and a webhook delivered before the statement: $8 detail
    "advance": "WITH {moved}, {logged}\nSELECT (SELECT count(*) FROM moved) AS moved, 1 AS contact".format(
        moved=_MOVED.replace("{contact}", ""), logged=_LOGGED.format(detail="$8")),
}


SQL_KINDS = frozenset({"addTag", "removeTag", "setCustomField", "wait", "webhook"})


def _step_params(step: dict[str, Any], run: RunClaim, kind: str, detail: str) -> list:
    """The parameters after $7 of the step's statement (see _SQL_STEPS)."""
    if kind in ("wait", "webhook"):
        return [detail[:2000]]
    if run.contact_id is None:
        raise StepFailed(ERASED)
    contact = [run.contact_id, run.organization_id]
    if kind == "addTag":
        return [*contact, step["tag"], f"tag `{step['tag']}` added"]
    if kind == "removeTag":
        return [*contact, step["tag"], f"tag `{step['tag']}` removed", f"tag `{step['tag']}` was not set"]
    value = step["value"]
    return [*contact, step["name"], None if value is None else json.dumps(value), f"custom field `{step['name']}` set"]


async def _sql_step(conn, run: RunClaim, index: int, kind: str, step: dict[str, Any], moved: dict[str, Any],
                    detail: str) -> None:
    """One step in one statement on `conn` (an asyncpg connection): Fenced when the claim was
    lost, StepFailed when the contact is gone; else advanced, applied and logged together."""
    params = _step_params(step, run, kind, detail)
    sql = _SQL_STEPS["advance" if kind in ("wait", "webhook") else kind]
    row = await conn.fetchrow(sql, run.id, run.attempt, index, moved["updated_at"], moved.get("status", HELD),
                              moved.get("due_at"), kind, *params)
    if row["moved"]:
        return
    if not row["contact"]:
        raise StepFailed(ERASED)
    raise Fenced()


class HeldConnection:
    """One pooled connection held across a run's consecutive SQL steps: one acquire and one
    pool reset for them, not one per step. Let go before anything else may take a
    connection (an ORM step, a webhook call, a failure), so a run never holds two."""

    def __init__(self):
        self._wrapper = None
        self._conn = None

    async def get(self):
        if self._conn is None:
            wrapper = Tortoise.get_connection("default").acquire_connection()
            self._conn = await wrapper.__aenter__()
            self._wrapper = wrapper
        return self._conn

    async def release(self) -> None:
        wrapper, self._wrapper, self._conn = self._wrapper, None, None
        if wrapper is not None:
            await wrapper.__aexit__(None, None, None)


class LazyEvent:
    """The run's event, read only by the steps that use it (sendEmail, webhook)."""

    def __init__(self, event_id: str | None):
        self.event_id = event_id
        self._loaded = False
        self._event = None

    async def get(self):

        if not self._loaded and self.event_id:
            self._event = await Event.filter(id=self.event_id).first()
        self._loaded = True
        return self._event


async def run_claimed(claim: RunClaim, policy: webhooks.Policy = webhooks.Policy(),
                      verified_domains: bool = False) -> str:
    """Run a claimed run from its current step until it waits, completes or fails. The last
    step's transaction also completes the run."""
    automation = await triggers.automation(claim.automation_id)
    if automation is None:  # deleted meanwhile (its runs go with it)
        return "gone"
    steps = list(automation.steps or [])
    index = claim.current_step
    if index >= len(steps):  # after a trailing wait, or the steps were shortened meanwhile
        await _fenced(claim).update(status="completed", due_at=now(), updated_at=now())
        return "completed"
    held = HeldConnection()
    try:
        return await _run_steps(claim, automation, steps, index, held, policy, verified_domains)
    finally:
        await held.release()


async def _run_steps(claim: RunClaim, automation, steps: list[dict[str, Any]], index: int, held: HeldConnection,
                     policy: webhooks.Policy, verified_domains: bool) -> str:
    event = LazyEvent(claim.event_id)
    sql = Tortoise.get_connection("default").capabilities.dialect == "postgres"
    while index < len(steps):
        step = steps[index]
        kind = step.get("type", "?")
        last = index == len(steps) - 1
        delivered = None
        if kind == "webhook":
            await held.release()
            tries = claim.step_attempts if index == claim.current_step else 0
            result, delivered = await _call_webhook(claim, automation, event, index, step, policy, tries)
            if delivered is None:
                return result
        moved = {"current_step": index + 1, "step_attempts": 0, "updated_at": now()}
        if kind == "wait":
            moved.update(status="waiting", due_at=now() + timedelta(seconds=int(step["seconds"])))
        if last and kind != "wait":
            moved.update(status="completed", due_at=now())
        detail = delivered or ""
        if kind == "wait":
            detail = f"waiting until {moved['due_at'].isoformat(timespec='seconds').replace('+00:00', 'Z')}"
        try:
            if sql and kind in SQL_KINDS:
                await _sql_step(await held.get(), claim, index, kind, step, moved, detail)
            else:
                await held.release()
                async with in_transaction() as conn:
                    changed = await _fenced(claim, conn).filter(current_step=index).update(**moved)
                    if not changed:
                        raise Fenced()
                    status, applied = await _apply(step, claim, automation, event, conn, verified_domains)
                    await _log(conn, claim.id, index, kind, status, detail or applied)
        except Fenced:
            log.warning("run %s (attempt %d) was taken over at step %d", claim.id, claim.attempt, index)
            return "fenced"
        except StepFailed as exc:
            await held.release()
            await _fail(claim, index, kind, str(exc))
            return "failed"
        if kind == "wait":
            return "waiting"
        index += 1
    return "completed"


# ----------------------------------------------------------------------------- runner

class AutomationRunner:
    """Claims due automation runs and executes each as a task, `concurrency` at once and at
    most `per_org` of one organization (app/engines/leases.py): one claim loop that never waits on a
    run, so a slow webhook receiver holds one slot, never the loop or other organizations'
    runs. Each run's lease is renewed while it runs. Runs beside delivery in the worker."""

    def __init__(
        self, settings, *, idle_poll_seconds: float | None = None, concurrency: int | None = None,
        organizations: Collection[str] | None = None,
    ):
        """`organizations`: claim only their work (tests scope runners to their own organizations; None: all)."""
        self.organizations = organizations
        self.lease_seconds = settings.lease_seconds
        self.idle = idle_poll_seconds if idle_poll_seconds is not None else max(settings.idle_poll_seconds, IDLE_POLL_SECONDS)
        self.concurrency = max(1, concurrency if concurrency is not None else settings.worker_concurrency)
        self.webhooks = webhooks.Policy.from_settings(settings)
        self.verified_domains = settings.verified_domains_required
        self._stopping = asyncio.Event()
        per_org = per_org_cap(settings.org_max_in_flight, self.concurrency)
        self._slots = Slots(self.concurrency, per_org, self.lease_seconds, renew, "automation runs")

    def stop(self) -> None:
        self._stopping.set()

    async def _claim(self, outcomes: list[str] | None = None) -> int:
        """Claim runs for the free slots and start them; how many."""
        slots = self._slots
        claims = await claim_due(self.lease_seconds, slots.free(), slots.busy(), slots.per_org, self.organizations)
        for claim in claims:
            task = slots.start(claim.id, claim.attempt, claim.organization_id, self._run(claim))
            if outcomes is not None:
                task.add_done_callback(lambda done: done.cancelled() or outcomes.append(done.result()))
        return len(claims)

    async def _run(self, claim: RunClaim) -> str:
        try:
            return await run_claimed(claim, self.webhooks, self.verified_domains)
        except Exception as exc:
            log.exception("automation run %s failed unexpectedly", claim.id)
            if claim.attempt >= MAX_ATTEMPTS:
                await _fail(claim, -1, "run", f"gave up after {claim.attempt} attempts: {type(exc).__name__}")
                return "failed"
            await _fenced(claim).update(due_at=now() + timedelta(seconds=min(10 * claim.attempt, 300)))
            return "retry"

    async def drain(self) -> list[str]:
        """Run everything due now, then return the outcomes (tests and one-shot runs)."""
        outcomes: list[str] = []
        await self._slots.drain(lambda: self._claim(outcomes))
        return outcomes

    async def run(self) -> None:
        log.info("automation runner started, concurrency %d, at most %d per organization",
                 self.concurrency, self._slots.per_org)
        wake = wakeups.listen()
        try:
            await self._slots.serve(self._claim, self._stopping, wake, self.idle)
        finally:
            wakeups.unlisten(wake)
            if self._slots.tasks:  # each webhook try ends within its timeout (leases renewed meanwhile)
                await asyncio.wait(self._slots.tasks)
