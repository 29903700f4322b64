"""Sending: validate, render and store a message as `queued` (one, or a batch of up to 100).

The worker (`app/engines/worker.py`) delivers it; `schema/messages/resolvers.py` reads its timeline.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache, partial
from typing import Annotated, Any, Callable, Optional

from pydantic import Field, StringConstraints, ValidationError, WithJsonSchema, field_validator, model_validator
from pydantic_core import PydanticCustomError
from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient
from tortoise.fields import JSONField
from tortoise.transactions import in_transaction

from app.core import clock, templating, wakeups
from app.core.batching import Batcher
from app.core.errors import ApiError, from_pydantic, invalid
from app.core.headers import RESERVED_HEADERS
from app.core.ids import new_id
from app.core.principal import Principal
from app.core.validation import (
    MAX_BODY_CHARS,
    MAX_SUBJECT_CHARS,
    NO_CONTROL_PATTERN,
    HeaderText,
    IsoDateTime,
    JsonObject,
    Mailbox,
    Tag,
    email_key,
    one_line,
    recipient_list,
)
from models import Message, MessageAttachment, MessageRecipient, MessageTag
from models.delivery import MessageStatus
from schema.contracts import ApiModel, BatchItemError
from schema.domains.resolvers import require_verified_sender
from schema.idempotency.resolvers import idempotent
from schema.tracking.resolvers import TrackingChoice
from schema.webhook_endpoints.resolvers import EventType, message_event, publish, subscriptions

MAX_RECIPIENTS = 50
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 20
MAX_HEADERS = 50
MAX_TAGS = 20
MAX_BATCH = 100
MAX_SCHEDULE_AHEAD = timedelta(days=30)
_HEADER_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,76}$")


def _any_case(word: str) -> str:
    """An ECMA-262 regex matching `word` in any case (JSON Schema regexes have no `(?i)`)."""
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c) for c in word)


# What `_headers` below allows, as a JSON Schema: names of RFC 9110 token characters, none of
# them one Viperatron writes itself (RESERVED_HEADERS, X-Viperatron-*), in any case.
_RESERVED_NAMES = "|".join(_any_case(name) for name in sorted(RESERVED_HEADERS))
HEADERS_SCHEMA = {
    "type": "object",
    "maxProperties": MAX_HEADERS,
    "propertyNames": {"pattern": f"^(?!(?:{_RESERVED_NAMES})$)(?!{_any_case('x-viperatron')})" + _HEADER_NAME.pattern[1:]},
    "additionalProperties": {"type": "string", "maxLength": 998, "pattern": NO_CONTROL_PATTERN},
    "description": "Extra headers, name to value (not those Viperatron writes: From, To, Subject, Message-ID, …).",
}

Recipients = recipient_list(MAX_RECIPIENTS, required=False)

UNSUBSCRIBE_HELP = (
    "Add a one-click unsubscribe link (List-Unsubscribe and List-Unsubscribe-Post, RFC 8058): the "
    "recipient's mail client can unsubscribe them, and later sends to the address are suppressed "
    "(reason `unsubscribed`). For one recipient only; off by default (automation emails always have it)."
)
# Written by the worker when `unsubscribe` is on: a caller's own would conflict.
UNSUBSCRIBE_HEADERS = ("list-unsubscribe", "list-unsubscribe-post")


class AttachmentIn(ApiModel):
    filename: Annotated[HeaderText, StringConstraints(min_length=1, max_length=255)]
    content: Annotated[str, WithJsonSchema({"type": "string", "format": "byte", "description": "The file, base64-encoded."})]
    content_type: Annotated[str, StringConstraints(pattern=r"^[\w.+-]+/[\w.+-]+$", max_length=255)] = (
        "application/octet-stream"
    )

    @field_validator("content")
    @classmethod
    def _base64(cls, value: str) -> str:
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise PydanticCustomError("invalid_format", "Not valid base64.") from None
        return value

    def decoded(self) -> bytes:
        return base64.b64decode(self.content)


class SendEmail(ApiModel):
    """Body of `POST /api/v1/delivery/send` and GraphQL `SendEmailInput`. Give a non-empty `html`,
    `text` or both; at most 50 recipients across `to`, `cc` and `bcc`."""

    to: recipient_list(MAX_RECIPIENTS, required=True)
    cc: Optional[Recipients] = None
    bcc: Optional[Recipients] = None
    reply_to: Optional[Recipients] = None
    from_: Mailbox = Field(alias="from")
    subject: Annotated[HeaderText, StringConstraints(min_length=1, max_length=MAX_SUBJECT_CHARS)]
    html: Optional[Annotated[str, StringConstraints(max_length=MAX_BODY_CHARS)]] = None
    text: Optional[Annotated[str, StringConstraints(max_length=MAX_BODY_CHARS)]] = None
    variables: Optional[JsonObject] = None
    headers: Annotated[
        Optional[dict[str, Annotated[HeaderText, StringConstraints(max_length=998)]]], WithJsonSchema(HEADERS_SCHEMA)
    ] = None
    attachments: Optional[list[AttachmentIn]] = Field(None, max_length=MAX_ATTACHMENTS)
    tags: Optional[list[Tag]] = Field(None, max_length=MAX_TAGS)
    metadata: Optional[JsonObject] = None
    send_at: Optional[IsoDateTime] = Field(None, description="Deliver at this time (at most 30 days ahead).")
    unsubscribe: Optional[bool] = Field(False, description=UNSUBSCRIBE_HELP)
    tracking: Optional[TrackingChoice] = Field(
        None, description="Open and click tracking of this message; what it leaves out follows your organization's "
        "settings (off unless turned on).")

    model_config = ApiModel.model_config | {
        "json_schema_extra": {
            "examples": [
                {
                    "to": "customer@example.com",
                    "subject": "Welcome to Acme",
                    "html": "<h1>Hi {{firstName}}</h1><p>Thanks for signing up.</p>",
                    "from": "hello@acme.com",
                }
            ]
        }
    }

    @field_validator("headers")
    @classmethod
    def _headers(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        if value is None:
            return None
        if len(value) > MAX_HEADERS:
            raise PydanticCustomError("too_many", "At most {n} custom headers.", {"n": MAX_HEADERS})
        for name in value:
            if not _HEADER_NAME.match(name):
                raise PydanticCustomError("invalid_format", "`{name}` is not a valid header name.", {"name": name[:80]})
            if name.lower() in RESERVED_HEADERS or name.lower().startswith("x-viperatron"):
                raise PydanticCustomError(
                    "reserved_header", "`{name}` is set by Viperatron and cannot be given.", {"name": name}
                )
        return value

    @field_validator("send_at")
    @classmethod
    def _schedule(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise PydanticCustomError("invalid_format", "Give a time zone, e.g. 2026-11-27T17:00:00Z.")
        if value - clock.now() > MAX_SCHEDULE_AHEAD:
            raise PydanticCustomError("too_late", "At most 30 days ahead.")
        return value

    @model_validator(mode="after")
    def _whole_message(self) -> "SendEmail":
        if not self.html and not self.text:
            raise PydanticCustomError("missing", "Give `html`, `text` or both.", {"field": "html"})
        if len(self.to) + len(self.cc or []) + len(self.bcc or []) > MAX_RECIPIENTS:
            raise PydanticCustomError(
                "too_many", "At most {n} recipients across to, cc and bcc.", {"field": "to", "n": MAX_RECIPIENTS}
            )
        if self.unsubscribe:
            if len(self.to) + len(self.cc or []) + len(self.bcc or []) != 1:
                raise PydanticCustomError(
                    "too_many", "An unsubscribe link names one recipient: send one message per address.",
                    {"field": "unsubscribe"},
                )
            for name in self.headers or {}:
                if name.lower() in UNSUBSCRIBE_HEADERS:
                    raise PydanticCustomError(
                        "reserved_header", "`{name}` is set by Viperatron when `unsubscribe` is true.",
                        {"field": "headers", "name": name},
                    )
        total = sum(len(a.content) * 3 // 4 for a in self.attachments or [])
        if total > MAX_ATTACHMENT_BYTES:
            raise PydanticCustomError(
                "too_large", "Attachments may total at most 10 MiB.", {"field": "attachments"}
            )
        return self


class SendResult(ApiModel):
    message_id: str
    status: MessageStatus = Field(description="`queued`: the message waits for the worker.")


class BatchSend(ApiModel):
    """Body of `POST /api/v1/delivery/batch`: each message is validated on its own."""

    messages: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_BATCH)


class SendBatchItemStatus(StrEnum):
    """What became of one message of a batch send. Member names are the wire values."""

    queued = "queued"
    rejected = "rejected"  # with `error`


class SendBatchItem(ApiModel):
    index: int
    message_id: Optional[str] = None
    status: SendBatchItemStatus = Field(description="`queued`, or `rejected` with `error`.")
    error: Optional[BatchItemError] = None


class SendBatchResult(ApiModel):
    accepted: int
    rejected: int
    data: list[SendBatchItem]


# ----------------------------------------------------------------------------- resolvers


def recipient_names(data: SendEmail) -> dict[str, list[str | None]]:
    """The names given with the recipients, stored beside their addresses: field → names in
    the order of its addresses (None: no name); fields without any name are left out."""
    names = {}
    for field, recipients in (("to", data.to), ("cc", data.cc), ("bcc", data.bcc), ("replyTo", data.reply_to)):
        if recipients and any(r.name for r in recipients):
            names[field] = [r.name for r in recipients]
    return names


def _templated(data: SendEmail) -> bool:
    return any("{" in (source or "") for source in (data.subject, data.html, data.text))


_CONTACT_FOR_TEMPLATES = ("SELECT first_name, last_name, email, custom_fields FROM contacts "
                          "WHERE organization_id = {0}1 AND email_key = {0}2 LIMIT 1")
_CONTACTS_FOR_TEMPLATES = (  # several at once: row i is the i-th (organization, key) asked for, when found
    "SELECT q.i, c.first_name, c.last_name, c.email, c.custom_fields "
    "FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS q(org, key, i) "
    "JOIN LATERAL (SELECT first_name, last_name, email, custom_fields FROM contacts "
    "WHERE organization_id = q.org AND email_key = q.key LIMIT 1) c ON TRUE"
)


async def _template_variables(organization_id: str, data: SendEmail) -> dict[str, Any]:
    """Contact fields when there is exactly one recipient, overridden by `variables`. The
    contact is read only when a template can use it, and with only the columns it needs (on
    the hot send path the ORM's query building cost more than the query); on PostgreSQL with
    asyncpg directly, together with the other sends' reads outside a transaction."""
    values: dict[str, Any] = {}
    if len(data.to) == 1 and _templated(data):
        contact = await _contact_for_templates(organization_id, email_key(data.to[0].email))
        if contact is not None:
            fields = contact["custom_fields"]
            values.update((json.loads(fields) if isinstance(fields, str) else fields) or {})
            values.update(firstName=contact["first_name"], lastName=contact["last_name"], email=contact["email"])
    values.update(data.variables or {})
    return values


async def _contact_for_templates(organization_id: str, key: str) -> Any:
    connection = Tortoise.get_connection("default")
    if connection.capabilities.dialect != "postgres":
        _, rows = await connection.execute_query(_CONTACT_FOR_TEMPLATES.format("?"), [organization_id, key])
        return rows[0] if rows else None
    if isinstance(connection, TransactionalDBClient):  # the caller's transaction: read in it
        return await _read_contact((connection, organization_id, key))
    return await _contact_reads.submit((connection, organization_id, key))


async def _read_contact(wanted: tuple[BaseDBAsyncClient, str, str]) -> Any:
    """The contact (client, organization, email key) for templates, or None (PostgreSQL)."""
    client, organization_id, key = wanted
    async with client.acquire_connection() as pg:
        rows = await pg.fetch(_CONTACT_FOR_TEMPLATES.format("$"), organization_id, key)
    return rows[0] if rows else None


async def _read_contacts(wanted: Sequence[tuple[BaseDBAsyncClient, str, str]]) -> list[Any]:
    """`_read_contact` for several in one statement, in their order."""
    async with _one_client(wanted).acquire_connection() as pg:
        rows = await pg.fetch(_CONTACTS_FOR_TEMPLATES, [org for _, org, _ in wanted], [key for _, _, key in wanted])
    found = {row["i"]: row for row in rows}
    return [found.get(i) for i in range(1, len(wanted) + 1)]


def _one_client(items: Sequence[tuple]) -> BaseDBAsyncClient:
    """The pool client every item of a group names (one per process: anything else is written alone)."""
    client = items[0][0]
    if any(item[0] is not client for item in items):
        raise ValueError("a group of items names two database clients")
    return client


def _render(field: str, source: str | None, variables: dict[str, Any], max_chars: int, html: bool = False) -> str | None:
    if source is None:
        return None
    try:
        return templating.render(source, variables, html=html, max_chars=max_chars)
    except templating.TemplateError as exc:
        raise invalid(field, str(exc), "template_error") from None


async def queue_email(principal: Principal, data: SendEmail, *, automation_id: str | None = None,
                      contact_id: str | None = None, verified_domains: bool = False) -> SendResult:
    """Queue one message; an automation's sendEmail step names itself and the contact, so
    events can be attributed to the automation (analytics). `verified_domains`: the server
    requires From to be a verified domain of the organization."""
    if verified_domains:
        await require_verified_sender(principal.organization_id, data.from_)
    for field in ("subject", "html", "text"):  # syntax errors first, before any lookup
        source = getattr(data, field)
        if source is not None:
            try:
                templating.check(source)
            except templating.TemplateError as exc:
                raise invalid(field, str(exc), "template_error") from None
    org = principal.organization_id
    sandbox = principal.is_test
    connection = Tortoise.get_connection("default")
    attachments = data.attachments or []
    row, keys = _message(principal, data, await _template_variables(org, data), automation_id, contact_id)
    if (connection.capabilities.dialect == "postgres" and not attachments
            and not await subscriptions.wants(org, EventType.MESSAGE_QUEUED, sandbox=sandbox)):
        # The hot path: one statement, no ORM wrapper; outside a transaction, written together
        # with the sends that arrive meanwhile (_message_writes).
        if isinstance(connection, TransactionalDBClient):  # the caller's transaction: written in it
            await _write_message(connection, row, keys)
        else:
            await _message_writes.submit((connection, row, keys))
    else:
        await _insert(Message(**row), keys, attachments, sandbox)
    wakeups.deliveries.notify()
    return SendResult(message_id=row["id"], status=row["status"])


def _message(principal: Principal, data: SendEmail, variables: dict[str, Any], automation_id: str | None,
                   contact_id: str | None) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The message to store (the Message fields given; the others take their defaults),
    rendered, and its recipients' (kind, email key) rows."""
    # A variable's value must not smuggle a line break (or any control character) into the
    # Subject header.
    subject = one_line(_render("subject", data.subject, variables, MAX_SUBJECT_CHARS) or "")
    # Rendered outside any transaction of ours: a render may take up to its time limit.
    html = _render("html", data.html, variables, MAX_BODY_CHARS, html=True)
    text = _render("text", data.text, variables, MAX_BODY_CHARS)
    org = principal.organization_id
    now = clock.now()
    attachments = data.attachments or []
    message = dict(
        id=new_id("msg"),
        organization_id=org,
        api_key_id=principal.key_id,
        to=[r.email for r in data.to],
        cc=[r.email for r in data.cc or []],
        bcc=[r.email for r in data.bcc or []],
        reply_to=[r.email for r in data.reply_to or []],
        recipient_names=recipient_names(data),
        from_address=data.from_,
        subject=subject,
        html=html,
        text=text,
        headers=data.headers or {},
        tags=list(dict.fromkeys(data.tags or [])),
        metadata=data.metadata or {},
        variables=data.variables or {},
        attachment_count=len(attachments),
        status="queued",
        sandbox=principal.is_test,
        send_at=data.send_at,
        due_at=max(data.send_at, now) if data.send_at else now,
        automation_id=automation_id,
        contact_id=contact_id,
        unsubscribe=bool(data.unsubscribe),
        track_opens=data.tracking.opens if data.tracking else None,
        track_clicks=data.tracking.clicks if data.tracking else None,
        created_at=now,
        updated_at=now,
    )
    keys = [(kind, email_key(a.email))
            for kind, addresses in (("to", data.to), ("cc", data.cc or []), ("bcc", data.bcc or [])) for a in addresses]
    return message, keys


# The hot path on PostgreSQL: the message, its recipient rows and its tag rows in one statement
# (one round trip, atomic without a transaction). Its text is written once, at the first send
# (the model's columns are known once Tortoise is initialized). Values go in as the model's own
# fields convert them, without building a model instance (a tenth of a send's CPU).
@cache
def _one_statement() -> tuple[str, list[tuple[str, Callable[[Any], Any], Any]]]:
    meta = Message._meta
    columns = list(meta.db_fields)
    fields = []  # (name, conversion, default) per column
    for column in columns:
        name = meta.fields_db_projection_reverse[column]
        field = meta.fields_map[name]
        convert = _json_text if isinstance(field, JSONField) else partial(_db_value, field)
        fields.append((name, convert, field.default))
    n = len(columns)
    sql = (
        "WITH m AS (INSERT INTO messages ({columns}) VALUES ({values})), "
        "r AS (INSERT INTO message_recipients (message_id, organization_id, kind, email_key) "
        "SELECT ${id}, ${org}, k, e FROM unnest(${kinds}::text[], ${emails}::text[]) AS t(k, e)) "
        "INSERT INTO message_tags (message_id, organization_id, tag) SELECT ${id}, ${org}, t "
        "FROM unnest(${tags}::text[]) AS t"
    ).format(
        columns=", ".join(f'"{c}"' for c in columns), values=", ".join(f"${i}" for i in range(1, n + 1)),
        id=columns.index("id") + 1, org=columns.index("organization_id") + 1, kinds=n + 1, emails=n + 2, tags=n + 3,
    )
    return sql, fields


def _db_value(field, value):
    return field.to_db_value(value, None)


_COMPACT_JSON = json.JSONEncoder(separators=(",", ":")).encode


def _json_text(value) -> str | None:
    """A JSON column's text (jsonb: any spelling is stored alike); most of a send's are empty."""
    if value is None:
        return None
    if not value and isinstance(value, (list, dict)):
        return "[]" if isinstance(value, list) else "{}"
    return _COMPACT_JSON(value)


def _values(row: dict[str, Any]) -> list[Any]:
    """The message's column values in `_one_statement`'s order, converted as the model's fields do."""
    values = []
    for name, convert, default in _one_statement()[1]:
        value = row[name] if name in row else (default() if callable(default) else default)
        values.append(convert(value))
    return values


async def _write_message(client: BaseDBAsyncClient, row: dict[str, Any], keys: list[tuple[str, str]]) -> None:
    """One message and its rows (`row` as `_message` makes it), on one of `client`'s
    connections (a transaction's client: its connection)."""
    async with client.acquire_connection() as pg:
        await pg.execute(_one_statement()[0], *_values(row), [k for k, _ in keys], [e for _, e in keys], row["tags"])


async def _write_messages(messages: Sequence[tuple[BaseDBAsyncClient, dict[str, Any], list[tuple[str, str]]]]) -> list[None]:
    """Several messages and their rows in one statement, column by column (`_many_statement`)."""
    columns = [list(column) for column in zip(*(_values(row) for _, row, _ in messages))]
    recipients = [(row["id"], row["organization_id"], kind, key) for _, row, keys in messages for kind, key in keys]
    tags = [(row["id"], row["organization_id"], tag) for _, row, _ in messages for tag in row["tags"]]
    async with _one_client(messages).acquire_connection() as pg:
        await pg.execute(_many_statement(), *columns, *_columns(recipients, 4), *_columns(tags, 3))
    return [None] * len(messages)


def _columns(rows: list[tuple], width: int) -> list[list]:
    return [list(column) for column in zip(*rows)] if rows else [[] for _ in range(width)]


@cache
def _many_statement() -> str:
    """`_one_statement` for several messages: each column an array (unnest keeps them in step)."""
    meta = Message._meta
    columns = list(meta.db_fields)
    arrays = []
    for i, column in enumerate(columns, start=1):
        sql_type = meta.fields_map[meta.fields_db_projection_reverse[column]].get_for_dialect("postgres", "SQL_TYPE")
        arrays.append(f"${i}::{re.sub(r'[(].*[)]', '', sql_type)}[]")
    n = len(columns)
    return (
        "WITH m AS (INSERT INTO messages ({columns}) SELECT * FROM unnest({arrays})), "
        "r AS (INSERT INTO message_recipients (message_id, organization_id, kind, email_key) "
        "SELECT * FROM unnest(${r1}::text[], ${r2}::text[], ${r3}::text[], ${r4}::text[])) "
        "INSERT INTO message_tags (message_id, organization_id, tag) "
        "SELECT * FROM unnest(${t1}::text[], ${t2}::text[], ${t3}::text[])"
    ).format(columns=", ".join(f'"{c}"' for c in columns), arrays=", ".join(arrays),
             r1=n + 1, r2=n + 2, r3=n + 3, r4=n + 4, t1=n + 5, t2=n + 6, t3=n + 7)


# Sends outside a transaction: their contact reads and their writes each go in groups while
# earlier ones are in flight, two at a time each (one connection of the pool's five stays free).
# Each item names the pool client it is for: a group's task must not take its connection from
# whatever context it happens to run in.
_contact_reads: Batcher[tuple[BaseDBAsyncClient, str, str], Any] = Batcher(
    _read_contact, _read_contacts, max_in_flight=2,
)
_message_writes: Batcher[tuple[BaseDBAsyncClient, dict[str, Any], list[tuple[str, str]]], None] = Batcher(
    lambda message: _write_message(*message), _write_messages, max_in_flight=2,
)


async def _insert(message: Message, keys: list[tuple[str, str]], attachments: list, sandbox: bool) -> None:
    org = message.organization_id
    async with in_transaction():
        await message.save(force_create=True)
        recipients = [
            MessageRecipient(message_id=message.id, organization_id=org, kind=kind, email_key=key) for kind, key in keys
        ]
        await MessageRecipient.bulk_create(recipients)
        if message.tags:
            await MessageTag.bulk_create(
                [MessageTag(message_id=message.id, organization_id=org, tag=t) for t in message.tags]
            )
        if attachments:
            await MessageAttachment.bulk_create(
                [
                    MessageAttachment(
                        message_id=message.id, filename=a.filename, content_type=a.content_type,
                        size=len(content), content=content,
                    )
                    for a in attachments
                    for content in [a.decoded()]
                ]
            )
        await publish(org, EventType.MESSAGE_QUEUED, message_event(message, "queued"), sandbox=sandbox)


async def send_email(principal: Principal, data: SendEmail, idempotency_key: str | None = None, *,
                     verified_domains: bool = False) -> SendResult:
    async def run() -> tuple[SendResult, int]:
        return await queue_email(principal, data, verified_domains=verified_domains), 202

    return (await idempotent(principal, idempotency_key, "delivery.send", data, run, SendResult)).result


def parse_batch_item(index: int, raw: Any) -> SendEmail | ApiError:
    """One message of a REST batch, validated alone; errors name `messages.<index>.<field>`."""
    try:
        return SendEmail.model_validate(raw)
    except ValidationError as exc:
        return from_pydantic([{**e, "loc": ("messages", index, *e["loc"])} for e in exc.errors()])


async def send_batch(
    principal: Principal, items: list[SendEmail | ApiError], idempotency_key: str | None = None, *,
    verified_domains: bool = False,
) -> SendBatchResult:
    """Queue every valid message; invalid ones are reported per item (partial success)."""
    if not 1 <= len(items) <= MAX_BATCH:
        # REST's envelope model refuses these first, as too_short/too_long: the same codes here.
        raise invalid("messages", f"Give 1 to {MAX_BATCH} messages.", "too_long" if items else "too_short")
    request = [i.model_dump(mode="json", by_alias=True) if isinstance(i, SendEmail) else i.body() for i in items]

    async def run() -> tuple[SendBatchResult, int]:
        results = []
        for index, item in enumerate(items):
            try:
                if isinstance(item, ApiError):
                    raise item
                stored = await queue_email(principal, item, verified_domains=verified_domains)
                results.append(SendBatchItem(index=index, message_id=stored.message_id, status=stored.status.value))
            except ApiError as error:
                body = error.body()["error"]
                results.append(SendBatchItem(index=index, status="rejected", error=BatchItemError(**body)))
        accepted = sum(1 for r in results if r.error is None)
        return SendBatchResult(accepted=accepted, rejected=len(results) - accepted, data=results), 200

    return (await idempotent(principal, idempotency_key, "delivery.batch", {"messages": request}, run, SendBatchResult)).result
