"""GraphQL types and fields of events: each a few lines calling schema/events/resolvers.py."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Optional

import strawberry
from strawberry.scalars import JSON

from app.core.errors import ApiError, invalid
from schema.contracts import Page
from schema.events.resolvers import (
    EventView,
    IngestBatchItem,
    IngestEvent,
    IngestStatus,
    ingest_batch,
    ingest_event,
    list_events,
)
from schema.graphql_common import (
    DECIMAL_HELP,
    Connection,
    DecimalString,
    GraphQLInput,
    Node,
    UserError,
    as_in,
    connection,
    detail_errors,
    graphql_enum,
    node_type,
    user_errors,
    validated,
)
from schema.idempotency.resolvers import IDEMPOTENCY_HELP

graphql_enum(IngestStatus, "IngestStatus", "What became of an ingested event.")


@strawberry.pydantic.input(name="EventInput")
class EventInput(GraphQLInput):
    email: str
    event_type: str
    value: Annotated[Optional[DecimalString], strawberry.field(description=DECIMAL_HELP)] = None
    currency: Optional[str] = None
    properties: Optional[JSON] = None
    occurred_at: Optional[datetime] = None
    event_id: Annotated[Optional[strawberry.ID], strawberry.field(description=IngestEvent.model_fields["event_id"].description)] = None
    idempotency_key: Annotated[Optional[str], strawberry.field(description=IDEMPOTENCY_HELP)] = None


@strawberry.input(name="IngestEventsInput")
class IngestEventsInput:
    events: list[EventInput]
    idempotency_key: Optional[str] = strawberry.field(default=None, description=IDEMPOTENCY_HELP)


@strawberry.type
class IngestEventPayload:
    event_id: Optional[strawberry.ID]
    status: Optional[IngestStatus]
    user_errors: list[UserError]


@strawberry.type
class EventItemPayload:
    index: int
    event_id: Optional[strawberry.ID]
    status: IngestStatus
    user_errors: list[UserError]


@strawberry.type
class IngestEventsPayload:
    accepted: int
    rejected: int
    results: list[EventItemPayload]
    user_errors: list[UserError]


@node_type(EventView, name="Event", description="A pipeline event.")
class EventType(EventView, Node):
    id: strawberry.ID
    event_id: Optional[strawberry.ID] = as_in(EventView, "event_id")
    contact_id: Optional[strawberry.ID] = as_in(EventView, "contact_id")
    value: Optional[DecimalString] = as_in(EventView, "value")
    properties: JSON


@strawberry.input
class EventFilter:
    type: Optional[str] = None
    contact_id: Optional[strawberry.ID] = None
    email: Optional[str] = None
    since: Optional[datetime] = strawberry.field(default=None, description="occurredAt at or after")
    until: Optional[datetime] = strawberry.field(default=None, description="occurredAt before")


def event_connection(page: Page[EventView], after: str | None) -> Connection[EventType]:
    return connection(page, after)


def _graphql_item(index: int, item: EventInput) -> IngestEvent | ApiError:
    """One event of a GraphQL batch, validated alone; fields named like REST's."""
    try:
        if item.idempotency_key is not None:
            raise invalid("idempotencyKey", "Give the key on the batch, not on its events.")
        return validated(item, IngestEvent)
    except ApiError as error:
        for detail in error.details:
            detail.field = f"events.{index}" + (f".{detail.field}" if detail.field else "")
        return error


def _item_errors(item: IngestBatchItem) -> list[UserError]:
    if item.error is None:
        return []
    return detail_errors(item.error.code, item.error.message, item.error.details)


@strawberry.type
class EventQueries:
    @strawberry.field(description="Pipeline events, newest first.")
    async def events(
        self,
        info: strawberry.Info,
        first: int = 50,
        after: Optional[str] = None,
        filter: Optional[EventFilter] = None,
    ) -> Connection[EventType]:
        f = filter or EventFilter()
        page = await list_events(
            info.context["principal"], first, after,
            type=f.type, contact_id=f.contact_id, email=f.email, since=f.since, until=f.until,
        )
        return event_connection(page, after)


@strawberry.type
class EventMutations:
    @strawberry.mutation
    async def ingest_event(self, info: strawberry.Info, input: EventInput) -> IngestEventPayload:
        try:
            result = await ingest_event(info.context["principal"], validated(input, IngestEvent), input.idempotency_key)
        except ApiError as error:
            return IngestEventPayload(event_id=None, status=None, user_errors=user_errors(error))
        return IngestEventPayload(event_id=result.event_id, status=result.status, user_errors=[])

    @strawberry.mutation(description="Ingest up to 1,000 events; each is validated on its own.")
    async def ingest_events(self, info: strawberry.Info, input: IngestEventsInput) -> IngestEventsPayload:
        items = [_graphql_item(i, e) for i, e in enumerate(input.events)]
        try:
            result = await ingest_batch(info.context["principal"], items, input.idempotency_key)
        except ApiError as error:
            return IngestEventsPayload(accepted=0, rejected=0, results=[], user_errors=user_errors(error))
        results = [
            EventItemPayload(index=r.index, event_id=r.event_id, status=r.status, user_errors=_item_errors(r))
            for r in result.data
        ]
        return IngestEventsPayload(accepted=result.accepted, rejected=result.rejected, results=results, user_errors=[])
