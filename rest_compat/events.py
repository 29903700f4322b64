from fastapi import Query

from rest_compat.common import (
    IDEMPOTENT,
    Caller,
    IdempotencyKey,
    ListEnvelope,
    cursor_query,
    feature_router,
    limit_query,
    text_query,
    time_query,
)
from schema.events.resolvers import (
    BatchIngest,
    EventView,
    IngestBatchResult,
    IngestEvent,
    IngestResult,
    ingest_batch,
    ingest_event,
    list_events,
    parse_batch,
)

router = feature_router("/pipelines", "pipelines")


class EventList(ListEnvelope[EventView]):
    pass


@router.post(
    "/events",
    operation_id="ingestEvent",
    response_model=IngestResult,
    status_code=202,
    summary="Ingest a pipeline event",
    description="Stores the event against your contact with that email (created if absent). "
    "`currency` (ISO 4217) is required with `value`, which may not be more precise than the currency. "
    "With an `eventId` already stored in your organization the event is accepted but not stored again; "
    "the response names the first event.",
    responses={202: {"content": {"application/json": {"example": {"eventId": "evt_1a2b3c", "status": "accepted"}}}}, **IDEMPOTENT},
)
async def ingest(body: IngestEvent, caller: Caller, idempotency_key: IdempotencyKey = None) -> IngestResult:
    return await ingest_event(caller, body, idempotency_key)


@router.post(
    "/events/batch",
    operation_id="ingestEvents",
    response_model=IngestBatchResult,
    summary="Ingest up to 1,000 pipeline events",
    description="Each event is validated on its own: valid ones are stored (in bulk), invalid ones come back "
    "with their `error` (same shape as a single ingest's error, fields named `events.<index>.<field>`); "
    "`accepted`/`rejected` count them. Duplicate `eventId`s are accepted and name the first event.",
    responses=IDEMPOTENT,
)
async def batch(body: BatchIngest, caller: Caller, idempotency_key: IdempotencyKey = None) -> IngestBatchResult:
    return await ingest_batch(caller, parse_batch(body.events, nul_checked=True), idempotency_key)


@router.get(
    "/events",
    operation_id="listEvents",
    response_model=EventList,
    summary="List pipeline events",
    description="Newest first (by when received), cursor-paginated.",
)
async def list_(
    caller: Caller,
    limit: int = limit_query(),
    cursor: str = cursor_query(),
    type: str = text_query(100, "Only events of this `eventType`"),
    contact_id: str = Query(None, alias="contactId", description="Only events of this contact (`ct_…`)"),
    email: str = text_query(320, "Only events of the contact with this email (any case)"),
    since: time_query("occurredAt at or after (ISO 8601 with a time zone)") = None,
    until: time_query("occurredAt before (ISO 8601 with a time zone)") = None,
) -> EventList:
    page = await list_events(
        caller, limit, cursor, type=type, contact_id=contact_id, email=email, since=since, until=until,
        size_field="limit", cursor_field="cursor",
    )
    return EventList.of(page)
