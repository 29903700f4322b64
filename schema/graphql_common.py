"""GraphQL pieces every feature's types use: user errors, input validation with the REST
models, Relay connections and the `Node` interface, the `Decimal` scalar for money."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any, Callable, Generic, NewType, TypeVar

import strawberry
from graphql import FloatValueNode, IntValueNode, StringValueNode, ValueNode
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_serializer
from pydantic.alias_generators import to_camel
from strawberry.types.enum import has_enum_definition
from strawberry.utils.str_converters import to_camel_case

from app.core.errors import ApiError, from_pydantic
from app.core.ids import PREFIXES
from schema.contracts import Page, encode_cursor

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
I = TypeVar("I", bound=BaseModel)
E = TypeVar("E", bound=type[Enum])


def graphql_enum(enum: E, name: str, description: str | None = None) -> E:
    """Register a contract's enum (defined once, beside its model or resolver) as a GraphQL enum;
    several features may show the same one, so a second registration is a no-op."""
    if not has_enum_definition(enum):
        strawberry.enum(enum, name=name, description=description)
    return enum


@strawberry.type(
    description="A problem with the input, as REST reports it: `field` and `code` are REST's `details[].field` "
    "and `details[].code` (e.g. `to.0` and `invalid_email`); a mistake REST reports without details (an "
    "unknown ID, a conflict, a forbidden change) has a null `field` and REST's `error.code` (`not_found`, "
    "`conflict`, `forbidden`)."
)
class UserError:
    field: str | None
    message: str
    code: str


def user_errors(error: ApiError) -> list[UserError]:
    """The ApiError as user errors: one per REST detail, with the detail's own code."""
    return detail_errors(error.code.value, error.message, [d.as_dict() for d in error.details])


def detail_errors(code: str, message: str, details: list[dict[str, Any]]) -> list[UserError]:
    """User errors from a REST error body's parts (`error.code`, `.message`, `.details`; a batch
    item's `error` comes as these)."""
    if not details:
        return [UserError(field=None, message=message, code=code)]
    return [UserError(field=d.get("field"), message=d["message"], code=d.get("code") or code) for d in details]


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
        return self.rest_shape(data)

    def rest_shape(self, data: dict[str, Any]) -> Any:
        """The input as the REST body has it (an input whose GraphQL shape differs overrides this)."""
        return data


class ReceivedInput:
    """A GraphQL input as graphql-core coerced it (GraphQL field names), kept as it came for
    the REST model to validate (`validated`): what `as_received` inputs are instead of an
    instance of their GraphQLInput model, which Strawberry builds field by field (a send's
    input cost ~0.5 ms of CPU that way, for a shape the REST model then checks again)."""

    __slots__ = ("_model", "_value")

    def __init__(self, model: type[GraphQLInput], value: Mapping[str, Any]) -> None:
        self._model = model
        self._value = value

    def __getattr__(self, python_name: str) -> Any:  # e.g. input.idempotency_key
        try:
            name = self._model.__graphql_names__[python_name]
        except KeyError:
            raise AttributeError(python_name) from None
        return self._value.get(name)

    def rest_data(self) -> Any:
        """What `model_dump(by_alias=True, exclude_unset=True)` gives for the model: a field
        whose GraphQL default is null and that is null is left out (GraphQLInput's rule)."""
        model = self._model
        options = {model.__graphql_names__[o] for o in REQUEST_OPTIONS if o in model.__graphql_names__}
        data = {k: v for k, v in self._value.items()
                if k not in options and not (v is None and k in model.__default_null__)}
        return data


def as_received(model: type[I]) -> type[I]:
    """Let Strawberry hand resolvers this input as received (`ReceivedInput`), for a hot
    mutation whose input has no nested GraphQLInput with a `rest_shape` of its own."""
    if model.rest_shape is not GraphQLInput.rest_shape:
        raise TypeError(f"{model.__name__} reshapes its input for REST: it cannot be taken as received")
    definition = model.__strawberry_definition__
    model.__graphql_names__ = {f.python_name: f.graphql_name or to_camel_case(f.python_name) for f in definition.fields}
    model.__default_null__ = frozenset(
        model.__graphql_names__[name] for name, field in model.model_fields.items() if field.default is None)
    definition.from_input = lambda cls, value, context: ReceivedInput(cls, value)
    return model


