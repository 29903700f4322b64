"""Pipeline events: ingest one event against the organization's contact (created if absent)."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from decimal import Decimal
from typing import Annotated, Optional

import strawberry
from babel.numbers import get_currency_precision
from pydantic import AfterValidator, Field, model_validator
from pydantic_core import PydanticCustomError
from strawberry.scalars import JSON

from app.auth import Principal
from app.errors import ApiError
from app.validation import CurrencyCode, EmailAddress, JsonObject, decimal_places
from models import Event
from schema.common import ApiModel, UserError, user_errors, validated
from schema.contacts import find_or_create_contact
from schema.idempotency import IDEMPOTENCY_HELP, idempotent

EVENT_TYPE = re.compile(r"^[a-z0-9][a-z0-9_.:-]{0,99}$")
MAX_VALUE = Decimal("1e15")


def _event_type(value: str) -> str:
    if not EVENT_TYPE.match(value):
        raise PydanticCustomError(
            "invalid_format", "Lower-case letters, digits and _ . : - (e.g. order.placed), at most 100."
        )
    return value


class IngestEvent(ApiModel):
    """Body of `POST /api/v1/pipelines/events` and GraphQL `EventInput`."""

    email: EmailAddress
    event_type: Annotated[str, AfterValidator(_event_type)]
    value: Optional[Decimal] = Field(default=None, allow_inf_nan=False)
    currency: Optional[CurrencyCode] = None
    properties: Optional[JsonObject] = None
    occurred_at: Optional[datetime] = None

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
    status: str


async def ingest_event(principal: Principal, data: IngestEvent, idempotency_key: str | None = None) -> IngestResult:
    async def run() -> tuple[IngestResult, int]:
        return await _ingest(principal, data), 202

    return (await idempotent(principal, idempotency_key, "events.ingest", data, run, IngestResult)).result


async def _ingest(principal: Principal, data: IngestEvent) -> IngestResult:
    contact, _ = await find_or_create_contact(principal.organization_id, data.email)
    occurred = data.occurred_at or datetime.now(timezone.utc)
    if occurred.tzinfo is None:
        occurred = occurred.replace(tzinfo=timezone.utc)
    event = await Event.create(
        organization_id=principal.organization_id,
        contact_id=contact.id,
        event_type=data.event_type,
        value=data.value,
        currency=data.currency,
        properties=data.properties or {},
        occurred_at=occurred,
    )
    return IngestResult(event_id=event.id, status="accepted")


# ----------------------------------------------------------------------------- GraphQL


@strawberry.experimental.pydantic.input(model=IngestEvent, name="EventInput")
class EventInput:
    email: strawberry.auto
    event_type: strawberry.auto
    value: Optional[Decimal] = None
    currency: Optional[str] = None
    properties: Optional[JSON] = None
    occurred_at: Optional[datetime] = None
    idempotency_key: Optional[str] = strawberry.field(default=None, description=IDEMPOTENCY_HELP)


@strawberry.type
class IngestEventPayload:
    event_id: Optional[strawberry.ID]
    status: Optional[str]
    user_errors: list[UserError]


@strawberry.type
class EventMutations:
    @strawberry.mutation
    async def ingest_event(self, info: strawberry.Info, input: EventInput) -> IngestEventPayload:
        try:
            result = await ingest_event(info.context["principal"], validated(input, IngestEvent), input.idempotency_key)
        except ApiError as error:
            return IngestEventPayload(event_id=None, status=None, user_errors=user_errors(error))
        return IngestEventPayload(event_id=result.event_id, status=result.status, user_errors=[])
