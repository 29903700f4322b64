"""Pipeline events: ingest one or a batch (up to 1,000) against the organization's contacts
(created if absent), list them, and the GraphQL twins.

One write path for both: a single ingest is a batch of one. PostgreSQL: set-based SQL (unnest
arrays): one lookup of the batch's contacts, one INSERT … ON CONFLICT DO NOTHING for the missing
ones, one INSERT of the events ON CONFLICT (organization_id, event_id) DO NOTHING, which also
adds the events it stored to the analytics rollups (rollups.py). SQLite (one writer): the same
steps through Tortoise bulk inserts (INSERT OR IGNORE), then the rollups' upsert.
"""

from __future__ import annotations

import functools
import json
from datetime import datetime, timezone
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Optional

from babel.numbers import get_currency_precision as _babel_precision
from pydantic import (
    AfterValidator,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError
from tortoise import Tortoise
from tortoise.transactions import in_transaction

from app.core import clock
from app.core.errors import ApiError, from_pydantic, invalid, not_found
from app.core.ids import PREFIXES, looks_like, new_id, new_ids, require_id
from app.core.principal import Principal
from app.core.validation import (
    EMAIL_SCHEMA,
    CurrencyCode,
    EventTypeName,
    IsoDateTime,
    JsonObject,
    decimal_places,
    email_key,
    fast_normalize_email,
)
from models import Contact, Event
from schema.automations.triggers import StoredEvent, any_enabled, start_runs
from schema.contacts.writes import PROBE_CONTACT, contact_ids
from schema.contracts import NUL_CHECKED, ApiModel, BatchItemError, Page, check_fits, check_page_size, decode_cursor
from schema.events import rollups
from schema.idempotency.resolvers import idempotent

MAX_VALUE = Decimal("1e15")
MAX_BATCH = 1000


def _printable(value: str) -> str:
    if not value.isprintable():
        raise PydanticCustomError("invalid_format", "Only printable characters.")
    return value


get_currency_precision = functools.lru_cache(maxsize=1024)(_babel_precision)  # per valued event

ClientEventId = Annotated[str, StringConstraints(min_length=1, max_length=255), AfterValidator(_printable)]


# Event streams repeat the same addresses: validate each distinct spelling once per process.
_normalize_email = functools.lru_cache(maxsize=65536)(fast_normalize_email)
EventEmail = Annotated[str, AfterValidator(_normalize_email), WithJsonSchema(EMAIL_SCHEMA)]


class IngestStatus(StrEnum):
    """What became of an ingested event (one, or one of a batch). Member names are the wire values."""

    accepted = "accepted"  # stored, or already stored under its `eventId`
    rejected = "rejected"  # a batch's invalid event, with `error`


class IngestEvent(ApiModel):
    """Body of `POST /api/v1/pipelines/events` and GraphQL `EventInput`."""

    email: EventEmail
    event_type: EventTypeName
    value: Annotated[Optional[Decimal], WithJsonSchema({"anyOf": [
        {"type": "number", "exclusiveMinimum": -1e15, "exclusiveMaximum": 1e15},
        {"type": "string", "pattern": "^[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)$"},
        {"type": "null"},
    ], "description": "A number or a decimal string, below 10^15, no more precise than `currency` (required with it)."})] = Field(
        default=None, allow_inf_nan=False
    )
    currency: Optional[CurrencyCode] = None
    properties: Optional[JsonObject] = None
    occurred_at: Optional[IsoDateTime] = None
    event_id: Optional[ClientEventId] = Field(
        default=None,
        description="Your own ID for the event (1-255 printable characters). An event with an ID already "
        "stored in your organization is accepted again but not stored twice: the response names the first.",
    )

    model_config = ApiModel.model_config | {
        "json_schema_extra": {
            "examples": [
                {
                    "email": "jane@example.com",
                    "eventType": "order.placed",
                    "value": 129.00,
                    "currency": "USD",
                    "properties": {"orderId": "ord_1a2b3c", "sku": "ACME-TEE-L"},
                }
            ]
        }
    }

    @model_validator(mode="after")
    def _value_matches_currency(self) -> "IngestEvent":
        if self.value is None:
            return self
        if self.currency is None:
            raise PydanticCustomError(
                "missing", "`currency` is required when `value` is given.", {"field": "currency"}
            )
        if abs(self.value) >= MAX_VALUE:
            raise PydanticCustomError("invalid", "`value` is too large.", {"field": "value"})
        if decimal_places(self.value) > get_currency_precision(self.currency):
            raise PydanticCustomError(
                "too_precise",
                "`value` has more decimal places than {currency} allows ({places}).",
                {"currency": self.currency, "places": get_currency_precision(self.currency), "field": "value"},
            )
        return self


class IngestResult(ApiModel):
    event_id: str
    status: IngestStatus = Field(description="`accepted` (a single ingest is never `rejected`: it is a 422).")


class BatchIngest(ApiModel):
    """Body of `POST /api/v1/pipelines/events/batch`: each event is validated on its own."""

    events: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_BATCH)


