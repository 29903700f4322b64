"""GraphQL pieces every feature's types use: user errors, input validation with the REST
models, Relay connections."""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Generic, TypeVar

import strawberry
from pydantic import BaseModel, ValidationError
from strawberry.experimental.pydantic.conversion import convert_strawberry_class_to_pydantic_model

from app.core.errors import ApiError, from_pydantic
from schema.contracts import Page, encode_cursor

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


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
