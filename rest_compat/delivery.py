from models.delivery import MessageStatus
from rest_compat.common import (
    IDEMPOTENT,
    NOT_FOUND,
    Caller,
    IdempotencyKey,
    ListEnvelope,
    ServerSettings,
    cursor_query,
    error_response,
    feature_router,
    limit_query,
    live_only,
    one_of,
    path_id,
    text_query,
    time_query,
)
from schema.delivery.resolvers import (
    BatchSend,
    SendBatchResult,
    SendEmail,
    SendResult,
    parse_batch_item,
    send_batch,
    send_email,
)
from schema.messages.resolvers import MessageView, cancel_message, get_message, list_messages

router = feature_router("/delivery", "delivery")

CONFLICT = {
    409: error_response(
        "The message is past canceling, or the Idempotency-Key was used with another request",
        "conflict",
        "The message is `sent`; only queued or deferred messages can be canceled.",
    )
}
MESSAGE_ID = path_id("message")


class MessageList(ListEnvelope[MessageView]):
    pass


@router.post(
    "/send",
    operation_id="sendEmail",
    response_model=SendResult,
    status_code=202,
    summary="Send a transactional email",
    description="Validates and renders the message and queues it; the worker delivers it (at `sendAt` when "
    "given). `{{firstName}}`-style variables in `subject`, `html` and `text` are filled from your contact "
    "with the `to` address and from `variables` (which wins); values are HTML-escaped in `html`. "
    "At most 50 recipients across `to`, `cc` and `bcc`; attachments total at most 10 MiB.",
    responses={202: {"content": {"application/json": {"example": {"messageId": "msg_1a2b3c", "status": "queued"}}}}, **IDEMPOTENT},
)
async def send(body: SendEmail, caller: Caller, settings: ServerSettings,
               idempotency_key: IdempotencyKey = None) -> SendResult:
    return await send_email(caller, body, idempotency_key, verified_domains=settings.verified_domains_required)


@router.post(
    "/batch",
    operation_id="sendEmailBatch",
    response_model=SendBatchResult,
    summary="Send up to 100 emails",
    description="Each message is validated on its own: valid ones are queued, invalid ones come back with "
    "their `error` (same shape as a single send's error); `accepted`/`rejected` count them.",
    responses=IDEMPOTENT,
)
async def batch(body: BatchSend, caller: Caller, settings: ServerSettings,
                idempotency_key: IdempotencyKey = None) -> SendBatchResult:
    items = [parse_batch_item(i, raw) for i, raw in enumerate(body.messages)]
    return await send_batch(caller, items, idempotency_key, verified_domains=settings.verified_domains_required)


@router.get(
    "/messages", operation_id="listMessages", response_model=MessageList, summary="List messages",
    description="Newest first, cursor-paginated.",
)
async def list_(
    caller: Caller,
    limit: int = limit_query(),
    cursor: str = cursor_query(),
    status: str = one_of(MessageStatus, description="Only messages with this status"),
    to: str = text_query(320, "Only messages to this address (any case)"),
    tag: str = text_query(100, "Only messages with this tag"),
    since: time_query("Created at or after (ISO 8601 with a time zone)") = None,
    until: time_query("Created before (ISO 8601 with a time zone)") = None,
) -> MessageList:
    page = await list_messages(
        caller, limit, cursor, status=status, to=to, tag=tag, since=since, until=until,
        size_field="limit", cursor_field="cursor",
    )
    return MessageList.of(page)


@router.get(
    "/messages/{message_id}", operation_id="getMessage", response_model=MessageView,
    summary="Get a message and its timeline", responses=NOT_FOUND,
)
async def get(caller: Caller, message_id: str = MESSAGE_ID) -> MessageView:
    return await get_message(caller, message_id)


@router.post(
    "/messages/{message_id}/cancel",
    operation_id="cancelMessage",
    response_model=MessageView,
    summary="Cancel a queued or deferred message",
    description="A test key (et_test_…) cancels only sandbox messages.",
    responses={**NOT_FOUND, **live_only("message"), **CONFLICT},
)
async def cancel(caller: Caller, message_id: str = MESSAGE_ID, idempotency_key: IdempotencyKey = None) -> MessageView:
    return await cancel_message(caller, message_id, idempotency_key)
