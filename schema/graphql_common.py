"""GraphQL pieces every feature's types use: user errors, input validation with the REST
models, Relay connections."""

from __future__ import annotations

from typing import Generic, TypeVar

import strawberry
from pydantic import BaseModel, ValidationError

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


class GraphQLInput(BaseModel):
    """Base of GraphQL inputs (`@strawberry.pydantic.input`): the shape only, so GraphQL's own
    type checks are all that runs while arguments are read. The rules live in the REST model
    the resolver takes, applied by `validated`, so a bad value comes back in the payload's
    `userErrors` (with the field and the REST error code) rather than as a top-level error."""


def validated(graphql_input: BaseModel, model: type[M]) -> M:
    """Validate a GraphQL input with the same Pydantic model REST uses; raise ApiError."""
    # Fields left out stay out (exclude_unset), so partial updates see only what was given.
    given = graphql_input.model_dump(exclude_unset=True, exclude=REQUEST_OPTIONS)
    try:
        return model.model_validate(given)
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


def connection(page: Page[T]) -> Connection[T]:
    """A Relay connection over a page of views (each with an `id`); the views are the nodes
    (each GraphQL node type is a `strawberry.pydantic.type` over its view)."""
    edges = [Edge(cursor=encode_cursor(item.id), node=item) for item in page.items]
    return Connection(
        edges=edges,
        page_info=PageInfo(has_next_page=page.has_more, end_cursor=edges[-1].cursor if edges else None),
    )