class IngestBatchItem(ApiModel):
    index: int
    event_id: Optional[str] = None
    status: IngestStatus = Field(description="`accepted`, or `rejected` with `error`.")
    error: Optional[BatchItemError] = None


class IngestBatchResult(ApiModel):
    accepted: int
    rejected: int
    data: list[IngestBatchItem]


class EventView(ApiModel):
    id: str
    event_id: Optional[str] = Field(description="Your own ID for the event, when given.")
    event_type: str
    contact_id: Optional[str] = Field(description="Null after the contact was erased.")
    email: Annotated[Optional[str], WithJsonSchema({"anyOf": [EMAIL_SCHEMA, {"type": "null"}]})] = Field(
        description="Null after the contact was erased."
    )
    value: Optional[str] = Field(description="A decimal string with the currency's precision.")
    currency: Optional[str]
    properties: dict[str, Any]
    occurred_at: datetime
    received_at: datetime
    sandbox: bool = Field(
        description="Sent with a test key (et_test_…): it starts automations only as sandboxed runs, "
        "whose emails are never delivered."
    )


# ----------------------------------------------------------------------------- writes


async def ingest_event(principal: Principal, data: IngestEvent, idempotency_key: str | None = None) -> IngestResult:
    async def run() -> tuple[IngestResult, int]:
        return IngestResult(event_id=(await _write(principal, [data]))[0], status=IngestStatus.accepted), 202

    return (await idempotent(principal, idempotency_key, "events.ingest", data, run, IngestResult)).result


def parse_batch_item(index: int, raw: Any, context: dict | None = None) -> IngestEvent | ApiError:
    """One event of a REST batch, validated alone; errors name `events.<index>.<field>`."""
    try:
        return IngestEvent.model_validate(raw, context=context)
    except ValidationError as exc:
        errors = []
        for e in exc.errors():
            # A whole-model check names its field in the context (e.g. `currency` with `value`).
            loc = e["loc"] or tuple(filter(None, [(e.get("ctx") or {}).get("field")]))
            errors.append({**e, "loc": ("events", index, *loc)})
        return from_pydantic(errors)


_EVENT_LIST = TypeAdapter(list[IngestEvent])


def parse_batch(raw: list[Any], *, nul_checked: bool = False) -> list[IngestEvent | ApiError]:
    """Every event of a REST batch: the whole list at once (fast path), else each on its own.
    `nul_checked`: the envelope (BatchIngest) refused any NUL in the list already, so each
    field need not be walked again."""
    context = {NUL_CHECKED: True} if nul_checked else None
    try:
        return list(_EVENT_LIST.validate_python(raw, context=context))
    except ValidationError:
        return [parse_batch_item(index, item, context) for index, item in enumerate(raw)]


