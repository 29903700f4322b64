"""Pieces every feature's schema uses: user errors, input validation, cursors, pages."""

from __future__ import annotations

import base64
import binascii
import dataclasses
from dataclasses import dataclass
from typing import Any, Callable, Generic, TypeVar

import strawberry
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from pydantic_core import PydanticCustomError
from pydantic.alias_generators import to_camel
from strawberry.experimental.pydantic.conversion import convert_strawberry_class_to_pydantic_model

from app.core.errors import ApiError, from_pydantic, invalid
from app.core.ids import looks_like_any

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

MAX_PAGE = 100


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class ApiModel(BaseModel):
    """Base for inputs and outputs: camelCase on the wire, unknown fields refused, and no
    U+0000 anywhere (PostgreSQL text and JSONB cannot store it: it would be a 500)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
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


@strawberry.type(description="A problem with the input; `code` is one of the REST error codes.")
class UserError:
    field: str | None
    message: str
    code: str


def user_errors(error: ApiError) -> list[UserError]:
    if not error.details:
        return [UserError(field=None, message=error.message, code=error.code.value)]
    return [UserError(field=d.field, message=d.message, code=error.code.value) for d in error.details]


# Input fields that steer the request or name its target rather than describe the object
# (REST takes them as a header or from the path), so they are not part of the Pydantic model.
REQUEST_OPTIONS = frozenset({"idempotency_key", "id"})


def validated(strawberry_input, model: type[M]) -> M:
    """Validate a GraphQL input with the same Pydantic model REST uses; raise ApiError."""
    try:
        fields = {
            f.name: convert_strawberry_class_to_pydantic_model(getattr(strawberry_input, f.name))
            for f in dataclasses.fields(strawberry_input)
            # UNSET (left out) stays out, so partial updates see only what was given.
            if f.name not in REQUEST_OPTIONS and getattr(strawberry_input, f.name) is not strawberry.UNSET
        }
        return model(**fields)
    except ValidationError as exc:
        raise from_pydantic(_with_aliases(model, exc.errors())) from None


def _with_aliases(model: type[BaseModel], errors: list) -> list[dict]:
    """GraphQL validation reports Python field names; show the camelCase names users typed."""
    fields = model.model_fields
    out = []
    for err in errors:
        loc = list(err.get("loc", ()))
        if loc and loc[0] in fields:
            loc[0] = fields[loc[0]].alias or loc[0]
        out.append({**err, "loc": tuple(loc)})
    return out


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


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo



def connection(page: Page, node: Callable[[Any], T]) -> Connection[T]:
    """A Relay connection over a page of views (each with an `id`), nodes made by `node`."""
    edges = [Edge(cursor=encode_cursor(item.id), node=node(item)) for item in page.items]
    return Connection(
        edges=edges,
        page_info=PageInfo(has_next_page=page.has_more, end_cursor=edges[-1].cursor if edges else None),
    )