def validated(graphql_input: GraphQLInput | ReceivedInput, model: type[M]) -> M:
    """Validate a GraphQL input with the same Pydantic model REST uses; raise ApiError."""
    # Fields left out stay out (exclude_unset), so partial updates see only what was given.
    if isinstance(graphql_input, ReceivedInput):
        given = graphql_input.rest_data()
    else:
        given = graphql_input.model_dump(by_alias=True, exclude_unset=True, exclude=REQUEST_OPTIONS)
    try:
        return model.model_validate(given)
    except ValidationError as exc:
        raise from_pydantic(exc.errors()) from None


def as_in(model: type[BaseModel], name: str) -> Any:
    """The Field of `model.name` again, for a GraphQL type that narrows the field's type (an
    ID, JSON, a nested GraphQL type) without losing its description or default."""
    info = model.model_fields[name]
    if info.default_factory is not None:
        return Field(default_factory=info.default_factory, description=info.description)
    if not info.is_required():
        return Field(default=info.default, description=info.description)
    return Field(description=info.description)


@strawberry.type(
    description="Where a page of a connection sits (Relay). Lists page forward only, with `first` and "
    "`after`: `hasPreviousPage` is true when `after` was given (objects come before this page), "
    "`startCursor`/`endCursor` are the first and last edges' cursors (null on an empty page)."
)
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo


def connection(page: Page[T], after: str | None) -> Connection[T]:
    """A Relay connection over a page of views (each with an `id`); the views are the nodes
    (each GraphQL node type is a `strawberry.pydantic.type` over its view). `after`: the
    cursor the page was asked after, if any."""
    edges = [Edge(cursor=encode_cursor(item.id), node=item) for item in page.items]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_more,
            has_previous_page=bool(after),
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )


# ----------------------------------------------------------------------------- Node

@strawberry.interface(
    description="An object with a global ID (" + ", ".join(f"`{prefix}_…`" for prefix in PREFIXES.values())
    + "): `node(id)` fetches any of them again (Relay)."
)
class Node:
    id: strawberry.ID


NodeClass = TypeVar("NodeClass", bound=type[BaseModel])


def node_type(view: type[BaseModel], *, name: str, description: str | None = None) -> Callable[[NodeClass], NodeClass]:
    """`strawberry.pydantic.type` for a GraphQL type over `view` that implements Node (list
    `Node` after the view among its bases). Resolvers return views, not instances of the
    GraphQL type, so the type says which objects are its own (GraphQL asks that of every
    type with an interface, and `node(id)` picks the type by it)."""

    def wrap(cls: NodeClass) -> NodeClass:
        cls.is_type_of = staticmethod(lambda obj, _info: isinstance(obj, view))
        return strawberry.pydantic.type(cls, name=name, description=description)

    return wrap


# ----------------------------------------------------------------------------- money

DecimalString = NewType("DecimalString", str)
DECIMAL_HELP = (
    'A decimal number written as a string, e.g. "129.00": every amount of money, in and out. Outputs are '
    "always strings with the currency's digits. Inputs take a string, or a number as REST does (a literal "
    "keeps the digits written; a JSON number in variables is read in its shortest form, e.g. 129.0): send "
    "strings to keep trailing zeros and avoid binary floating point. The same rules as REST check it."
)


def _decimal_value(value: Any) -> str:
    # Strings pass as they are: the REST model checks them, so a bad one is a userError with REST's code.
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(value)
    raise ValueError('Decimal takes a decimal string such as "129.00" (or a number).')


def _decimal_literal(node: ValueNode, _variables: Any = None) -> str:
    if isinstance(node, (StringValueNode, IntValueNode, FloatValueNode)):
        return node.value
    raise ValueError('Decimal takes a decimal string such as "129.00" (or a number).')


DECIMAL = strawberry.scalar(
    name="Decimal", description=DECIMAL_HELP, serialize=str, parse_value=_decimal_value, parse_literal=_decimal_literal
)

# The schema's scalar_map: Python annotations -> GraphQL scalars.
SCALARS = {DecimalString: DECIMAL}
