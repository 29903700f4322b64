"""What every REST adapter shares: the caller dependency, the list envelope and the documented
error bodies."""

from typing import Annotated, Any, Generic, Optional, TypeVar

from fastapi import APIRouter, Depends, Header
from pydantic import BaseModel

from app.core.principal import Principal
from app.web.guard import GuardedRoute, current_principal
from schema.contracts import ApiModel, Page

# The authenticated caller (GuardedRoute has already checked the key and the budget).
Caller = Annotated[Principal, Depends(current_principal)]

T = TypeVar("T")


class ListEnvelope(ApiModel, Generic[T]):
    """Every REST list: `{"data": [...], "hasMore", "nextCursor"}` (Stripe-style). Each list
    subclasses it with its item type, so the OpenAPI schema keeps a readable name."""

    data: list[T]
    has_more: bool
    next_cursor: Optional[str]

    @classmethod
    def of(cls, page: Page) -> "ListEnvelope[T]":
        return cls(data=page.items, has_more=page.has_more, next_cursor=page.next_cursor)


def feature_router(prefix: str, tag: str) -> APIRouter:
    return APIRouter(prefix=prefix, tags=[tag], route_class=GuardedRoute)


class ErrorDetail(BaseModel):
    field: str | None
    message: str
    code: str


class ErrorBody(BaseModel):
    code: str
    message: str
    details: list[ErrorDetail]


class ErrorEnvelope(BaseModel):
    error: ErrorBody


def error_response(description: str, code: str, message: str) -> dict[str, Any]:
    return {
        "model": ErrorEnvelope,
        "description": description,
        "content": {"application/json": {"example": {"error": {"code": code, "message": message, "details": []}}}},
    }


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: error_response("Malformed JSON", "invalid_json", "The request body is not valid JSON."),
    401: error_response("Missing, malformed, unknown or revoked API key", "unauthorized", "Unknown or revoked API key."),
    413: error_response("Request body over 1 MiB (16 MiB for /delivery)", "payload_too_large", "Request body exceeds 1048576 bytes."),
    422: error_response("Invalid input", "validation_error", "The request is invalid."),
    429: error_response("Rate limit exceeded", "rate_limited", "Rate limit exceeded; retry after the reset."),
}
# Every POST takes an Idempotency-Key; reusing one with another body is a conflict.
IDEMPOTENT = {
    409: error_response(
        "Idempotency-Key reused with a different request", "conflict",
        "This Idempotency-Key was already used with a different request.",
    )
}
NOT_FOUND = {404: error_response("No such object in your organization", "not_found", "Contact not found.")}


def live_only(what: str) -> dict[int | str, dict[str, Any]]:
    """The 403 of a test key changing a live object: test mode cannot change live traffic."""
    return {
        403: error_response(
            f"A test key (et_test_…) changing a live {what}", "forbidden",
            f"A test key cannot change a live {what}; use a live key (et_live_…).",
        )
    }


# `Idempotency-Key` on every POST: a retry with the same key and body replays the first
# response for 24 hours; the same key with another body is 409 `conflict`.
IdempotencyKey = Annotated[
    Optional[str],
    Header(
        alias="Idempotency-Key",
        description="Any unique string (a UUID is ideal), at most 255 characters. Retrying with the same "
        "key and body replays the first response for 24 hours; another body gives 409 `conflict`.",
    ),
]
