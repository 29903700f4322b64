"""The delivery worker: claims due messages and hands them to the transport.

Runs inside `viperatron serve` or alone as `viperatron worker`; several may run against one
PostgreSQL. Delivery is at-least-once: a worker killed after the SMTP server accepted a
message but before recording it leaves the message `sending` until its lease expires, and
then another worker sends it again (same Message-ID, so receivers can de-duplicate).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from datetime import timedelta

from app import delivery_queue as queue
from app.delivery_queue import Claim
from app.mime import Attachment, OutgoingEmail, Unsendable, build, envelope_recipients, envelope_sender
from app.settings import Settings
from app.wakeups import idle as wakeup_idle
from app.transports import Outcome, Transport, make_transport, smtp_url_summary
from models import Message, MessageAttachment
from schema.contacts import email_key
from schema.suppressions import suppress, suppressed_keys

log = logging.getLogger("viperatron.worker")

PURGE_EVERY_SECONDS = 600.0


class Worker:
    def __init__(self, settings: Settings, transport: Transport | None = None, concurrency: int | None = None):
        self.settings = settings
        self.concurrency = max(1, concurrency or settings.worker_concurrency)
        self.transport = transport or make_transport(settings.smtp_url, settings.outbox_dir, self.concurrency)
        self._stopping = asyncio.Event()
        self._inflight: set[asyncio.Task] = set()
        self._ready: deque[tuple[Claim, Message, set[tuple[str, str]]]] = deque()
        self._last_purge = 0.0

    async def run(self) -> None:
        """Deliver until `stop()`; waits for in-flight sends before returning.

        Claims in batches of up to twice the concurrency into a local buffer, so the claim
        round trips (serial by nature) are amortized over several messages."""
        wake = queue.wakeups.listen()
        target = smtp_url_summary(self.settings.smtp_url) if self.settings.smtp_url else f"file outbox {self.settings.outbox_dir}"
        log.info("delivery worker started: %s, concurrency %d", target, self.concurrency)
        idle = self.settings.idle_poll_seconds
        from app.imports import ImportRunner  # contact imports run beside delivery

        imports = ImportRunner(self.settings)
        imports_task = asyncio.create_task(imports.run(), name="import-runner")
        from app.automations import AutomationRunner  # and automation runs

        automations = AutomationRunner(self.settings)
        automations_task = asyncio.create_task(automations.run(), name="automation-runner")
        try:
            while not self._stopping.is_set():
                claimed = 0
                if len(self._ready) < self.concurrency:
                    try:
                        claimed = await self._claim(2 * self.concurrency - len(self._ready))
                    except Exception:
                        log.exception("claiming messages failed; retrying shortly")
                self._start_ready()
                if not self._inflight:
                    await self._maybe_purge()
                    await wakeup_idle(self._stopping, wake, idle)
                elif len(self._inflight) >= self.concurrency or not claimed:
                    await asyncio.wait(self._inflight, timeout=idle, return_when=asyncio.FIRST_COMPLETED)
        finally:
            imports.stop()
            automations.stop()
            await imports_task
            await automations_task
            queue.wakeups.unlisten(wake)
            while self._ready:  # claimed already: send them rather than leave them leased
                self._start_ready(limit=len(self._inflight) + len(self._ready))
            if self._inflight:
                await asyncio.wait(self._inflight, timeout=30)
            await self.transport.close()

    def stop(self) -> None:
        self._stopping.set()

    async def drain(self) -> None:
        """Deliver everything due now, then return (for tests and one-shot runs)."""
        while True:
            claimed = await self._claim(self.concurrency)
            self._start_ready()
            if not claimed and not self._inflight:
                return
            if self._inflight:
                await asyncio.wait(self._inflight)

    def _start_ready(self, limit: int | None = None) -> None:
        while self._ready and len(self._inflight) < (limit or self.concurrency):
            task = asyncio.create_task(self._deliver(*self._ready.popleft()))
            self._inflight.add(task)
            task.add_done_callback(self._inflight.discard)

    async def _claim(self, limit: int) -> int:
        """Claim up to `limit` due messages into the ready buffer; returns how many."""
        claims = await queue.claim(limit, self.settings.lease_seconds)
        if not claims:
            return 0
        messages = {m.id: m for m in await Message.filter(id__in=[c.id for c in claims])}
        pairs = {
            (m.organization_id, email_key(address))
            for m in messages.values()
            for address in [*m.to, *m.cc, *m.bcc]
        }
        blocked = await suppressed_keys(pairs)
        self._ready.extend((c, messages[c.id], blocked) for c in claims)
        return len(claims)

    async def _deliver(self, claim: Claim, message: Message, blocked: set[tuple[str, str]]) -> None:
        try:
            await self._attempt(claim, message, blocked)
        except Unsendable as exc:  # a bad address or header, an encoding error: waiting won't help
            await _finish(claim, "failed", f"cannot be sent as stored: {exc}")
        except Exception as exc:  # never lose a message to a bug: retry it later
            log.exception("delivering %s failed unexpectedly", claim.id)
            await self._defer(claim, message, f"internal error: {type(exc).__name__}")

    async def _attempt(self, claim: Claim, message: Message, blocked: set[tuple[str, str]]) -> None:
        email = await _outgoing(message)
        recipients = envelope_recipients(email)
        skipped = [r for r in recipients if (message.organization_id, email_key(r)) in blocked]
        recipients = [r for r in recipients if r not in skipped]
        note = f"; suppressed recipients skipped: {', '.join(skipped)}" if skipped else ""
        if not recipients:
            await _finish(claim, "suppressed", "every recipient is on the suppression list: " + ", ".join(skipped))
            return
        if message.sandbox:
            await _finish(claim, "sent", "sandbox (test key): not handed to a transport" + note)
            return
        data = build(email)
        outcome = await self.transport.send(envelope_sender(email), recipients, data, message.id)
        for address, reply in outcome.rejected.items():
            await suppress(message.organization_id, address, "bounced", reply, message.id)
        if outcome.kind == "sent":
            await _finish(claim, "sent", outcome.reply + _refusals(outcome) + note, reply=outcome.reply)
        elif outcome.kind == "failed":
            await _finish(claim, "failed", outcome.reply + _refusals(outcome) + note, reply=outcome.reply)
        else:
            await self._defer(claim, message, outcome.reply + _refusals(outcome) + note)

    async def _defer(self, claim: Claim, message: Message, detail: str) -> None:
        s = self.settings
        delay = queue.retry_delay(claim.attempt, s.retry_base_seconds, s.retry_max_interval_seconds)
        origin = message.send_at or message.created_at
        next_try = queue.now() + timedelta(seconds=delay)
        if next_try > origin + timedelta(seconds=s.retry_give_up_seconds):
            await _finish(claim, "failed", f"gave up after {claim.attempt} attempts: {detail}", reply=detail)
            return
        await _finish(
            claim, "deferred", f"{detail}; next attempt at {next_try.isoformat(timespec='seconds')}",
            reply=detail, due_at=next_try,
        )

    async def _maybe_purge(self) -> None:
        if time.monotonic() - self._last_purge < PURGE_EVERY_SECONDS:
            return
        self._last_purge = time.monotonic()
        from schema.idempotency import purge_expired

        try:
            await purge_expired()
        except Exception:
            log.exception("purging expired idempotency records failed")


async def _finish(claim: Claim, status: str, detail: str, **kwargs) -> None:
    if not await queue.finish(claim, status, detail, **kwargs):
        # Our lease expired and another worker claimed the message: its attempt counts.
        log.warning("claim of %s (attempt %d) was taken over; %s not recorded", claim.id, claim.attempt, status)


def _refusals(outcome: Outcome) -> str:
    parts = [f"{address} refused: {reply}" for address, reply in {**outcome.rejected, **outcome.deferred}.items()]
    return ("; " + "; ".join(parts)) if parts and outcome.kind == "sent" else ""


async def _outgoing(message: Message) -> OutgoingEmail:
    attachments: list[Attachment] = []
    if message.attachment_count:
        rows = await MessageAttachment.filter(message_id=message.id).order_by("id")
        attachments = [Attachment(a.filename, a.content_type, bytes(a.content)) for a in rows]
    return OutgoingEmail(
        id=message.id,
        from_address=message.from_address,
        to=list(message.to),
        cc=list(message.cc),
        bcc=list(message.bcc),
        reply_to=list(message.reply_to),
        subject=message.subject,
        html=message.html,
        text=message.text,
        headers=dict(message.headers),
        attachments=attachments,
        date=message.created_at,
    )
