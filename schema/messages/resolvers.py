"""Messages after sending: read one with its timeline, list with filters, cancel."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Optional

from pydantic import Field
from tortoise.expressions import Subquery

from app.core import clock
from app.core.errors import ApiError, ErrorCode, invalid, not_found
from app.core.headers import message_id_header
from app.core.ids import require_id
from app.core.principal import Principal, check_may_change
from app.core.validation import email_key
from models import Message, MessageAttachment, MessageEvent, MessageRecipient, MessageTag
from models.delivery import CANCELABLE_STATUSES, MESSAGE_STATUSES, MessageStatus
from schema.contracts import ApiModel, Page, check_fits, check_page_size, decode_cursor
from schema.idempotency.resolvers import idempotent
from schema.tracking.resolvers import Engagement


class TimelineEvent(ApiModel):
    status: MessageStatus
    detail: str
    at: datetime


class AttachmentInfo(ApiModel):
    filename: str
    content_type: str
    size: int


class RecipientKind(StrEnum):
    """Which field a recipient was given in. Member names are the wire values."""

    to = "to"
    cc = "cc"
    bcc = "bcc"
    replyTo = "replyTo"


class RecipientView(ApiModel):
    kind: RecipientKind
    email: str
    name: Optional[str] = Field(description="The name shown with the address, or null.")


class MessageView(ApiModel):
    id: str
    status: MessageStatus
    to: list[str] = Field(description="The `to` addresses (names, if given, are in `recipients`).")
    cc: list[str]
    bcc: list[str]
    reply_to: list[str]
    recipients: list[RecipientView] = Field(
        description="Every address of `to`, `cc`, `bcc` and `replyTo` in that order, each with its name."
    )
    from_: str = Field(alias="from")
    subject: str
    html: Optional[str]
    text: Optional[str]
    headers: dict[str, str]
    attachments: list[AttachmentInfo]
    tags: list[str]
    metadata: dict[str, Any]
    sandbox: bool
    message_id_header: str = Field(description="The Message-ID header; the same on every attempt.")
    send_at: Optional[datetime]
    attempts: int
    last_reply: Optional[str] = Field(description="The last SMTP reply or connection error.")
    sent_at: Optional[datetime]
    created_at: datetime
    updated_at: datetime
    events: list[TimelineEvent] = Field(description="Every status change, oldest first.")
    engagement: Engagement = Field(description="Opens and clicks, when the message is tracked (docs/tracking.md).")


def _view(message: Message, events: list[MessageEvent], attachments: list[MessageAttachment]) -> MessageView:
    accepted = "scheduled for " + message.send_at.isoformat(timespec="seconds") if message.send_at else "accepted"
    timeline = [TimelineEvent(status="queued", detail=accepted, at=message.created_at)]
    timeline += [TimelineEvent(status=e.status, detail=e.detail, at=e.at) for e in events]
    return MessageView(
        id=message.id,
        status=message.status,
        to=message.to,
        cc=message.cc,
        bcc=message.bcc,
        reply_to=message.reply_to,
        recipients=_recipients(message),
        from_=message.from_address,
        subject=message.subject,
        html=message.html,
        text=message.text,
        headers=message.headers,
        attachments=[AttachmentInfo(filename=a.filename, content_type=a.content_type, size=a.size) for a in attachments],
        tags=message.tags,
        metadata=message.metadata,
        sandbox=message.sandbox,
        message_id_header=message_id_header(message.id, message.from_address),
        send_at=message.send_at,
        attempts=message.attempts,
        last_reply=message.last_reply,
        sent_at=message.sent_at,
        created_at=message.created_at,
        updated_at=message.updated_at,
        events=timeline,
        engagement=Engagement(opens=message.opens, clicks=message.clicks, first_opened_at=message.first_opened_at,
                              first_clicked_at=message.first_clicked_at),
    )


def _recipients(message: Message) -> list[RecipientView]:
    names = message.recipient_names or {}
    return [
        RecipientView(kind=kind, email=address, name=given[i] if i < len(given) else None)
        for kind, addresses in (("to", message.to), ("cc", message.cc), ("bcc", message.bcc), ("replyTo", message.reply_to))
        for given in [names.get(kind) or []]
        for i, address in enumerate(addresses)
    ]


async def _views(messages: list[Message]) -> list[MessageView]:
    """Views with timelines and attachment lists, in two queries for the whole page."""
    ids = [m.id for m in messages]
    events: dict[str, list[MessageEvent]] = {i: [] for i in ids}
    for event in await MessageEvent.filter(message_id__in=ids).order_by("id"):
        events[event.message_id].append(event)
    attachments: dict[str, list[MessageAttachment]] = {i: [] for i in ids}
    with_files = [m.id for m in messages if m.attachment_count]
    if with_files:
        rows = (
            await MessageAttachment.filter(message_id__in=with_files)
            .order_by("id")
            .only("id", "message_id", "filename", "content_type", "size")
        )
        for a in rows:
            attachments[a.message_id].append(a)
    return [_view(m, events[m.id], attachments[m.id]) for m in messages]


async def get_message(principal: Principal, message_id: str) -> MessageView:
    require_id("message", message_id)
    message = await Message.filter(id=message_id, organization_id=principal.organization_id).first()
    if message is None:
        raise not_found("Message")
    return (await _views([message]))[0]


async def list_messages(
    principal: Principal,
    first: int = 50,
    after: str | None = None,
    *,
    status: str | None = None,
    to: str | None = None,
    tag: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    size_field: str = "first",
    cursor_field: str = "after",
) -> Page[MessageView]:
    """Newest first. `to`: a `to` recipient (any case); `since`/`until`: creation time."""
    check_page_size(first, size_field)
    org = principal.organization_id
    query = Message.filter(organization_id=org)
    last_id = decode_cursor(after, cursor_field)
    if last_id:
        query = query.filter(id__lt=last_id)
    if status:
        if status not in MESSAGE_STATUSES:
            raise invalid("status", "Must be one of " + ", ".join(MESSAGE_STATUSES) + ".", "invalid")
        query = query.filter(status=status)
    check_fits("to", to and email_key(to), MessageRecipient, "email_key")
    check_fits("tag", tag, MessageTag, "tag")
    if to:
        recipients = MessageRecipient.filter(organization_id=org, email_key=email_key(to), kind="to")
        query = query.filter(id__in=Subquery(recipients.values("message_id")))
    if tag:
        tagged = MessageTag.filter(organization_id=org, tag=tag)
        query = query.filter(id__in=Subquery(tagged.values("message_id")))
    for name, value in (("since", since), ("until", until)):
        if value is not None and value.tzinfo is None:
            raise invalid(name, "Give a time zone, e.g. 2026-11-27T17:00:00Z.", "invalid_format")
    if since:
        query = query.filter(created_at__gte=since)
    if until:
        query = query.filter(created_at__lt=until)
    rows = await query.order_by("-id").limit(first + 1)
    items = await _views(rows[:first])
    return Page.of(items, len(rows) > first)


async def cancel_message(principal: Principal, message_id: str, idempotency_key: str | None = None) -> MessageView:
    """Cancel a queued (scheduled) or deferred message; one already sending is past recall."""
    require_id("message", message_id)

    async def run() -> tuple[MessageView, int]:
        return await _cancel(principal, message_id), 200

    request = {"id": message_id}
    return (await idempotent(principal, idempotency_key, "delivery.cancel", request, run, MessageView)).result


async def _cancel(principal: Principal, message_id: str) -> MessageView:
    org = principal.organization_id
    sandbox = await Message.filter(id=message_id, organization_id=org).first().values_list("sandbox", flat=True)
    if sandbox is None:
        raise not_found("Message")
    check_may_change(principal, sandbox, "message")  # a test key cannot stop live mail
    at = clock.now()
    changed = await Message.filter(id=message_id, organization_id=org, status__in=CANCELABLE_STATUSES).update(
        status="canceled", updated_at=at
    )
    if changed:
        await MessageEvent.create(message_id=message_id, status="canceled", detail="canceled via the API", at=at)
        return await get_message(principal, message_id)
    message = await Message.filter(id=message_id, organization_id=org).first()
    if message is None:
        raise not_found("Message")
    raise ApiError(
        ErrorCode.CONFLICT,
        f"The message is `{message.status}`; only queued or deferred messages can be canceled.",
    )
