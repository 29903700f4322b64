"""One error type for every surface: REST renders it as `{"error": …}`, GraphQL as
`userErrors` (or a top-level error for auth and rate limits)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class ErrorCode(str, Enum):
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    VALIDATION_ERROR = "validation_error"
    INVALID_JSON = "invalid_json"
    RATE_LIMITED = "rate_limited"
    INTERNAL = "internal"
    TIMEOUT = "timeout"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    DOMAIN_NOT_VERIFIED = "domain_not_verified"
    UNAVAILABLE = "unavailable"


STATUS = {
    ErrorCode.UNAUTHORIZED: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.CONFLICT: 409,
    ErrorCode.PAYLOAD_TOO_LARGE: 413,
    ErrorCode.VALIDATION_ERROR: 422,
    ErrorCode.INVALID_JSON: 400,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.INTERNAL: 500,
    ErrorCode.TIMEOUT: 504,
    ErrorCode.METHOD_NOT_ALLOWED: 405,
    ErrorCode.DOMAIN_NOT_VERIFIED: 422,
    ErrorCode.UNAVAILABLE: 503,
}


@dataclass
class FieldError:
    field: str | None
    message: str
    code: str

    def as_dict(self) -> dict:
        return {"field": self.field, "message": self.message, "code": self.code}


@dataclass
class ApiError(Exception):
    code: ErrorCode
    message: str
    details: list[FieldError] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def status(self) -> int:
        return STATUS[self.code]

    def body(self, request_id: str | None = None) -> dict:
        error: dict = {
            "code": self.code.value,
            "message": self.message,
            "details": [d.as_dict() for d in self.details],
        }
        if request_id and self.code is ErrorCode.INTERNAL:
            error["requestId"] = request_id
        return {"error": error}


def payload_for(path: str, error: ApiError, request_id: str | None) -> dict:
    """The response body for `error`: GraphQL-shaped on /graphql, the REST envelope elsewhere."""
    if path.rstrip("/") == "/graphql":
        return {"data": None, "errors": [{"message": error.message, "extensions": {"code": error.code.value}}]}
    return error.body(request_id)


def not_found(what: str) -> ApiError:
    return ApiError(ErrorCode.NOT_FOUND, f"{what} not found.")


def invalid(field_name: str | None, message: str, code: str = "invalid") -> ApiError:
    return ApiError(
        ErrorCode.VALIDATION_ERROR,
        f"{field_name}: {message}" if field_name else message,
        [FieldError(field_name, message, code)],
    )


def from_pydantic(errors: list[dict], *, skip_root: tuple[str, ...] = ()) -> ApiError:
    """Turn pydantic/FastAPI validation errors into our shape, with camelCase dotted fields.

    `skip_root`: location roots to drop (FastAPI starts a body error's location with "body");
    only the first element is one, so a field that is itself named `body` keeps its name."""
    details = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ())]
        if loc and loc[0] in skip_root:
            loc = loc[1:]
        # Unions add the member type name to the location; it means nothing to a user.
        loc = [p for p in loc if p not in ("str", "list[str]")]
        message = str(err.get("msg", "Invalid value."))
        message = message.removeprefix("Value error, ")
        code = _code_for(err.get("type", ""))
        # Whole-model checks name their field in the error's context.
        field_name = ".".join(loc) or (err.get("ctx") or {}).get("field")
        details.append(FieldError(field_name, message, code))
    return ApiError(ErrorCode.VALIDATION_ERROR, "The request is invalid.", details)


# Codes our own validators raise (pydantic's PydanticCustomError carries them as the type).
CUSTOM_CODES = frozenset(
    {"invalid_email", "header_injection", "template_error", "invalid_currency", "too_many",
     "too_precise", "invalid_format", "too_large", "reserved_header", "too_late", "invalid_url", "blocked_address"}
)


def _code_for(pydantic_type: str) -> str:
    if pydantic_type in CUSTOM_CODES:
        return pydantic_type
    if pydantic_type == "missing":
        return "required"
    if pydantic_type in ("string_too_long", "too_long"):
        return "too_long"
    if pydantic_type in ("string_too_short", "too_short"):
        return "too_short"
    if pydantic_type == "extra_forbidden":
        return "unknown_field"
    if pydantic_type.endswith("_type") or pydantic_type.endswith("_parsing"):
        return "invalid_type"
    return "invalid"
