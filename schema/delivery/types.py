"""GraphQL types and fields of delivery: each a few lines calling schema/delivery/resolvers.py."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Optional

import strawberry
from pydantic import Field
from strawberry.scalars import JSON

from app.core.errors import ApiError, invalid
from models.delivery import MessageStatus
from schema.delivery.resolvers import (
    UNSUBSCRIBE_HELP,
    SendBatchItem,
    SendBatchItemStatus,
    SendEmail,
    send_batch,
    send_email,
)
from schema.graphql_common import (
    GraphQLInput,
    UserError,
    as_received,
    detail_errors,
    graphql_enum,
    user_errors,
    validated,
)
from schema.idempotency.resolvers import IDEMPOTENCY_HELP
from schema.tracking.resolvers import TrackingChoice

# The enums of the REST contracts, with the same values (member names are the wire values).
graphql_enum(MessageStatus, "MessageStatus", "A message's status, in the order of its life.")
graphql_enum(SendBatchItemStatus, "SendBatchItemStatus", "What became of one message of a batch.")

RECIPIENTS_HELP = "Addresses (`jane@example.com`) or names and addresses (`Jane Doe <jane@example.com>`)."


@strawberry.pydantic.input(name="AttachmentInput")
class AttachmentInput(GraphQLInput):
    filename: str
    content: Annotated[str, strawberry.field(description="The file, base64-encoded.")]
    content_type: Optional[str] = "application/octet-stream"


@strawberry.pydantic.input(name="TrackingInput")
class TrackingInput(GraphQLInput):
    opens: Annotated[Optional[bool], strawberry.field(description=TrackingChoice.model_fields["opens"].description)] = None
    clicks: Annotated[Optional[bool], strawberry.field(description=TrackingChoice.model_fields["clicks"].description)] = None


@as_received  # the hot path: the REST model checks it, once
@strawberry.pydantic.input(name="SendEmailInput")
class SendEmailInput(GraphQLInput):
    to: Annotated[list[str], strawberry.field(description=RECIPIENTS_HELP)]
    cc: Annotated[Optional[list[str]], strawberry.field(description=RECIPIENTS_HELP)] = None
    bcc: Annotated[Optional[list[str]], strawberry.field(description=RECIPIENTS_HELP)] = None
    reply_to: Annotated[Optional[list[str]], strawberry.field(description=RECIPIENTS_HELP)] = None
    from_: Annotated[str, strawberry.field(name="from")] = Field(alias="from")
    subject: str
    html: Optional[str] = None
    text: Optional[str] = None
    variables: Optional[JSON] = None
    headers: Optional[JSON] = None
    attachments: Optional[list[AttachmentInput]] = None
    tags: Optional[list[str]] = None
    metadata: Optional[JSON] = None
    send_at: Annotated[Optional[datetime], strawberry.field(description=SendEmail.model_fields["send_at"].description)] = None
    unsubscribe: Annotated[Optional[bool], strawberry.field(description=UNSUBSCRIBE_HELP)] = False
    tracking: Annotated[Optional[TrackingInput], strawberry.field(description=SendEmail.model_fields["tracking"].description)] = None
    idempotency_key: Annotated[Optional[str], strawberry.field(description=IDEMPOTENCY_HELP)] = None


@strawberry.input(name="SendEmailBatchInput")
class SendEmailBatchInput:
    messages: list[SendEmailInput]
    idempotency_key: Optional[str] = strawberry.field(default=None, description=IDEMPOTENCY_HELP)


@strawberry.type
class SendEmailPayload:
    message_id: Optional[strawberry.ID]
    status: Optional[MessageStatus]
    user_errors: list[UserError]


@strawberry.type
class BatchItemPayload:
    index: int
    message_id: Optional[strawberry.ID]
    status: SendBatchItemStatus
    user_errors: list[UserError]


@strawberry.type
class SendEmailBatchPayload:
    accepted: int
    rejected: int
    results: list[BatchItemPayload]
    user_errors: list[UserError]


def _graphql_item(index: int, item: SendEmailInput) -> SendEmail | ApiError:
    """One message of a GraphQL batch, validated alone; fields named like REST's."""
    try:
        if item.idempotency_key is not None:
            raise invalid("idempotencyKey", "Give the key on the batch, not on its messages.")
        return validated(item, SendEmail)
    except ApiError as error:
        for detail in error.details:
            detail.field = f"messages.{index}" + (f".{detail.field}" if detail.field else "")
        return error


def _item_errors(item: SendBatchItem) -> list[UserError]:
    if item.error is None:
        return []
    return detail_errors(item.error.code, item.error.message, item.error.details)


@strawberry.type
class DeliveryMutations:
    @strawberry.mutation
    async def send_email(self, info: strawberry.Info, input: SendEmailInput) -> SendEmailPayload:
        try:
            result = await send_email(info.context["principal"], validated(input, SendEmail), input.idempotency_key,
                                      verified_domains=info.context["settings"].verified_domains_required)
        except ApiError as error:
            return SendEmailPayload(message_id=None, status=None, user_errors=user_errors(error))
        return SendEmailPayload(message_id=result.message_id, status=result.status, user_errors=[])

    @strawberry.mutation(description="Queue up to 100 messages; each is validated on its own.")
    async def send_email_batch(self, info: strawberry.Info, input: SendEmailBatchInput) -> SendEmailBatchPayload:
        items = [_graphql_item(i, m) for i, m in enumerate(input.messages)]
        try:
            result = await send_batch(info.context["principal"], items, input.idempotency_key,
                                      verified_domains=info.context["settings"].verified_domains_required)
        except ApiError as error:
            return SendEmailBatchPayload(accepted=0, rejected=0, results=[], user_errors=user_errors(error))
        results = [
            BatchItemPayload(index=r.index, message_id=r.message_id, status=r.status, user_errors=_item_errors(r))
            for r in result.data
        ]
        return SendEmailBatchPayload(accepted=result.accepted, rejected=result.rejected, results=results, user_errors=[])
