"""GraphQL types and fields of messages: each a few lines calling schema/messages/resolvers.py."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Optional

import strawberry
from pydantic import Field
from strawberry.scalars import JSON

from app.core.errors import ApiError
from models.delivery import MessageStatus
from schema.graphql_common import Connection, Node, UserError, as_in, connection, graphql_enum, node_type, user_errors
from schema.idempotency.resolvers import IDEMPOTENCY_HELP
from schema.messages.resolvers import (
    AttachmentInfo,
    MessageView,
    RecipientKind,
    RecipientView,
    TimelineEvent,
    cancel_message,
    get_message,
    list_messages,
)
from schema.tracking.resolvers import Engagement

graphql_enum(MessageStatus, "MessageStatus", "A message's status, in the order of its life.")
graphql_enum(RecipientKind, "RecipientKind", "The field a recipient was given in.")


@strawberry.pydantic.type(name="MessageEvent")
class TimelineEventType(TimelineEvent):
    pass


@strawberry.pydantic.type(name="AttachmentInfo")
class AttachmentInfoType(AttachmentInfo):
    pass


@strawberry.pydantic.type(name="MessageRecipient", description="A recipient of a message and its name.")
class RecipientViewType(RecipientView):
    pass


@strawberry.pydantic.type(name="Engagement", description="Opens and clicks of a tracked message.")
class EngagementType(Engagement):
    pass


@node_type(MessageView, name="Message", description="An email and its timeline.")
class MessageType(MessageView, Node):
    id: strawberry.ID
    from_: Annotated[str, strawberry.field(name="from")] = Field(alias="from")
    headers: JSON
    attachments: list[AttachmentInfoType]
    recipients: list[RecipientViewType] = as_in(MessageView, "recipients")
    metadata: JSON
    events: list[TimelineEventType] = as_in(MessageView, "events")
    engagement: EngagementType = as_in(MessageView, "engagement")


@strawberry.input
class MessageFilter:
    status: Optional[str] = None
    to: Optional[str] = None
    tag: Optional[str] = None
    since: Optional[datetime] = None
    until: Optional[datetime] = None


@strawberry.input
class CancelMessageInput:
    id: strawberry.ID
    idempotency_key: Optional[str] = strawberry.field(default=None, description=IDEMPOTENCY_HELP)


@strawberry.type
class CancelMessagePayload:
    message: Optional[MessageType]
    user_errors: list[UserError]


@strawberry.type
class MessageQueries:
    @strawberry.field
    async def message(self, info: strawberry.Info, id: strawberry.ID) -> Optional[MessageType]:
        try:
            return await get_message(info.context["principal"], id)
        except ApiError:
            return None

    @strawberry.field
    async def messages(
        self,
        info: strawberry.Info,
        first: int = 50,
        after: Optional[str] = None,
        filter: Optional[MessageFilter] = None,
    ) -> Connection[MessageType]:
        f = filter or MessageFilter()
        page = await list_messages(
            info.context["principal"], first, after,
            status=f.status, to=f.to, tag=f.tag, since=f.since, until=f.until,
        )
        return connection(page, after)


@strawberry.type
class MessageMutations:
    @strawberry.mutation
    async def cancel_message(self, info: strawberry.Info, input: CancelMessageInput) -> CancelMessagePayload:
        try:
            view = await cancel_message(info.context["principal"], input.id, input.idempotency_key)
        except ApiError as error:
            return CancelMessagePayload(message=None, user_errors=user_errors(error))
        return CancelMessagePayload(message=view, user_errors=[])
