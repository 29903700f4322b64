"""What every feature's contracts use: the base input and output models, cursors and pages,
length checks. No GraphQL here: resolvers import it without loading Strawberry."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from app.core.errors import invalid
from app.core.ids import looks_like_any

T = TypeVar("T")


MAX_PAGE = 100
# Validation context key: the input was checked for NUL as a whole (e.g. a batch's envelope).
NUL_CHECKED = "nul_checked"


def _has_nul(value: Any) -> bool:
    # Every field of every input goes through here (an event batch: ~10 calls an event), so
    # the exact built-in types are tested first and loops stand in for any(generator).
    kind = type(value)
    if kind is str:
        return "\x00" in value
    if kind is dict or (kind is not list and isinstance(value, dict)):
        for key, item in value.items():
            if _has_nul(key) or _has_nul(item):
                return True
        return False
    if kind is list or isinstance(value, list):
        for item in value:
            if _has_nul(item):
                return True
        return False
    return isinstance(value, str) and "\x00" in value


class ApiModel(BaseModel):
    """Base for inputs and outputs: camelCase on the wire, unknown fields refused, and no
    U+0000 anywhere (PostgreSQL text and JSONB cannot store it: it would be a 500)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any, info: ValidationInfo) -> Any:
        if info.context is not None and info.context.get(NUL_CHECKED):
            return value  # the caller has walked the whole input already
        if _has_nul(value):
            raise PydanticCustomError("invalid_format", "NUL characters (U+0000) are not allowed.")
        return value


class ViewModel(BaseModel):
    """Base for outputs built from stored rows: camelCase on the wire like ApiModel, without
    the input checks (an hourly month of event analytics builds ~15,000 of them)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class BatchItemError(ApiModel):
    """Why one item of a batch (send or events) was rejected: the REST error body's shape."""

    code: str
    message: str
    details: list[dict[str, Any]]


def encode_cursor(last_id: str) -> str:
    return base64.urlsafe_b64encode(last_id.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, field: str = "after") -> str | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        last_id = base64.b64decode(padded, altchars=b"-_", validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        last_id = ""
    if not looks_like_any(last_id):
        raise invalid(field, "Not a cursor returned by this API.", "invalid_format")
    return last_id


def fits(value: str, model: type, column: str) -> bool:
    """True if `value` is no longer than `model.column` (a longer one can match no row, and
    PostgreSQL refuses it as a parameter: a 500 unless checked first)."""
    return len(value) <= model._meta.fields_map[column].max_length


def check_fits(field: str, value: str | None, model: type, column: str) -> str | None:
    """A filter value compared with `model.column`: 422 `too_long` naming `field` if it is longer."""
    if value is not None and not fits(value, model, column):
        limit = model._meta.fields_map[column].max_length
        raise invalid(field, f"At most {limit} characters.", "too_long")
    return value


def check_page_size(first: int, field: str = "first") -> int:
    if first < 1 or first > MAX_PAGE:
        raise invalid(field, f"Must be between 1 and {MAX_PAGE}.", "invalid")
    return first


@dataclass
class Page(Generic[T]):
    items: list[T]
    has_more: bool
    next_cursor: str | None

    @classmethod
    def of(cls, items: list[T], has_more: bool) -> "Page[T]":
        """A page of items (each with an `id`); the cursor is the last one's when more follow."""
        return cls(items, has_more, encode_cursor(items[-1].id) if items and has_more else None)
