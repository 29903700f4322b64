"""GraphQL pieces every feature's types use: user errors, input validation with the REST
models, Relay connections."""

from __future__ import annotations

from enum import Enum
from typing import Any, Generic, TypeVar

import strawberry
from strawberry.types.enum import has_enum_definition
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_serializer
from pydantic.alias_generators import to_camel

from app.core.errors import ApiError, from_pydantic
from schema.contracts import Page, encode_cursor

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
E = TypeVar("E", bound=type[Enum])


def graphql_enum(enum: E, name: str, description: str | None = None) -> E:
    """Register a contract's enum (defined once, beside its model or resolver) as a GraphQL enum;
    several features may show the same one, so a second registration is a no-op."""
    if not has_enum_definition(enum):
        strawberry.enum(enum, name=name, description=description)
    return enum


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

    # Dumped with REST's camelCase names, so errors name fields as REST does at every depth.
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    @model_serializer(mode="wrap")
    def _without_default_nulls(self, handler):
        # A field whose GraphQL default is null cannot tell "left out" from null (GraphQL fills
        # in the default), so its null means "not given" and the REST model's default applies.
        # Fields defaulting to UNSET have no GraphQL default: there null is a value (clear it).
        data = handler(self)
        for name, field in type(self).model_fields.items():
            if field.default is None and getattr(self, name) is None:
                data.pop(field.alias or name, None)
                data.pop(name, None)
        return data


def validated(graphql_input: GraphQLInput, model: type[M]) -> M:
    """Validate a GraphQL input with the same Pydantic model REST uses; raise ApiError."""
    # Fields left out stay out (exclude_unset), so partial updates see only what was given.
    given = graphql_input.model_dump(by_alias=True, exclude_unset=True, exclude=REQUEST_OPTIONS)
    try:
        return model.model_validate(given)
    except ValidationError as exc:
        raise from_pydantic(exc.errors()) from None


def as_in(model: type[BaseModel], name: str) -> Any:
    """The Field of `model.name` again, for a GraphQL type that narrows the field's type (an
    ID, JSON, a nested GraphQL type) without losing its description."""
    return Field(description=model.model_fields[name].description)


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
