"""The static cost of a GraphQL operation, known before it runs.

A GraphQL request is charged what the same data would cost through REST, where every call
costs one unit (GitHub's and Shopify's rule, adapted):

- a root field, and any field that loads data with its own resolver, costs one unit for each
  object it may be asked on;
- a connection (a field with `first`) costs one unit per page of up to 100 nodes, for each
  object it may be asked on; its nodes multiply what is nested under it;
- a request costs at least one unit.

`nodes` counts what the connections may return, nested multiplicatively: `contacts(first:
100) { events(first: 100) }` may return 100 + 100 × 100 nodes. Requests above the maximum
are refused before anything runs. The cost is an upper bound: `first` is taken as asked
(capped at the page limit), `@skip`/`@include` are ignored.

Fields of an interface or union (`node(id)`, an automation's `steps`) are walked like an
object's: the fragments on each possible type are all counted, so `node(id) { ... on
Automation { runs(first: 50) } }` costs what `automation(id) { runs(first: 50) }` costs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import strawberry
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)
from strawberry.types.base import StrawberryObjectDefinition

from schema.contracts import MAX_PAGE

PAGE_ARGUMENT = "first"
LIMIT_ARGUMENT = "limit"


@dataclass(frozen=True)
class Cost:
    units: int  # charged against the key's budget, like that many REST calls
    nodes: int  # objects the connections may return


# What a selection set can be asked on: an object, or an interface or union (through fragments).
Composite = GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType


def _is_list(type_: Any) -> bool:
    while isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


class CostModel:
    """Costs documents against one schema; which fields load data is read once from it."""

    def __init__(self, schema: strawberry.Schema) -> None:
        self._schema: GraphQLSchema = schema._schema
        self._roots = {t.name for t in (self._schema.query_type, self._schema.mutation_type) if t}
        self._loaders: set[tuple[str, str]] = set()
        converter = schema.config.name_converter
        for type_ in self._schema.type_map.values():
            definition = getattr(type_, "extensions", {}).get("strawberry-definition")
            if not isinstance(definition, StrawberryObjectDefinition):
                continue
            for field in definition.fields:
                if field.is_async:  # an async resolver queries the database
                    self._loaders.add((type_.name, converter.get_graphql_name(field)))

    def cost(
        self, document: DocumentNode, operation_name: str | None, variables: dict | None, memo: dict | None = None
    ) -> Cost:
        """The operation's cost. `memo` (one per document) keeps what was worked out, keyed by
        the operation and the page sizes its variables gave: a repeated query is not walked.
        Only operations the document defines are kept (a caller naming others adds nothing)."""
        known = memo.get(operation_name) if memo is not None else None
        if known is not None:
            names, costs = known
            hit = costs.get(_page_values(names, variables))
            if hit is not None:
                return hit
        cost, names = self._walk(document, operation_name, variables)
        if memo is not None and operation_of(document, operation_name) is not None:
            memo.setdefault(operation_name, (names, {}))[1][_page_values(names, variables)] = cost
        return cost

    def _walk(self, document: DocumentNode, operation_name: str | None, variables: dict | None) -> tuple[Cost, tuple]:
        operation = operation_of(document, operation_name)
        if operation is None:
            return Cost(1, 0), ()  # execution reports the missing or ambiguous operation
        root = self._schema.mutation_type if operation.operation.value == "mutation" else self._schema.query_type
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        values = dict(variables or {})
        for definition in operation.variable_definitions or ():
            name = definition.variable.name.value
            if name not in values and isinstance(definition.default_value, IntValueNode):
                values[name] = int(definition.default_value.value)
        walk = _Walk(self, fragments, values)
        walk.selections(operation.selection_set, root, 1, frozenset())
        return Cost(max(1, walk.units), walk.nodes), tuple(sorted(walk.read))

    def loads(self, parent: Composite, field_name: str) -> bool:
        return parent.name in self._roots or (parent.name, field_name) in self._loaders

    def object_type(self, name: str) -> Composite | None:
        """The type a fragment is on (an object, interface or union type)."""
        type_ = self._schema.type_map.get(name)
        return type_ if isinstance(type_, Composite) else None


class _Walk:
    def __init__(self, model: CostModel, fragments: dict[str, FragmentDefinitionNode], variables: dict) -> None:
        self.model = model
        self.fragments = fragments
        self.variables = variables
        self.units = 0
        self.nodes = 0
        self.read: set[str] = set()  # the variables the cost depends on

    def selections(self, selection_set: SelectionSetNode | None, parent: Composite | None,
                   count: int, seen: frozenset[str]) -> None:
        if selection_set is None or parent is None:
            return
        for node in selection_set.selections:
            if isinstance(node, FieldNode):
                self.field(node, parent, count, seen)
            elif isinstance(node, InlineFragmentNode):
                target = self.model.object_type(node.type_condition.name.value) if node.type_condition else parent
                self.selections(node.selection_set, target, count, seen)
            elif isinstance(node, FragmentSpreadNode):
                name = node.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in seen:
                    target = self.model.object_type(fragment.type_condition.name.value)
                    self.selections(fragment.selection_set, target, count, seen | {name})

    def field(self, node: FieldNode, parent: Composite, count: int, seen: frozenset[str]) -> None:
        name = node.name.value
        # A union has no fields of its own: only __typename, and fragments on its members.
        definition = parent.fields.get(name) if not isinstance(parent, GraphQLUnionType) else None
        if definition is None:  # __typename, or a field validation refuses
            return
        if PAGE_ARGUMENT in definition.args:
            page = self.int_argument(node, PAGE_ARGUMENT, definition)
            self.units += count * math.ceil(page / MAX_PAGE)
            self.nodes += count * page
            count *= page
        else:
            if self.model.loads(parent, name):
                self.units += count
            if _is_list(definition.type) and LIMIT_ARGUMENT in definition.args:
                count *= self.int_argument(node, LIMIT_ARGUMENT, definition)
        child = get_named_type(definition.type)
        if isinstance(child, Composite):
            self.selections(node.selection_set, child, count, seen)

    def int_argument(self, node: FieldNode, name: str, definition: Any) -> int:
        """The argument's value, between 1 and the page limit (larger values are refused when
        the field runs; the cost is an upper bound either way)."""
        value: Any = definition.args[name].default_value
        for argument in node.arguments or ():
            if argument.name.value != name:
                continue
            if isinstance(argument.value, IntValueNode):
                value = int(argument.value.value)
            elif isinstance(argument.value, VariableNode):
                self.read.add(argument.value.name.value)
                value = self.variables.get(argument.value.name.value, MAX_PAGE)
        if not isinstance(value, int) or isinstance(value, bool):
            value = MAX_PAGE
        return min(max(value, 1), MAX_PAGE)


def _page_values(names: tuple, variables: dict | None) -> tuple:
    values = variables or {}
    return tuple(v if isinstance(v, int) and not isinstance(v, bool) else None for v in (values.get(n) for n in names))


def operation_of(document: DocumentNode, operation_name: str | None) -> OperationDefinitionNode | None:
    """The operation a request runs: the named one, or the only one; None when ambiguous (or,
    as graphql-core has it, when a name is given that no operation has, even an empty one)."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    return operations[0] if len(operations) == 1 else None
