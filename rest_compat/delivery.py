from datetime import datetime
from typing import Optional

from fastapi import Query

from rest_compat.common import IDEMPOTENT, NOT_FOUND, Caller, IdempotencyKey, ListEnvelope, error_response, feature_router, live_only
from schema.delivery.resolvers import BatchResult, BatchSend, SendEmail, SendResult, parse_batch_item, send_batch, send_email
from schema.messages.resolvers import MessageView, cancel_message, get_message, list_messages

router = feature_router("/delivery", "delivery")

CONFLICT = {
    409: error_response(
        "The message is past canceling, or the Idempotency-Key was used with another request",
        "conflict",
        "The message is `sent`; only queued or deferred messages can be canceled.",
    )
}


class MessageList(ListEnvelope[MessageView]):
    pass


@router.post(
    "/send",
    response_model=SendResult,
    status_code=202,
    summary="Send a transactional email",
    description="Validates and renders the message and queues it; the worker delivers it (at `sendAt` when "
    "given). `{{firstName}}`-style variables in `subject`, `html` and `text` are filled from your contact "
    "with the `to` address and from `variables` (which wins); values are HTML-escaped in `html`.",
    responses={202: {"content": {"application/json": {"example": {"messageId": "msg_1a2b3c", "status": "queued"}}}}, **IDEMPOTENT},
)
async def send(body: SendEmail, caller: Caller, idempotency_key: IdempotencyKey = None) -> SendResult:
    return await send_email(caller, body, idempotency_key)


@router.post(
    "/batch",
    response_model=BatchResult,
    summary="Send up to 100 emails",
    description="Each message is validated on its own: valid ones are queued, invalid ones come back with "
    "their `error` (same shape as a single send's error); `accepted`/`rejected` count them.",
    responses=IDEMPOTENT,
)
async def batch(body: BatchSend, caller: Caller, idempotency_key: IdempotencyKey = None) -> BatchResult:
    items = [parse_batch_item(i, raw) for i, raw in enumerate(body.messages)]
    return await send_batch(caller, items, idempotency_key)


@router.get("/messages", response_model=MessageList, summary="List messages", description="Newest first, cursor-paginated.")
async def list_(
    caller: Caller,
    limit: int = Query(50, description="1 to 100"),
    cursor: Optional[str] = Query(None, description="`nextCursor` from the previous page"),
    status: Optional[str] = Query(None, description="queued, sending, sent, deferred, failed, suppressed or canceled"),
    to: Optional[str] = Query(None, description="Only messages to this address"),
    tag: Optional[str] = Query(None, description="Only messages with this tag"),
    since: Optional[datetime] = Query(None, description="Created at or after (ISO 8601 with a time zone)"),
    until: Optional[datetime] = Query(None, description="Created before (ISO 8601 with a time zone)"),
) -> MessageList:
    page = await list_messages(
        caller, limit, cursor, status=status, to=to, tag=tag, since=since, until=until,
        size_field="limit", cursor_field="cursor",
    )
    return MessageList.of(page)


@router.get(
    "/messages/{message_id}", response_model=MessageView, summary="Get a message and its timeline", responses=NOT_FOUND
)
async def get(message_id: str, caller: Caller) -> MessageView:
    return await get_message(caller, message_id)


@router.post(
    "/messages/{message_id}/cancel",
    response_model=MessageView,
    summary="Cancel a queued or deferred message",
    description="A test key (et_test_…) cancels only sandbox messages.",
    responses={**NOT_FOUND, **live_only("message"), **CONFLICT},
)
async def cancel(message_id: str, caller: Caller, idempotency_key: IdempotencyKey = None) -> MessageView:
    return await cancel_message(caller, message_id, idempotency_key)
