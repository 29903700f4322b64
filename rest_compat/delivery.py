from rest_compat.common import NOT_FOUND, Caller, feature_router
from schema.delivery import MessageView, SendEmail, SendResult, get_message, send_email

router = feature_router("/delivery", "delivery")


@router.post(
    "/send",
    response_model=SendResult,
    status_code=202,
    summary="Send a transactional email",
    description="Validates and renders the message and queues it. `{{firstName}}`-style variables in "
    "`subject`, `html` and `text` are filled from your contact with the `to` address and from "
    "`variables` (which wins); values are HTML-escaped in `html`.",
    responses={202: {"content": {"application/json": {"example": {"messageId": "msg_1a2b3c", "status": "queued"}}}}},
)
async def send(body: SendEmail, caller: Caller) -> SendResult:
    return await send_email(caller, body)


@router.get("/messages/{message_id}", response_model=MessageView, summary="Get a message", responses=NOT_FOUND)
async def get(message_id: str, caller: Caller) -> MessageView:
    return await get_message(caller, message_id)
