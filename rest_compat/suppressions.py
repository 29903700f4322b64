from fastapi import Path, Query, Response

from app.core.validation import EMAIL_SCHEMA
from rest_compat.common import (
    IDEMPOTENT,
    Caller,
    ErrorEnvelope,
    IdempotencyKey,
    ListEnvelope,
    cursor_query,
    feature_router,
    limit_query,
    live_only,
    one_of,
)
from schema.suppressions.resolvers import (
    SuppressionAdd,
    SuppressionReason,
    SuppressionView,
    add_suppression,
    get_suppression,
    list_suppressions,
    remove_suppression,
)

router = feature_router("/suppressions", "suppressions")

NOT_FOUND = {
    404: {
        "model": ErrorEnvelope,
        "description": "Your organization does not suppress this address",
        "content": {
            "application/json": {
                "example": {"error": {"code": "not_found", "message": "Suppression not found.", "details": []}}
            }
        },
    }
}
# `:path` so that an address with a `/` in its local part (sent as `%2F`) still matches.
EMAIL = Path(
    description="The address, URL-encoded (`jane%40example.com`; `+` may be sent as is or as `%2B`). "
    "Matched case-insensitively; a value that is not an address is a 422.",
    json_schema_extra={**EMAIL_SCHEMA, "examples": ["jane@example.com"]},
)


class SuppressionList(ListEnvelope[SuppressionView]):
    pass


@router.post(
    "",
    operation_id="addSuppression",
    response_model=SuppressionView,
    status_code=201,
    summary="Suppress an address",
    description="Adds the address to your organization's suppression list (201): no email is sent to it "
    "any more. `reason` is `unsubscribed`, `bounced`, `complained` or `manual` (the default). "
    "Adding an address that is already suppressed returns the existing entry unchanged (200).",
    responses={200: {"model": SuppressionView, "description": "The address was already suppressed"}, **IDEMPOTENT},
)
async def add(
    body: SuppressionAdd, caller: Caller, response: Response, idempotency_key: IdempotencyKey = None
) -> SuppressionView:
    view, created = await add_suppression(caller, body, idempotency_key)
    response.status_code = 201 if created else 200
    return view


@router.get(
    "",
    operation_id="listSuppressions",
    response_model=SuppressionList,
    summary="List suppressed addresses",
    description="Newest first, cursor-paginated.",
)
async def list_(
    caller: Caller,
    limit: int = limit_query(),
    cursor: str = cursor_query(),
    reason: str = one_of(SuppressionReason, description="Only entries with this reason"),
    email: str = Query(None, description="Case-insensitive substring of the address"),
) -> SuppressionList:
    page = await list_suppressions(caller, limit, cursor, reason, email, size_field="limit", cursor_field="cursor")
    return SuppressionList.of(page)


@router.get(
    "/{email:path}",
    operation_id="getSuppression",
    response_model=SuppressionView,
    summary="Get the suppression of an address",
    description="404 when your organization does not suppress the address.",
    responses=NOT_FOUND,
)
async def get(caller: Caller, email: str = EMAIL) -> SuppressionView:
    return await get_suppression(caller, email)


@router.delete(
    "/{email:path}",
    operation_id="removeSuppression",
    response_model=SuppressionView,
    summary="Stop suppressing an address",
    description="Removes the address from your organization's suppression list and returns the removed "
    "entry; 404 when it was not suppressed. A test key cannot remove a suppression (403).",
    responses={**NOT_FOUND, **live_only("suppression")},
)
async def remove(caller: Caller, email: str = EMAIL) -> SuppressionView:
    return await remove_suppression(caller, email)