async def ingest_batch(
    principal: Principal, items: list[IngestEvent | ApiError], idempotency_key: str | None = None
) -> IngestBatchResult:
    """Store every valid event (in bulk); invalid ones are reported per item (partial success)."""
    if not 1 <= len(items) <= MAX_BATCH:
        # REST's envelope model refuses these first, as too_short/too_long: the same codes here.
        raise invalid("events", f"Give 1 to {MAX_BATCH} events.", "too_long" if items else "too_short")

    async def run() -> tuple[IngestBatchResult, int]:
        valid = [(index, item) for index, item in enumerate(items) if isinstance(item, IngestEvent)]
        stored = await _write(principal, [item for _, item in valid]) if valid else []
        data: list[dict | None] = [None] * len(items)
        for (index, _), event_id in zip(valid, stored):
            data[index] = {"index": index, "event_id": event_id, "status": IngestStatus.accepted}
        for index, item in enumerate(items):
            if isinstance(item, ApiError):
                error = BatchItemError(**item.body()["error"])  # checked as any input
                data[index] = {"index": index, "status": IngestStatus.rejected, "error": error}
        # One validation for the whole answer, without the NUL walk: it holds our IDs and
        # already-checked errors (a model per item cost more than the rest of the answer).
        result = IngestBatchResult.model_validate(
            {"accepted": len(valid), "rejected": len(items) - len(valid), "data": data}, context={NUL_CHECKED: True}
        )
        return result, 200

    if idempotency_key is None:
        return (await run())[0]
    request = [i.model_dump(mode="json", by_alias=True) if isinstance(i, IngestEvent) else i.body() for i in items]
    return (await idempotent(principal, idempotency_key, "events.batch", {"events": request}, run, IngestBatchResult)).result


_PG_INSERT_EVENTS = """
INSERT INTO events
    (id, organization_id, contact_id, event_id, event_type, value, currency, properties, occurred_at, received_at,
     sandbox)
SELECT r.id, $1, r.contact_id, r.event_id, r.event_type, r.value, r.currency, r.properties::jsonb, r.occurred_at, $2,
       $11
FROM {lock}, unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::numeric[], $8::text[], $9::text[],
                   $10::timestamptz[]) AS r(id, contact_id, event_id, event_type, value, currency, properties, occurred_at)
ON CONFLICT (organization_id, event_id) DO NOTHING
RETURNING id, event_type, currency, value, occurred_at
"""
# The events INSERT and the rollups' upsert of what it stored, in one statement (rollups.py).
_PG_INSERT_EVENTS_ROLLED = rollups.pg_ingest(_PG_INSERT_EVENTS)
# A single event of a contact that exists, in one statement: the contact found by its email key
# in the INSERT itself. Nothing stored (a new contact, or an eventId already stored): the
# general path. One round trip (and one commit) instead of two for the commonest event.
# One value per parameter, not arrays: PostgreSQL plans a statement over unnest($n::text[])
# anew at every execution (its generic plan assumes 100 rows per array, so the plan cache keeps
# choosing one-off plans), and planning this statement cost as much CPU as running it.
_PG_INSERT_EVENT_OF_KNOWN_CONTACT = rollups.pg_ingest("""
INSERT INTO events
    (id, organization_id, contact_id, event_id, event_type, value, currency, properties, occurred_at, received_at,
     sandbox)
SELECT $3::text, $1, c.id, $5::text, $6::text, $7::numeric, $8::text, $9::jsonb, $10::timestamptz, $2, $11
FROM {lock}
""" + PROBE_CONTACT.format(key="$4::text") + """
ON CONFLICT (organization_id, event_id) DO NOTHING
RETURNING id, contact_id, event_type, currency, value, occurred_at
""", returning="id, contact_id")
_COMPACT_JSON = json.JSONEncoder(separators=(",", ":"))  # built once: json.dumps with options builds one a call
_PG_FIND_EVENTS = """
SELECT e.event_id, e.id FROM unnest($2::text[]) AS k(event_id)
JOIN events e ON e.organization_id = $1 AND e.event_id = k.event_id
"""


def _occurred_at(item: IngestEvent, now: datetime) -> datetime:
    """When the event happened: its `occurredAt` (UTC when it names no zone), else now."""
    occurred = item.occurred_at or now
    return occurred if occurred.tzinfo is not None else occurred.replace(tzinfo=timezone.utc)


