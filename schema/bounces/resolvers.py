"""Bounces and complaints after acceptance: what a report that came back to a message's return
path (app/engines/inbound.py) does to the message and the suppression list.

- a DSN recipient with `Action: failed` and a 5.x.x status: the message becomes `bounced`, the
  address is suppressed (reason `bounced`, detail: the diagnostic);
- `Action: failed` with a 4.x.x status (the server gave up retrying): `bounced`, not suppressed;
- `delayed` (and the rare `delivered`/`relayed`/`expanded` notices): an event in the timeline only;
- an ARF complaint (Feedback-Type abuse or fraud): the message becomes `complained`, the
  address is suppressed (reason `complained`).

Only a `sent` message changes status (a `bounced` one may still become `complained`); for any
other the report is an event in its timeline. Every report adds one event, whose status is the
message's status after it. The worker-facing resolvers take no caller: the message names its
organization.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from app.core.clock import now
from app.core.validation import email_key
from models import Message, MessageEvent
from schema.bounces.reports import COMPLAINT_TYPES, RecipientReport, Report
from schema.suppressions.resolvers import suppress
from schema.webhook_endpoints.resolvers import EventType, message_event, publish

log = logging.getLogger("viperatron.bounces")

MAX_EVENT_DETAIL = 2000
BOUNCE_FROM = ("sent", "bounced")
COMPLAINT_FROM = ("sent", "bounced", "complained")


@dataclass(frozen=True)
class Recorded:
    """What a report did: `outcome` is bounced | complained | delayed | noted | unknown_message | ignored."""

    message_id: str
    outcome: str
    suppressed: list[str]


def _recipients(message: Message) -> list[str]:
    return [*message.to, *message.cc, *message.bcc]


def _ours(message: Message, candidates: list[str]) -> str | None:
    """Which of the message's recipients the report is about: the first candidate that is one
    of them (compared as suppressions compare), else the only recipient, else None."""
    ours = {email_key(address): address for address in _recipients(message)}
    for candidate in candidates:
        if candidate and email_key(candidate) in ours:
            return ours[email_key(candidate)]
    return next(iter(ours.values())) if len(ours) == 1 else None


async def _set_status(message: Message, status: str, allowed: tuple[str, ...], reply: str | None) -> str:
    """Move the message to `status` if it is in one of `allowed` (a conditional update, so a
    concurrent change wins cleanly); its status afterwards."""
    changes = {"status": status, "updated_at": now()}
    if reply:
        changes["last_reply"] = reply
    if await Message.filter(id=message.id, status__in=allowed).update(**changes):
        return status
    current = await Message.filter(id=message.id).values_list("status", flat=True)
    return current[0] if current else message.status


async def _event(message_id: str, status: str, detail: str) -> None:
    await MessageEvent.create(message_id=message_id, status=status, detail=detail[:MAX_EVENT_DETAIL], at=now())


def _by(report: Report) -> str:
    return f" (reported by {report.reporting_mta})" if report.reporting_mta else ""


def _describe(r: RecipientReport) -> str:
    what = {"failed": "bounced", "delayed": "delayed"}.get(r.action, r.action or "reported")
    status = f" ({r.status})" if r.status else ""
    remote = f" at {r.remote_mta}" if r.remote_mta else ""
    diagnostic = f": {r.diagnostic}" if r.diagnostic else ""
    return f"{r.final_recipient or r.original_recipient} {what}{status}{remote}{diagnostic}"


async def record_report(message_id: str, report: Report) -> Recorded:
    """Apply a report that came back to the return path of `message_id` (its token already
    checked). A message that no longer exists (erased, its organization deleted) is logged and
    left alone."""
    message = await Message.filter(id=message_id).first()
    if message is None:
        log.warning("a %s report for %s, which no longer exists: dropped", report.kind, message_id)
        return Recorded(message_id, "unknown_message", [])
    if report.kind == "dsn":
        return await _record_dsn(message, report)
    if report.kind == "complaint":
        return await _record_complaint(message, report)
    log.info("mail to the return path of %s is not a DSN or complaint report: dropped", message_id)
    return Recorded(message_id, "ignored", [])


async def _record_dsn(message: Message, report: Report) -> Recorded:
    failed = [r for r in report.recipients if r.failed]
    if not failed:
        # delayed, or a success notice: the timeline says so, nothing else changes
        detail = "; ".join(_describe(r) for r in report.recipients) or "delivery status notification without recipients"
        await _event(message.id, message.status, detail + _by(report))
        outcome = "delayed" if any(r.action == "delayed" for r in report.recipients) else "noted"
        return Recorded(message.id, outcome, [])
    suppressed: list[str] = []
    notes: list[str] = []
    for r in failed:
        address = _ours(message, [r.original_recipient, r.final_recipient])
        if r.permanent and address is not None:
            await suppress(message.organization_id, address, "bounced", r.diagnostic or f"status {r.status}", message.id)
            suppressed.append(address)
        elif r.permanent:
            notes.append(f"{r.final_recipient} is not a recipient of this message: not suppressed")
    others = [r for r in report.recipients if not r.failed]
    status = await _set_status(message, "bounced", BOUNCE_FROM, failed[0].diagnostic or None)
    detail = "; ".join([*(_describe(r) for r in [*failed, *others]), *notes])
    await _event(message.id, status, detail + _by(report))
    if status == "bounced":
        await publish(message.organization_id, EventType.MESSAGE_BOUNCED,
                      {**message_event(message, "bounced", detail), "suppressed": suppressed}, sandbox=message.sandbox)
    log.info("message %s bounced (%s); suppressed: %s", message.id, detail, ", ".join(suppressed) or "none")
    return Recorded(message.id, "bounced", suppressed)


async def _record_complaint(message: Message, report: Report) -> Recorded:
    agent = f" from {report.user_agent}" if report.user_agent else ""
    if report.feedback_type not in COMPLAINT_TYPES:
        await _event(message.id, message.status, f"feedback report ({report.feedback_type or 'no type'}){agent}"
                     + _by(report))
        return Recorded(message.id, "noted", [])
    address = _ours(message, report.complainants)
    suppressed: list[str] = []
    if address is not None:
        await suppress(message.organization_id, address, "complained", f"{report.feedback_type} report{agent}",
                       message.id)
        suppressed.append(address)
    status = await _set_status(message, "complained", COMPLAINT_FROM, None)
    who = address or "a recipient (not named in the report: nobody suppressed)"
    await _event(message.id, status, f"{who} reported it as spam ({report.feedback_type}){agent}{_by(report)}")
    if status == "complained":
        data = message_event(message, "complained", f"{report.feedback_type} report{agent}")
        await publish(message.organization_id, EventType.MESSAGE_COMPLAINED, {**data, "suppressed": suppressed},
                      sandbox=message.sandbox)
    log.info("message %s: complaint (%s) by %s", message.id, report.feedback_type, who)
    return Recorded(message.id, "complained", suppressed)
