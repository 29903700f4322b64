"""GraphQL types and fields of messages: each a few lines calling schema/messages/resolvers.py."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

import strawberry
from strawberry.scalars import JSON

from app.core.errors import ApiError
from schema.graphql_common import Connection, UserError, connection, user_errors
from schema.idempotency.resolvers import IDEMPOTENCY_HELP
from schema.messages.resolvers import (
    AttachmentInfo,
    MessageView,
    TimelineEvent,
    cancel_message,
    get_message,
    list_messages,
)

@strawberry.experimental.pydantic.type(model=TimelineEvent, name="MessageEvent", all_fields=True)
class TimelineEventType:
    pass


@strawberry.experimental.pydantic.type(model=AttachmentInfo, name="AttachmentInfo", all_fields=True)
class AttachmentInfoType:
    pass


@strawberry.experimental.pydantic.type(model=MessageView, name="Message", description="An email and its timeline.")
class MessageType:
    id: strawberry.ID
    status: strawberry.auto
    to: strawberry.auto
    cc: strawberry.auto
    bcc: strawberry.auto
    reply_to: strawberry.auto
    from_: str = strawberry.field(name="from")
    subject: strawberry.auto
    html: strawberry.auto
    text: strawberry.auto
    headers: JSON
    attachments: strawberry.auto
    tags: strawberry.auto
    metadata: JSON
    sandbox: strawberry.auto
    message_id_header: strawberry.auto
    send_at: strawberry.auto
    attempts: strawberry.auto
    last_reply: strawberry.auto
    sent_at: strawberry.auto
    created_at: strawberry.auto
    updated_at: strawberry.auto
    events: strawberry.auto


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
            return MessageType.from_pydantic(await get_message(info.context["principal"], id))
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
        return connection(page, MessageType.from_pydantic)


@strawberry.type
class MessageMutations:
    @strawberry.mutation
    async def cancel_message(self, info: strawberry.Info, input: CancelMessageInput) -> CancelMessagePayload:
        try:
            view = await cancel_message(info.context["principal"], input.id, input.idempotency_key)
        except ApiError as error:
            return CancelMessagePayload(message=None, user_errors=user_errors(error))
        return CancelMessagePayload(message=MessageType.from_pydantic(view), user_errors=[])