async def _write_postgres(conn, org: str, items: list[IngestEvent], now: datetime, sandbox: bool) -> list[str]:
    """The same as `_write` in three or four set-based statements (unnest arrays); one for a
    single event of a known contact."""
    if len(items) == 1:
        stored = await _write_one_of_known_contact(conn, org, items[0], now, sandbox)
        if stored is not None:
            return [stored]
    contacts = await contact_ids(conn, org, (item.email for item in items))
    ids: list[str | None] = []
    rows_in: list[tuple] = []
    properties: list[dict] = []  # beside rows_in, for the automation trigger
    seen: set[str] = set()
    dumps = _COMPACT_JSON.encode
    fresh = iter(new_ids("evt", len(items)))
    for item in items:
        if item.event_id is not None:
            ids.append(None)
            if item.event_id in seen:
                continue
            seen.add(item.event_id)
            event_id = next(fresh)
        else:
            event_id = next(fresh)
            ids.append(event_id)
        occurred = _occurred_at(item, now)
        rows_in.append((
            event_id, contacts[email_key(item.email)], item.event_id, item.event_type, item.value,
            item.currency, dumps(item.properties) if item.properties else "{}", occurred,
        ))
        properties.append(item.properties or {})
    order = sorted(range(len(rows_in)), key=lambda i: rows_in[i][2] or "")  # one lock order for concurrent batches
    rows_in = [rows_in[i] for i in order]
    properties = [properties[i] for i in order]
    columns = list(zip(*rows_in))
    inserted = await conn.execute_query_dict(_PG_INSERT_EVENTS_ROLLED, [org, now, *(list(c) for c in columns), sandbox])
    stored_ids = {r["id"] for r in inserted}
    await start_runs(
        org,
        [
            StoredEvent(r[0], r[1], r[3], r[4], props, sandbox)
            for r, props in zip(rows_in, properties) if r[0] in stored_ids
        ],
        conn,
    )
    if seen:
        stored = {r[2]: r[0] for r in rows_in if r[2] is not None}
        if len(inserted) < len(rows_in):  # duplicates: name the events stored first
            found = await conn.execute_query_dict(_PG_FIND_EVENTS, [org, list(seen)])
            stored.update((r["event_id"], r["id"]) for r in found)
        ids = [stored[item.event_id] if item.event_id is not None else i for item, i in zip(items, ids)]
    return ids


async def _write_one_of_known_contact(conn, org: str, item: IngestEvent, now: datetime, sandbox: bool) -> str | None:
    """The event's `evt_` ID when it was stored in one statement; None when nothing was (its
    contact is new, or its eventId is stored already): the caller takes the general path."""
    occurred = _occurred_at(item, now)
    event_id = new_id("evt")
    properties = _COMPACT_JSON.encode(item.properties) if item.properties else "{}"
    async with conn.acquire_connection() as pg:  # asyncpg's own call: no ORM wrapper on the hottest write
        inserted = await pg.fetchrow(
            _PG_INSERT_EVENT_OF_KNOWN_CONTACT, org, now, event_id, email_key(item.email), item.event_id,
            item.event_type, item.value, item.currency, properties, occurred, sandbox,
        )
    if inserted is None:
        return None
    stored = StoredEvent(event_id, inserted["contact_id"], item.event_type, item.value, item.properties or {}, sandbox)
    await start_runs(org, [stored], conn)
    return event_id


async def _write(principal: Principal, items: list[IngestEvent]) -> list[str]:
    """Store `items` (already valid); the `evt_` ID of each item, in order.

    An `eventId` already stored in the organization (or given earlier in the same batch) is not
    stored again: its result names the first event's `evt_` ID, status `accepted`. Race-safe:
    the unique index on (organization, event_id) decides, the insert ignores the conflict.
    A test key's events are `sandbox`: they start only sandboxed automation runs."""
    org = principal.organization_id
    sandbox = principal.is_test
    now = clock.now()
    conn = Tortoise.get_connection("default")  # the caller's transaction, if any
    if conn.capabilities.dialect == "postgres" and not await any_enabled(org):
        # No automation to start with the events: no transaction. Each statement commits on its
        # own: contacts found or created (race-safe alone), then the events INSERT that also adds
        # them to the rollups. The rollup rows (a day's row is shared by every concurrent batch)
        # stay locked only while that statement runs, not until a COMMIT round trip later. A
        # batch whose INSERT fails leaves the bare contacts it created (as a retry would).
        return await _write_postgres(conn, org, items, now, sandbox)
    async with in_transaction() as conn:
        if conn.capabilities.dialect == "postgres":
            return await _write_postgres(conn, org, items, now, sandbox)
        contacts = await contact_ids(conn, org, (item.email for item in items))
        rows: list[Event] = []
        ids: list[str | None] = []
        seen: set[str] = set()
        for item in items:
            if item.event_id is not None:
                ids.append(None)
                if item.event_id in seen:
                    continue
                seen.add(item.event_id)
            occurred = _occurred_at(item, now)
            event = Event(
                organization_id=org,
                contact_id=contacts[email_key(item.email)],
                event_id=item.event_id,
                event_type=item.event_type,
                value=item.value,
                currency=item.currency,
                properties=item.properties or {},
                occurred_at=occurred,
                received_at=now,
                sandbox=sandbox,
            )
            if item.event_id is None:
                ids.append(event.id)
            rows.append(event)
        rows.sort(key=lambda e: e.event_id or "")  # one lock order for concurrent batches
        await Event.bulk_create(rows, ignore_conflicts=True, using_db=conn)
        stored: dict[str, str] = {}
        if seen:
            stored = dict(
                await Event.filter(organization_id=org, event_id__in=list(seen))
                .using_db(conn)
                .values_list("event_id", "id")
            )
            ids = [stored[item.event_id] if item.event_id is not None else i for item, i in zip(items, ids)]
        # Only the events stored now count and start runs (a duplicate `eventId` names an older event).
        new = [e for e in rows if e.event_id is None or stored.get(e.event_id) == e.id]
        await rollups.add(conn, org, [rollups.Row(e.occurred_at, e.event_type, e.currency, e.value) for e in new])
        await start_runs(
            org, [StoredEvent(e.id, e.contact_id, e.event_type, e.value, e.properties, e.sandbox) for e in new], conn,
        )
    return ids


