"""The delivery worker: claims due messages and hands them to the transport.

Runs inside `viperatron serve` or alone as `viperatron worker`; several may run against one
PostgreSQL. Delivery is at-least-once: a worker killed after the SMTP server accepted a
message but before recording it leaves the message `sending` until its lease expires, and
then another worker sends it again (same Message-ID, so receivers can de-duplicate). A live
worker renews its lease while the SMTP transaction runs (each has one overall deadline,
VIPERATRON_SMTP_TIMEOUT_SECONDS), so a slow server never leads to a second copy; and one
organization has at most VIPERATRON_ORG_MAX_IN_FLIGHT of the worker's slots (app/engines/leases.py).

One loop claims; each claimed message is delivered by a task of its own. A task ends with its
outcome (a `Finish`), which the loop records in its next round trip together with the next
claim (`delivery_queue.exchange`: one statement on PostgreSQL), then publishes the webhook
event. The message stays `sending` under its lease until that write, exactly as while it was
being sent: a worker killed in between leaves it to be sent again after the lease.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Collection
from dataclasses import replace
from datetime import datetime, timedelta

from cachetools import TTLCache

from app.core.headers import bare_address
from app.core.settings import Settings
from app.core.unsubscribe import UnsubscribeLink, unsubscribe_url
from app.core.validation import email_key
from app.engines import delivery_queue as queue
from app.engines.automations import AutomationRunner
from app.engines.delivery_queue import Claim, Finish, MessageRow
from app.engines.dkim import Signer
from app.engines.dkim import sign as dkim_sign
from app.engines.endpoint_deliveries import EndpointDeliveryRunner
from app.engines.imports import ImportRunner
from app.engines.leases import Slots, per_org_cap
from app.engines.mime import (
    Attachment,
    OutgoingEmail,
    Unsendable,
    build,
    envelope_recipients,
    envelope_sender,
    html_to_text,
)
from app.engines.return_path import ReturnPaths
from app.engines.tracking import instrument
from app.engines.transports import Outcome, Transport, make_transport, smtp_url_summary
from models import Message, MessageAttachment
from schema.domains.resolvers import recheck_domains
from schema.idempotency.resolvers import purge_expired
from schema.suppressions.resolvers import suppress
from schema.tracking.resolvers import organization_defaults
from schema.webhook_endpoints.resolvers import message_event, publish

log = logging.getLogger("viperatron.worker")

PURGE_EVERY_SECONDS = 600.0
# Claims held ready beyond the running sends, per slot of concurrency.
CLAIM_AHEAD = 2
# An organization's tracking defaults, re-read at most this often (a change applies within it).
TRACKING_CACHE_SECONDS = 30.0


class Worker:
    def __init__(
        self, settings: Settings, transport: Transport | None = None, concurrency: int | None = None,
        organizations: Collection[str] | None = None,
    ):
        """`organizations`: claim only their work (tests scope runners to their own organizations; None: all). The import and automation runners it starts get the same."""
        self.settings = settings
        self.organizations = organizations
        self.concurrency = max(1, concurrency or settings.worker_concurrency)
        self.transport = transport or make_transport(
            settings.smtp_url, settings.outbox_dir, self.concurrency, settings.smtp_timeout_seconds,
            ehlo_name=settings.ehlo_name,
        )
        self._stopping = asyncio.Event()
        per_org = per_org_cap(settings.org_max_in_flight, self.concurrency)
        # Claims held ahead: a freed slot starts its next message at once, and one claim round
        # trip serves several messages (app/engines/leases.py).
        self._slots = Slots(self.concurrency, per_org, settings.lease_seconds, queue.renew, "messages",
                            ahead=CLAIM_AHEAD * self.concurrency)
        self._last_purge = 0.0
        self._last_domain_check = 0.0
        self.signer = Signer(settings)
        self._warned_no_secret = False
        self.return_paths = ReturnPaths(settings)
        self._tracking_cache: TTLCache[str, tuple[bool, bool]] = TTLCache(10_000, TRACKING_CACHE_SECONDS)
        # Outcomes of ended deliveries, recorded by the claim loop's next exchange.
        self._finished: list[tuple[Finish, MessageRow]] = []

    async def run(self) -> None:
        """Deliver until `stop()`; waits for in-flight sends before returning.

        At most `per_org` sends of one organization run at once; for organizations whose
        sends are quick, more claims are held ready to start (app/engines/leases.py)."""
        wake = queue.wakeups.listen()
        target = smtp_url_summary(self.settings.smtp_url) if self.settings.smtp_url else f"file outbox {self.settings.outbox_dir}"
        log.info(
            "delivery worker started: %s, concurrency %d, at most %d per organization",
            target, self.concurrency, self._slots.per_org,
        )
        idle = self.settings.idle_poll_seconds
        # Contact imports and automation runs run beside delivery.
        imports = ImportRunner(self.settings, organizations=self.organizations)
        imports_task = asyncio.create_task(imports.run(), name="import-runner")

        automations = AutomationRunner(self.settings, organizations=self.organizations)
        automations_task = asyncio.create_task(automations.run(), name="automation-runner")
        hooks = EndpointDeliveryRunner(self.settings, organizations=self.organizations)
        hooks_task = asyncio.create_task(hooks.run(), name="webhook-delivery-runner")
        try:
            await self._slots.serve(self._claim, self._stopping, wake, idle, self._maybe_purge,
                                    unrecorded=lambda: bool(self._finished))
        finally:
            await self._release_ready()
            imports.stop()
            automations.stop()
            hooks.stop()
            await imports_task
            await automations_task
            await hooks_task
            queue.wakeups.unlisten(wake)
            if self._slots.tasks:  # each send ends within its SMTP deadline (leases renewed meanwhile)
                await asyncio.wait(self._slots.tasks, timeout=self.settings.smtp_timeout_seconds + 5)
            await self._record_finished()
            await self.transport.close()

    def stop(self) -> None:
        self._stopping.set()

    async def drain(self) -> None:
        """Deliver everything due now, then return (for tests and one-shot runs)."""
        await self._slots.drain(self._claim)
        await self._record_finished()

    async def _claim(self) -> int:
        """Record the outcomes of ended deliveries, claim as many due messages as there are
        free slots and start them (one exchange); how many were claimed."""
        return await self._exchange(self._slots.free())

    async def _release_ready(self) -> None:
        """Hand back the claims held ready, so they are sent at once by whoever runs next
        rather than after their lease."""
        ready = {r.claim_id: r.attempt for r in self._slots.drop_ready()}
        try:
            await queue.release(ready)
        except Exception:  # their leases run out and they are claimed again
            log.exception("handing back %d claimed messages failed", len(ready))

    async def _record_finished(self) -> None:
        """Record what ended deliveries left (at shutdown, after a drain)."""
        if self._finished:
            try:
                await self._exchange(0)
            except Exception:  # their leases run out and they are sent again: at least once
                log.exception("recording the outcome of %d messages failed", len(self._finished))

    async def _exchange(self, limit: int) -> int:
        finished, self._finished = self._finished, []
        try:
            result = await queue.exchange(
                [f for f, _ in finished], limit, self.settings.lease_seconds, self._slots.busy(),
                self._slots.per_org, self.organizations,
            )
        except BaseException:
            self._finished[:0] = finished  # recorded by the next exchange
            raise
        for claim, message in result.claimed:
            self._slots.hold(claim.id, claim.attempt, claim.organization_id,
                             self._deliver(claim, message, result.blocked))
        for (done, message), recorded in zip(finished, result.recorded):
            await _after_finish(done, message, recorded)
        return len(result.claimed)

    async def _deliver(self, claim: Claim, message: MessageRow, blocked: set[tuple[str, str]]) -> None:
        try:
            await self._attempt(claim, message, blocked)
        except Unsendable as exc:  # a bad address or header, an encoding error: waiting won't help
            self._finish(claim, message, "failed", f"cannot be sent as stored: {exc}")
        except Exception as exc:  # never lose a message to a bug: retry it later
            log.exception("delivering %s failed unexpectedly", claim.id)
            self._defer(claim, message, f"internal error: {type(exc).__name__}")

    def _finish(self, claim: Claim, message: MessageRow, status: str, detail: str, *, reply: str | None = None,
                due_at: datetime | None = None) -> None:
        """The attempt's outcome, for the claim loop's next exchange to record."""
        self._finished.append((Finish(claim, status, detail, queue.now(), reply, due_at), message))

    async def _attempt(self, claim: Claim, message: MessageRow, blocked: set[tuple[str, str]]) -> None:
        email = await self._tracked(message, await _outgoing(message, self._unsubscribe_url(message)))
        recipients = envelope_recipients(email)
        skipped = [r for r in recipients if (message.organization_id, email_key(r)) in blocked]
        recipients = [r for r in recipients if r not in skipped]
        note = f"; suppressed recipients skipped: {', '.join(skipped)}" if skipped else ""
        if not recipients:
            self._finish(claim, message, "suppressed", "every recipient is on the suppression list: " + ", ".join(skipped))
            return
        if message.sandbox:
            self._finish(claim, message, "sent", "sandbox (test key): not handed to a transport" + note)
            return
        data = build(email)
        signature = await self._signature(message, data)
        data = signature + data
        sender = await self.return_paths.sender(
            message.organization_id, message.id, message.from_address, envelope_sender(email)
        )
        outcome = await self.transport.send(sender, recipients, data, message.id)
        if outcome.kind == "deferred" and signature and not message.dkim_signature:
            # The retry sends the same bytes (builds are deterministic) with the same signature.
            await Message.filter(id=message.id).update(dkim_signature=signature.decode("ascii"))
        for address, reply in outcome.rejected.items():
            await suppress(message.organization_id, address, "bounced", reply, message.id)
        if outcome.kind == "sent":
            self._finish(claim, message, "sent", outcome.reply + _refusals(outcome) + note, reply=outcome.reply)
        elif outcome.kind == "failed":
            self._finish(claim, message, "failed", outcome.reply + _refusals(outcome) + note, reply=outcome.reply)
        else:
            self._defer(claim, message, outcome.reply + _refusals(outcome) + note)

    def _unsubscribe_url(self, message: MessageRow | Message) -> str | None:
        """The message's one-click unsubscribe URL (the same at every attempt), or None: not
        asked for, or no VIPERATRON_SECRET_KEY to sign it with (then the mail goes without)."""
        if not message.unsubscribe:
            return None
        if not self.settings.secret_key:
            if not self._warned_no_secret:
                log.warning("VIPERATRON_SECRET_KEY is not set: mail goes out without its unsubscribe link")
                self._warned_no_secret = True
            return None
        address = bare_address([*message.to, *message.cc, *message.bcc][0])
        link = UnsubscribeLink(message.organization_id, message.id, address)
        return unsubscribe_url(self.settings.public_url, self.settings.secret_key, link)
    async def _tracked(self, message: MessageRow, email: OutgoingEmail) -> OutgoingEmail:
        """The HTML with its tracked links and open pixel, when the message (or, where it does
        not say, its organization) asks for them; a text part derived from the HTML first, so
        it keeps the original links."""
        opens, clicks = message.track_opens, message.track_clicks
        if opens is None or clicks is None:
            default_opens, default_clicks = await self._tracking_defaults(message.organization_id)
            opens = default_opens if opens is None else opens
            clicks = default_clicks if clicks is None else clicks
        if not email.html or not (opens or clicks) or not self.settings.secret_key:
            return email
        html = instrument(email.html, message.id, public_url=self.settings.public_url,
                          secret_key=self.settings.secret_key, opens=opens, clicks=clicks)
        return replace(email, html=html, text=email.text if email.text is not None else html_to_text(email.html))

    async def _tracking_defaults(self, organization_id: str) -> tuple[bool, bool]:
        if organization_id not in self._tracking_cache:
            self._tracking_cache[organization_id] = await organization_defaults(organization_id)
        return self._tracking_cache[organization_id]

    async def _signature(self, message: MessageRow, data: bytes) -> bytes:
        """The message's DKIM-Signature line: the one of an earlier attempt, else a new one when
        the organization has a key for the From domain, else nothing."""
        if message.dkim_signature:
            return message.dkim_signature.encode("ascii")
        key = await self.signer.key_for(message.organization_id, message.from_address)
        return dkim_sign(data, key) if key else b""

    def _defer(self, claim: Claim, message: MessageRow, detail: str) -> None:
        s = self.settings
        delay = queue.retry_delay(claim.attempt, s.retry_base_seconds, s.retry_max_interval_seconds)
        origin = message.send_at or message.created_at
        next_try = queue.now() + timedelta(seconds=delay)
        if next_try > origin + timedelta(seconds=s.retry_give_up_seconds):
            self._finish(claim, message, "failed", f"gave up after {claim.attempt} attempts: {detail}", reply=detail)
            return
        self._finish(
            claim, message, "deferred", f"{detail}; next attempt at {next_try.isoformat(timespec='seconds')}",
            reply=detail, due_at=next_try,
        )

    async def _maybe_purge(self) -> None:
        if time.monotonic() - self._last_purge < PURGE_EVERY_SECONDS:
            return
        self._last_purge = time.monotonic()

        try:
            await purge_expired()
        except Exception:
            log.exception("purging expired idempotency records failed")
        await self._maybe_check_domains()

    async def _maybe_check_domains(self) -> None:
        every = self.settings.domain_recheck_seconds
        if time.monotonic() - self._last_domain_check < every:
            return
        self._last_domain_check = time.monotonic()
        try:
            await recheck_domains(self.settings, older_than=queue.now() - timedelta(seconds=every))
        except Exception:
            log.exception("re-checking the DNS of sending domains failed")


async def _after_finish(done: Finish, message: MessageRow, recorded: bool) -> None:
    claim, status = done.claim, done.status
    if not recorded:
        # Our lease expired and another worker claimed the message: its attempt counts.
        log.warning("claim of %s (attempt %d) was taken over; %s not recorded", claim.id, claim.attempt, status)
        return
    if status in REPORTED:
        try:
            await publish(message.organization_id, f"message.{status}", message_event(message, status, done.detail),
                          sandbox=message.sandbox)
        except Exception:  # the outcome is recorded; the claim loop goes on
            log.exception("publishing message.%s of %s failed", status, claim.id)


# Outcomes integrators' webhook endpoints hear of (docs/webhooks.md).
REPORTED = ("sent", "deferred", "failed")


def _refusals(outcome: Outcome) -> str:
    parts = [f"{address} refused: {reply}" for address, reply in {**outcome.rejected, **outcome.deferred}.items()]
    return ("; " + "; ".join(parts)) if parts and outcome.kind == "sent" else ""


async def _outgoing(message: MessageRow, unsubscribe: str | None = None) -> OutgoingEmail:
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
        names=dict(message.recipient_names or {}),
        unsubscribe_url=unsubscribe,
    )
