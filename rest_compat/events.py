from rest_compat.common import IDEMPOTENT, Caller, IdempotencyKey, feature_router
from schema.events import IngestEvent, IngestResult, ingest_event

router = feature_router("/pipelines", "pipelines")


@router.post(
    "/events",
    response_model=IngestResult,
    status_code=202,
    summary="Ingest a pipeline event",
    description="Stores the event against your contact with that email (created if absent). "
    "`currency` (ISO 4217) is required with `value`, which may not be more precise than the currency.",
    responses={202: {"content": {"application/json": {"example": {"eventId": "evt_1a2b3c", "status": "accepted"}}}}, **IDEMPOTENT},
)
async def ingest(body: IngestEvent, caller: Caller, idempotency_key: IdempotencyKey = None) -> IngestResult:
    return await ingest_event(caller, body, idempotency_key)