# ----------------------------------------------------------------------------- reads


def format_value(value: Decimal | None, currency: str | None) -> str | None:
    if value is None:
        return None
    places = get_currency_precision(currency) if currency else decimal_places(Decimal(value))
    return f"{Decimal(value):.{places}f}"


async def _views(events: list[Event]) -> list[EventView]:
    contact_ids = list({e.contact_id for e in events if e.contact_id})
    emails = dict(await Contact.filter(id__in=contact_ids).values_list("id", "email")) if contact_ids else {}
    return [
        EventView(
            id=e.id,
            event_id=e.event_id,
            event_type=e.event_type,
            contact_id=e.contact_id,
            email=emails.get(e.contact_id) if e.contact_id else None,
            value=format_value(e.value, e.currency),
            currency=e.currency,
            properties=e.properties or {},
            occurred_at=e.occurred_at,
            received_at=e.received_at,
            sandbox=e.sandbox,
        )
        for e in events
    ]


async def get_event(principal: Principal, event_id: str) -> EventView:
    require_id("event", event_id)
    row = await Event.filter(id=event_id, organization_id=principal.organization_id).first()
    if row is None:
        raise not_found("Event")
    return (await _views([row]))[0]


async def list_events(
    principal: Principal,
    first: int = 50,
    after: str | None = None,
    *,
    type: str | None = None,
    contact_id: str | None = None,
    email: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    size_field: str = "first",
    cursor_field: str = "after",
) -> Page[EventView]:
    """Newest first (by when received). `since`/`until`: `occurredAt` (since inclusive)."""
    check_page_size(first, size_field)
    org = principal.organization_id
    query = Event.filter(organization_id=org)
    last_id = decode_cursor(after, cursor_field)
    if last_id:
        query = query.filter(id__lt=last_id)
    check_fits("type", type, Event, "event_type")
    check_fits("email", email and email_key(email), Contact, "email_key")
    if type:
        query = query.filter(event_type=type)
    if contact_id:
        if not looks_like(PREFIXES["contact"], contact_id):
            return Page([], False, None)  # what an unknown contact gets, without a query
        query = query.filter(contact_id=contact_id)
    if email:
        contact = await Contact.filter(organization_id=org, email_key=email_key(email)).only("id").first()
        if contact is None:
            return Page([], False, None)
        query = query.filter(contact_id=contact.id)
    for name, value in (("since", since), ("until", until)):
        if value is not None and value.tzinfo is None:
            raise invalid(name, "Give a time zone, e.g. 2026-11-27T17:00:00Z.", "invalid_format")
    if since:
        query = query.filter(occurred_at__gte=since)
    if until:
        query = query.filter(occurred_at__lt=until)
    rows = await query.order_by("-id").limit(first + 1)
    items = await _views(rows[:first])
    return Page.of(items, len(rows) > first)
