"""What every REST adapter shares: the caller dependency, the list envelope and the documented
error bodies."""

from enum import Enum
from typing import Annotated, Any, Generic, Optional, TypeVar

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from pydantic import BaseModel, Field
from starlette.convertors import StringConvertor, register_url_convertor

from app.core.errors import ErrorCode
from app.core.ids import PREFIXES
from app.core.principal import Principal
from app.core.settings import Settings
from app.core.validation import IsoDateTime
from app.web.guard import GuardedRoute, current_principal, services_of
from schema.contracts import MAX_PAGE, ApiModel, Page

# The authenticated caller (GuardedRoute has already checked the key and the budget).
Caller = Annotated[Principal, Depends(current_principal)]


async def _settings(request: Request) -> Settings:  # async: a plain def would run in a thread
    return services_of(request).settings


# The server's settings, for resolvers that need them (links, keys, DNS).
ServerSettings = Annotated[Settings, Depends(_settings)]

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


class ContactIdConvertor(StringConvertor):
    """A `/contacts/{contact_id}` segment that is not one of the collection's own sub-paths, so
    `PATCH /contacts/import` is a 405 (only POST is there), not a PATCH of a contact `import`."""

    regex = "(?!(?:import|export)(?:/|$))[^/]+"


register_url_convertor("contact_id", ContactIdConvertor())


class ErrorDetail(BaseModel):
    field: str | None = Field(description="The field at fault: camelCase, dotted (`to.0`, `customFields`).")
    message: str
    code: str = Field(description="Finer than `error.code`: `required`, `invalid`, `too_long`, `invalid_email`, …")


class ErrorBody(BaseModel):
    code: ErrorCode
    message: str
    details: list[ErrorDetail]
    request_id: Optional[str] = Field(
        None, alias="requestId", description="On a 500 `internal` only: the request's `X-Request-Id`."
    )


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


# ---------------------------------------------------------------------------- parameters
# Declared as the resolvers check them (the resolvers do the checking, so a bad value is a 422
# naming the parameter, as it always was).


def id_pattern(kind: str) -> str:
    return f"^{PREFIXES[kind]}_[0-9a-z]{{25}}$"


def path_id(kind: str) -> Any:
    """A path ID: `<prefix>_` and 25 lower-case letters and digits; any other value is a 404."""
    example = f"{PREFIXES[kind]}_" + "0" * 7 + "1a2b3c4d5e6f7g8h9i0j"[:18]
    return Path(
        description=f"The {kind.replace('_', ' ')}'s ID (`{PREFIXES[kind]}_…`); any other value is a 404.",
        json_schema_extra={"pattern": id_pattern(kind), "examples": [example]},
    )


# A cursor is an ID, base64url-encoded without padding (38 to 40 characters); empty = first page.
CURSOR_PATTERN = "^(?:[A-Za-z0-9_-]{38,40})?$"


def limit_query(default: int = 50, maximum: int = MAX_PAGE) -> Any:
    return Query(default, description=f"1 to {maximum}", json_schema_extra={"minimum": 1, "maximum": maximum})


def cursor_query() -> Any:
    return Query(
        None, description="`nextCursor` from the previous page (only values the API returned are valid)",
        json_schema_extra={"pattern": CURSOR_PATTERN},
    )


def one_of(enum: type[Enum], default: Any = None, description: str | None = None) -> Any:
    """A query parameter taking one value of `enum` (checked by the resolver)."""
    return Query(default, description=description, json_schema_extra={"enum": [m.value for m in enum]})


def text_query(max_length: int, description: str | None = None, **kwargs: Any) -> Any:
    """A filter compared with a column of `max_length` characters (the resolver refuses longer)."""
    return Query(None, description=description, json_schema_extra={"maxLength": max_length}, **kwargs)


def time_query(description: str, alias: str | None = None) -> Any:
    """A time in a query: RFC 3339 text only (not a number: `0.5` is a 422); without a time zone it
    is a 422 naming the parameter. Used as the annotation (`since: time_query("…") = None`), as
    FastAPI drops an annotation's validators when the default is a `Query(…)`."""
    return Annotated[IsoDateTime, Query(alias=alias, description=description)]


# `Idempotency-Key` on every POST: a retry with the same key and body replays the first
# response for 24 hours; the same key with another body is 409 `conflict`.
IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        json_schema_extra={"minLength": 1, "maxLength": 255, "pattern": "^[ -~]*[!-~][ -~]*$"},
        description="Any unique string (a UUID is ideal), at most 255 characters. Retrying with the same "
        "key and body replays the first response for 24 hours; another body gives 409 `conflict`.",
    ),
]
