"""Plain operations run from a plan made once per document, not through graphql-core's executor.

graphql-core's executor works out on every request what the document's shape has already
decided: which fields each selection set holds, their definitions and resolvers, how each
result type completes. It also builds the machinery for deferred, streamed and abortable
execution a plain request does not use. A sendEmail with its resolver stubbed out took 183 µs
that way and 103 µs from its plan (input validation included, on the benchmark machine). A plan
keeps what the shape decides, so a request coerces its variables (graphql-core's own function),
calls the resolvers Strawberry built, and completes the results.

An operation gets a plan when it is plain:
- a query or a mutation, with no directives anywhere and no fragments;
- no response key selected twice in one selection set;
- no introspection field other than `__typename`;
- every selection set is on an object type (no interface or union);
- below the root, a field with an async resolver lies in no list: like the root's, the async
  fields of an object are awaited together (the analytics fields of `analytics { … }`), and
  the fields below them complete synchronously; a list's items never wait (an async resolver
  per item is graphql-core's).
Everything else runs on graphql-core's executor (schema.graphql.run_prepared), as does any
request whose variables do not coerce (graphql-core answers with its errors; nothing has run).
The answer (data and errors, with their messages, paths and locations) is graphql-core's:
tests/platform/test_graphql_plans.py runs the same operations both ways and compares them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLField,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLString,
    OperationDefinitionNode,
    OperationType,
    located_error,
)
from graphql.execution.executor import default_field_resolver, invalid_return_type_error
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values
from graphql.language import FragmentDefinitionNode
from graphql.pyutils import Path, Undefined, gather_with_cancel, inspect, is_iterable
from graphql.type import GraphQLResolveInfoHelpers, is_leaf_type
from strawberry.execution import optimized_is_awaitable
from strawberry.schema.schema import _OperationContextAwareGraphQLResolveInfo as ResolveInfo

STRAWBERRY_FIELD = "strawberry-definition"  # where Strawberry keeps a GraphQL field's definition
MAX_COERCION_ERRORS = 50  # graphql-core's execute() default


class _Nulled(Exception):
    """A non-null position failed: its error goes up to the nearest nullable position, which is
    null and where the error is recorded (graphql-core's handle_field_error)."""

    def __init__(self, error: GraphQLError) -> None:
        super().__init__(error.message)
        self.error = error


# ----------------------------------------------------------------------------- the plan


@dataclass(frozen=True, slots=True)
class _Leaf:
    type: Any  # GraphQLScalarType | GraphQLEnumType


@dataclass(frozen=True, slots=True)
class _NonNull:
    of: Any


@dataclass(frozen=True, slots=True)
class _List:
    of: Any


@dataclass(frozen=True, slots=True)
class _Object:
    type: GraphQLObjectType
    fields: tuple[_Field, ...]
    waits: bool  # a field below it has an async resolver: it completes once they are awaited


@dataclass(frozen=True, slots=True)
class _Field:
    key: str  # the response key (alias or name)
    nodes: list[FieldNode]
    definition: GraphQLField | None  # None for __typename
    parent: GraphQLObjectType
    resolve: Callable[..., Any] | None  # None for __typename (the parent's name)
    basic: bool  # Strawberry's plain attribute: takes neither info nor arguments
    has_arguments: bool
    shape: Any  # how the result completes (_NonNull, _List, _Leaf, _Object)
    needs_info: bool  # the resolver takes it, or an object's is_type_of does
    asynchronous: bool  # its resolver may return something to await (never in a list)
    plain_leaf: Any = None  # a plain attribute of a scalar or enum type: that type (see _Run.complete)
    non_null: bool = False
    as_is: type | None = None  # String: str, Int: int: values of exactly this type its coercion returns unchanged
    read: Callable[[Any], Any] | None = None  # a plain attribute's reader (source -> value)
    items: _Object | None = None  # a plain attribute holding a list of objects completed inline (_Run._object)


# graphql-core's Int: a 32-bit signed integer (an int beyond it is a field error).
_INT_RANGE = range(-2**31, 2**31)


def _null_error(field: _Field) -> TypeError:
    return TypeError(f"Cannot return null for non-nullable field {field.parent}.{field.nodes[0].name.value}.")


class _NotPlain(Exception):
    pass


def _shape(type_: GraphQLOutputType, field_node: FieldNode, in_list: bool) -> Any:
    if isinstance(type_, GraphQLNonNull):
        return _NonNull(_shape(type_.of_type, field_node, in_list))
    if isinstance(type_, GraphQLList):
        return _List(_shape(type_.of_type, field_node, True))
    if is_leaf_type(type_):
        return _Leaf(type_)
    if isinstance(type_, GraphQLObjectType):
        fields = _fields(type_, field_node.selection_set, root=False, in_list=in_list)
        return _Object(type_, fields, any(f.asynchronous or _waits(f.shape) for f in fields))
    raise _NotPlain  # an interface or a union


def _object_of(shape: Any) -> Any:
    while isinstance(shape, (_NonNull, _List)):
        shape = shape.of
    return shape


def _waits(shape: Any) -> bool:
    shape = _object_of(shape)
    return isinstance(shape, _Object) and shape.waits


def _fields(parent: GraphQLObjectType, selection_set, *, root: bool, in_list: bool = False) -> tuple[_Field, ...]:
    fields, keys = [], set()
    for node in selection_set.selections:
        if not isinstance(node, FieldNode) or node.directives:
            raise _NotPlain
        key = node.alias.value if node.alias else node.name.value
        if key in keys:
            raise _NotPlain  # field merging
        keys.add(key)
        name = node.name.value
        if name == "__typename":
            fields.append(_Field(key, [node], None, parent, None, True, False, None, False, False))
            continue
        if name.startswith("__"):
            raise _NotPlain  # introspection
        definition = parent.fields[name]
        strawberry_field = (definition.extensions or {}).get(STRAWBERRY_FIELD)
        resolve = definition.resolve or default_field_resolver
        basic = getattr(resolve, "_is_default", False)
        read = None
        if basic and strawberry_field is not None:
            read = _attribute_reader(strawberry_field)
            resolve = _ignoring_info(read)
        # At the root any resolver may return something to await; below it, a Strawberry async
        # resolver outside lists (one without Strawberry's definition could be either).
        asynchronous = not basic and (root or strawberry_field is None or strawberry_field.is_async)
        if asynchronous and not root and (in_list or strawberry_field is None):
            raise _NotPlain
        shape = _shape(definition.type, node, in_list)
        leaf = shape.of if isinstance(shape, _NonNull) else shape
        plain_leaf = leaf.type if read is not None and isinstance(leaf, _Leaf) else None
        as_is = str if plain_leaf is GraphQLString else int if plain_leaf is GraphQLInt else None
        needs_info = not basic or _checks_type(shape)
        fields.append(_Field(key, [node], definition, parent, resolve, basic, bool(definition.args or node.arguments),
                             shape, needs_info, asynchronous, plain_leaf, isinstance(shape, _NonNull), as_is,
                             read, _inline_items(shape) if read is not None and not needs_info else None))
    return tuple(fields)


def _attribute_reader(strawberry_field: Any) -> Callable[[Any], Any]:
    """What Strawberry's resolver of a plain attribute does (StrawberryField.get_result without
    a resolver), without its two calls and property lookups on the way: a month of hourly
    analytics reads ~57,000 attributes. Strawberry reads them with getattr unless the schema
    says otherwise; attrgetter is that in one call."""
    read, name = strawberry_field.default_resolver, strawberry_field.python_name
    if read is getattr:
        return attrgetter(name)
    return lambda source: read(source, name)


def _ignoring_info(read: Callable[[Any], Any]) -> Callable[[Any, Any], Any]:
    return lambda source, _info: read(source)


def _inline_items(shape: Any) -> _Object | None:
    """A list of objects (each nullable or not) that _Run._object completes inline: objects
    whose type has no is_type_of check and none of whose fields waits."""
    shape = shape.of if isinstance(shape, _NonNull) else shape
    if not isinstance(shape, _List):
        return None
    objects = shape.of.of if isinstance(shape.of, _NonNull) else shape.of
    if isinstance(objects, _Object) and objects.type.is_type_of is None and not objects.waits:
        return objects
    return None


def _checks_type(shape: Any) -> bool:
    shape = _object_of(shape)
    return isinstance(shape, _Object) and shape.type.is_type_of is not None


def _plain(operation: OperationDefinitionNode, document: DocumentNode) -> bool:
    if operation.operation not in (OperationType.QUERY, OperationType.MUTATION) or operation.directives:
        return False
    if any(isinstance(d, FragmentDefinitionNode) for d in document.definitions):
        return False
    return not any(v.directives for v in operation.variable_definitions or ())


@dataclass(frozen=True, slots=True)
class Plan:
    schema: GraphQLSchema
    operation: OperationDefinitionNode
    root: GraphQLObjectType
    fields: tuple[_Field, ...]

    async def run(self, variables: dict | None, context: Any) -> tuple[dict | None, list[GraphQLError]] | None:
        """(data, errors) as graphql-core's execute gives them; None when the variables do
        not coerce (graphql-core's executor then answers, with its errors)."""
        coerced = get_variable_values(self.schema, self.operation.variable_definitions or (), variables or {},
                                      max_errors=MAX_COERCION_ERRORS)
        if isinstance(coerced, list):
            return None
        run = _Run(self, coerced, context)
        data: dict[str, Any] | None = {}
        try:
            if self.operation.operation is OperationType.MUTATION:
                for field in self.fields:  # one after another, as the spec says
                    value = run.field(field, None, None)
                    data[field.key] = await run.finish(value) if isinstance(value, _Later) else value
            else:
                data = await run.fields(self.fields, None, None)
        except _Nulled as nulled:
            data = None
            run.record(nulled.error, None)
        if run.tracked:
            await asyncio.gather(*run.tracked, return_exceptions=True)
        return data, run.errors


def plan(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode) -> Plan | None:
    """The operation's plan, or None when it is not plain (see the module's docstring)."""
    if not _plain(operation, document):
        return None
    root = schema.mutation_type if operation.operation is OperationType.MUTATION else schema.query_type
    if root is None:
        return None
    try:
        return Plan(schema, operation, root, _fields(root, operation.selection_set, root=True))
    except (_NotPlain, KeyError):
        return None


# ----------------------------------------------------------------------------- one request


class _Run:
    __slots__ = ("context", "errors", "helpers", "nulled", "plan", "tracked", "variables")

    def __init__(self, plan: Plan, variables: VariableValues, context: Any) -> None:
        self.plan = plan
        self.variables = variables
        self.context = context
        self.errors: list[GraphQLError] = []
        self.nulled: set[Path | None] = set()  # positions made null by an error
        self.tracked: list[Any] = []
        self.helpers = GraphQLResolveInfoHelpers(gather=self._gather, track=self.tracked.extend)

    @staticmethod
    async def _gather(awaitables) -> list[Any]:
        return list(await asyncio.gather(*awaitables))

    def info(self, field: _Field, path: Path) -> ResolveInfo:
        return ResolveInfo(
            field.nodes[0].name.value, field.nodes, field.definition.type, field.parent, path, self.plan.schema, {},
            None, self.plan.operation, self.variables.coerced, self.context, optimized_is_awaitable, None,
            self.helpers, None,
        )

    def record(self, error: GraphQLError, path: Path | None) -> None:
        """graphql-core's CollectedErrors.add: the error of a position made null, unless the
        position or one above it already is (a failure still running beside the one that
        nulled its parent is not reported)."""
        at = path
        while at is not None:
            if at in self.nulled:
                return
            at = at.prev
        if None in self.nulled:
            return
        self.nulled.add(path)
        self.errors.append(error)

    def _arguments(self, field: _Field) -> dict[str, Any]:
        if not field.has_arguments:
            return {}
        return get_argument_values(field.definition, field.nodes[0], self.variables)

    def _call(self, field: _Field, source: Any, path: Path) -> tuple[Any, ResolveInfo | None]:
        """The field's resolver called as graphql-core calls it: (its result, the info given)."""
        info = self.info(field, path) if field.needs_info else None
        if field.basic:
            return field.resolve(source, info), info
        return field.resolve(source, info, **self._arguments(field)), info

    def _settled(self, error: Exception, field: _Field, shape: Any, path: Path) -> None:
        """What a failed position answers: null, or the failure carried to its parent."""
        if not isinstance(error, _Nulled):
            error = _Nulled(located_error(error, field.nodes, path.as_list()))
        if isinstance(shape, _NonNull):
            raise error
        self.record(error.error, path)

    async def fields(self, fields: tuple[_Field, ...], source: Any, path: Path | None) -> dict[str, Any]:
        """An object's fields (the root's: `path` None), as graphql-core executes them: every
        resolver is called in turn (what they return at once is completed at once), then what
        is left to await is awaited together."""
        values: list[Any] = []
        try:
            for field in fields:
                values.append(self.field(field, source, path))
        except _Nulled:  # the rest are not called; what was started is dropped unawaited
            for value in values:
                if isinstance(value, _Later):
                    value.close()
            raise
        pending = [i for i, value in enumerate(values) if isinstance(value, _Later)]
        if len(pending) == 1:
            values[pending[0]] = await self.finish(values[pending[0]])
        elif pending:  # the first failure to come out is the object's, the others are cancelled
            for i, value in zip(pending, await gather_with_cancel(*(self.finish(values[i]) for i in pending))):
                values[i] = value
        return {field.key: value for field, value in zip(fields, values)}

    def field(self, field: _Field, source: Any, parent_path: Path | None) -> Any:
        """The field's value, or a `_Later` when its resolver returned something to await or
        its object has fields that did."""
        path = Path(parent_path, field.key, field.parent.name)
        if field.definition is None:
            return field.parent.name
        try:
            result, info = self._call(field, source, path)
            if optimized_is_awaitable(result):
                if field.asynchronous:
                    return _Later(field, path, info, result, resolved=False)
                getattr(result, "close", lambda: None)()
                raise TypeError(f"{field.parent.name}.{field.key} resolved asynchronously in a plan")
            return self.complete(field, field.shape, path, result, info)
        except Exception as error:  # noqa: BLE001  (a field error, as graphql-core catches it)
            self._settled(error, field, field.shape, path)
        return None

    async def finish(self, later: _Later) -> Any:
        field, path = later.field, later.path
        try:
            if not later.resolved:
                value = self.complete(field, field.shape, path, await later.awaitable, later.info)
                if not isinstance(value, _Later):
                    return value
                later = value
            value = await later.awaitable
            if value is None and later.non_null:
                raise _null_error(field)
            return value
        except Exception as error:  # noqa: BLE001  (a field error, as graphql-core catches it)
            self._settled(error, field, field.shape, path)
        return None

    def complete(self, field: _Field, shape: Any, path: Path, result: Any, info: ResolveInfo | None) -> Any:
        """graphql-core's complete_value for the shapes a plan has."""
        if isinstance(result, Exception):
            raise result
        if isinstance(shape, _NonNull):
            completed = self.complete(field, shape.of, path, result, info)
            if isinstance(completed, _Later):  # checked once its fields are in
                return _Later(field, path, info, completed.awaitable, resolved=True, non_null=True)
            if completed is None:
                raise _null_error(field)
            return completed
        if result is None or result is Undefined:
            return None
        if isinstance(shape, _Leaf):
            coerced = shape.type.coerce_output_value(result)
            if coerced is None or coerced is Undefined:
                raise TypeError(f"Expected `{inspect(shape.type)}.coerce_output_value({inspect(result)})` to return "
                                f"non-nullable value, returned: {inspect(coerced)}")
            return coerced
        if isinstance(shape, _List):
            if not is_iterable(result):
                raise GraphQLError(f"Expected Iterable, but did not find one for field "
                                   f"'{field.parent}.{field.nodes[0].name.value}'.")
            item_shape = shape.of
            objects = item_shape.of if isinstance(item_shape, _NonNull) else item_shape
            if not isinstance(objects, _Object):
                objects = None
            return [self._item(field, item_shape, path, index, item, info, objects)
                    for index, item in enumerate(result)]
        type_ = shape.type
        if type_.is_type_of is not None and not type_.is_type_of(result, info):
            raise invalid_return_type_error(type_, result, [_Details(node) for node in field.nodes])
        if shape.waits:  # its fields are called when it is awaited (nothing runs before)
            return _Later(field, path, info, self.fields(shape.fields, result, path), resolved=True)
        return self._object(shape, path, result)

    def _object(self, shape: _Object, path: Path, result: Any) -> dict[str, Any]:
        """An object's fields, once its value is known to be one of its type and none waits."""
        completed = {}
        for sub in shape.fields:
            # Most fields are an attribute holding a scalar: read and coerced here, without the
            # general path's position and checks (an analytics month by the hour has ~70,000).
            # Anything unusual (null where it may not be, a value that does not coerce) takes
            # the general path, which reads the attribute again and answers as graphql-core.
            if sub.plain_leaf is not None:
                try:
                    value = sub.read(result)
                    # A str for String, an int in range for Int: what their coercion returns.
                    if type(value) is sub.as_is and (sub.as_is is str or value in _INT_RANGE):
                        completed[sub.key] = value
                        continue
                    coerced = None if value is None or value is Undefined else sub.plain_leaf.coerce_output_value(value)
                except Exception:  # noqa: BLE001  (answered by the general path)
                    value = coerced = Undefined
                if coerced is not None and coerced is not Undefined:
                    completed[sub.key] = coerced
                    continue
                if value is None and not sub.non_null:
                    completed[sub.key] = None
                    continue
            elif sub.items is not None:
                # A plain attribute holding a list of objects (a month by the hour: ~4,500 lists
                # of ~15,000 objects): what field() and complete() do for it, without their
                # dispatch. Anything but a list takes the general path.
                try:
                    value = sub.read(result)
                except Exception:  # noqa: BLE001  (answered by the general path)
                    value = Undefined
                if type(value) is list:
                    completed[sub.key] = self._inline_list(sub, path, value)
                    continue
            completed[sub.key] = self.field(sub, result, path)
        return completed

    def _inline_list(self, field: _Field, parent_path: Path, items: list) -> list | None:
        path = Path(parent_path, field.key, field.parent.name)
        item_shape = field.shape.of.of if isinstance(field.shape, _NonNull) else field.shape.of
        try:
            return [self._item(field, item_shape, path, index, item, None, field.items)
                    for index, item in enumerate(items)]
        except Exception as error:  # noqa: BLE001  (a field error, as graphql-core catches it)
            self._settled(error, field, field.shape, path)
        return None

    def _item(self, field: _Field, shape: Any, path: Path, index: int, item: Any, info: ResolveInfo | None,
              objects: _Object | None) -> Any:
        """A list item. Items that are objects (`objects`: their shape; never waiting, in a list)
        of their type complete inline, the usual case (an hourly month of analytics has ~20,000);
        anything else (null, an exception, a value of another type) takes the general path."""
        item_path = Path(path, index, None)
        try:
            if objects is not None and item is not None and item is not Undefined and not isinstance(item, Exception):
                is_type_of = objects.type.is_type_of
                if is_type_of is None or is_type_of(item, info):
                    return self._object(objects, item_path, item)
            return self.complete(field, shape, item_path, item, info)
        except Exception as error:  # noqa: BLE001  (a field error, as graphql-core catches it)
            self._settled(error, field, shape, item_path)
        return None


@dataclass(frozen=True, slots=True)
class _Later:
    """A field's value still to await: what its resolver returned (`resolved` False: it is
    then completed), or its object's completion (`resolved` True; `non_null`: it may not be
    null). Never started before it is awaited, so one dropped is only closed."""

    field: _Field
    path: Path
    info: ResolveInfo | None
    awaitable: Any
    resolved: bool
    non_null: bool = False

    def close(self) -> None:
        getattr(self.awaitable, "close", lambda: None)()


@dataclass(frozen=True, slots=True)
class _Details:  # what invalid_return_type_error reads of graphql-core's field details
    node: FieldNode
