"""Delivers integrators' webhook events (schema/webhook_endpoints): claims due deliveries with
the same leases and per-organization fairness as messages (app/engines/leases.py), POSTs each
through app/engines/webhooks.py (address rules, signature, one deadline), and records the
outcome. A receiver that fails or times out is tried again with back-off up to the webhook
policy's attempts; an answer that waiting cannot change (a blocked or invalid address) fails
at once. Runs beside delivery in the worker."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta

from tortoise import Tortoise

from app.core import wakeups
from app.core.clock import now
from app.engines import webhooks
from app.engines.delivery_queue import retry_delay
from app.engines.leases import Slots, fenced, per_org_cap, pick_params, pick_sql, renew_sql
from models import WebhookDelivery, WebhookEndpoint

log = logging.getLogger("viperatron.webhooks")

CLAIMABLE = ("pending",)
HELD = "sending"
IDLE_POLL_SECONDS = 1.0

# The claim after `picked` (app/engines/leases.py: pick_sql), by dialect (postgres?).
_CLAIM = {
    True: """
UPDATE webhook_deliveries d SET status = 'sending', due_at = $3, attempts = d.attempts + 1, updated_at = $1
FROM picked WHERE d.id = picked.id
RETURNING d.id, d.attempts, d.organization_id, d.endpoint_id
""",
    False: """
UPDATE webhook_deliveries SET status = 'sending', due_at = $3, attempts = attempts + 1, updated_at = $1
WHERE id IN (SELECT id FROM picked)
RETURNING id, attempts, organization_id, endpoint_id
""",
}
_PG_RENEW = renew_sql("webhook_deliveries", HELD, True)
_SQLITE_RENEW = renew_sql("webhook_deliveries", HELD, False)


@dataclass(frozen=True)
class Claim:
    id: str
    attempt: int
    organization_id: str
    endpoint_id: str


def _postgres(conn) -> bool:
    return conn.capabilities.dialect == "postgres"


async def renew(claims: dict[str, int], lease_seconds: float) -> int:
    """Extend the leases of deliveries in flight (id -> attempt); how many were still ours."""
    conn = Tortoise.get_connection("default")
    sql = _PG_RENEW if _postgres(conn) else _SQLITE_RENEW
    changed, _ = await conn.execute_query(sql, [now() + timedelta(seconds=lease_seconds), json.dumps(claims)])
    return changed


async def claim_due(lease_seconds: float, limit: int, busy: dict[str, int], per_org: int,
                    organizations: Collection[str] | None) -> list[Claim]:
    conn = Tortoise.get_connection("default")
    at = now()
    params = pick_params(at, limit, at + timedelta(seconds=lease_seconds), busy, per_org, organizations=organizations)
    postgres = _postgres(conn)
    # The limit written into the text: one generic plan of the prepared statement (pick_sql).
    sql = pick_sql("webhook_deliveries", CLAIMABLE, postgres, _CLAIM[postgres], limit=max(limit, 0))
    _, rows = await conn.execute_query(sql, params)
    return [Claim(r["id"], r["attempts"], r["organization_id"], r["endpoint_id"]) for r in rows]


class EndpointDeliveryRunner:
    def __init__(self, settings, *, idle_poll_seconds: float | None = None, concurrency: int | None = None,
                 organizations: Collection[str] | None = None):
        self.organizations = organizations
        self.lease_seconds = settings.lease_seconds
        self.idle = idle_poll_seconds if idle_poll_seconds is not None else max(settings.idle_poll_seconds,
                                                                                  IDLE_POLL_SECONDS)
        self.concurrency = max(1, concurrency if concurrency is not None else settings.worker_concurrency)
        self.policy = webhooks.Policy.from_settings(settings)
        self._stopping = asyncio.Event()
        per_org = per_org_cap(settings.org_max_in_flight, self.concurrency)
        self._slots = Slots(self.concurrency, per_org, self.lease_seconds, renew, "webhook deliveries")

    def stop(self) -> None:
        self._stopping.set()

    async def _claim(self) -> int:
        slots = self._slots
        claims = await claim_due(self.lease_seconds, slots.free(), slots.busy(), slots.per_org, self.organizations)
        for claim in claims:
            slots.start(claim.id, claim.attempt, claim.organization_id, self._deliver(claim))
        return len(claims)

    async def _deliver(self, claim: Claim) -> None:
        try:
            await self._attempt(claim)
        except Exception:  # never lose an event to a bug: try it again later
            log.exception("webhook delivery %s failed unexpectedly", claim.id)
            await self._finish(claim, retryable=True, detail="internal error")

    async def _attempt(self, claim: Claim) -> None:
        delivery = await WebhookDelivery.get(id=claim.id)
        endpoint = await WebhookEndpoint.filter(id=claim.endpoint_id).first()
        if endpoint is None:  # deleted meanwhile (its deliveries go with it)
            return
        outcome = await webhooks.deliver(endpoint.url, endpoint.secret, delivery.payload, delivery.event_id,
                                         claim.attempt, self.policy)
        await self._finish(claim, delivered=outcome.delivered, retryable=outcome.retryable, detail=outcome.detail)

    async def _finish(self, claim: Claim, *, delivered: bool = False, retryable: bool, detail: str) -> None:
        at = now()
        if delivered:
            changes = {"status": "delivered", "delivered_at": at}
        elif retryable and claim.attempt < self.policy.max_attempts:
            delay = retry_delay(claim.attempt, self.policy.retry_base_seconds, self.policy.retry_max_interval_seconds)
            changes = {"status": "pending", "due_at": at + timedelta(seconds=delay)}
            detail = f"{detail}; next attempt at {(at + timedelta(seconds=delay)).isoformat(timespec='seconds')}"
        else:
            changes = {"status": "failed"}
            if retryable:
                detail = f"gave up after {claim.attempt} attempts: {detail}"
        await fenced(WebhookDelivery, claim, HELD).update(**changes, last_detail=detail[:1000], updated_at=at)

    async def drain(self) -> None:
        """Deliver everything due now (tests and one-shot runs)."""
        await self._slots.drain(self._claim)

    async def run(self) -> None:
        log.info("webhook delivery runner started, concurrency %d", self.concurrency)
        wake = wakeups.webhook_deliveries.listen()
        try:
            await self._slots.serve(self._claim, self._stopping, wake, self.idle)
        finally:
            wakeups.webhook_deliveries.unlisten(wake)
            if self._slots.tasks:
                await asyncio.wait(self._slots.tasks)
