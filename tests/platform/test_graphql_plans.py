"""A plain operation runs from its plan (schema.execution) instead of graphql-core's executor;
its answer must be graphql-core's to the letter: data, and errors with their messages, paths
and locations, in the same order. Each case runs both ways on a schema with every shape a
plan takes, failures included, and the two answers are compared."""

from __future__ import annotations

import asyncio
import enum

import pytest
import strawberry
from graphql import execute, parse
from strawberry.execution import optimized_is_awaitable

from app.web.graphql_gate import documents
from schema.cost import operation_of
from schema.execution import plan
from schema.graphql import schema as our_schema


@strawberry.enum
class Mood(enum.Enum):
    HAPPY = "happy"
    GRUMPY = "grumpy"


@strawberry.type
class Item:
    name: str
    note: str | None
    mood: Mood

    @strawberry.field
    def shout(self, times: int = 1) -> str:
        if times < 0:
            raise ValueError("times must not be negative")
        return self.name.upper() * times

    @strawberry.field
    def broken(self) -> str | None:
        raise RuntimeError("this field always fails")

    @strawberry.field
    def must(self) -> str:  # non-null, and null when the note is missing
        return self.note  # type: ignore[return-value]


@strawberry.type
class Box:
    label: str
    items: list[Item]
    maybe_items: list[Item | None] | None
    tags: list[str] | None


@strawberry.input
class BoxInput:
    label: str
    tags: list[str] | None = None
    size: int = 3


class Label(str):
    """A str of another type: String's coercion returns it as it is, but not on the plan's fast path."""


@strawberry.type
class Figure:
    """Plain scalar attributes, with values at and beyond the edges of what String and Int coerce as is."""

    name: str
    count: int | None


_FIGURES = [Figure(name="seven", count=7), Figure(name=Label("label"), count=-2**31), Figure(name="top", count=2**31 - 1),
            Figure(name="bool", count=True), Figure(name="float", count=3.0), Figure(name="none", count=None)]


def _items(count: int) -> list[Item]:
    return [Item(name=f"item{i}", note=None if i == 1 else f"note{i}", mood=Mood.HAPPY) for i in range(count)]


CALLS: list[str] = []


@strawberry.type
class Shelf:
    """A namespace of async fields below the root, as `analytics { … }` is."""

    label: str

    @strawberry.field
    async def box(self, size: int = 2) -> Box:
        await asyncio.sleep(0)
        return Box(label=f"{self.label}-box", items=_items(size), maybe_items=None, tags=None)

    @strawberry.field
    async def fails(self) -> Box | None:
        raise ValueError("no box on this shelf")

    @strawberry.field
    async def required(self) -> Box:
        await asyncio.sleep(0)
        raise ValueError("the shelf's required box is missing")

    @strawberry.field
    async def nothing(self) -> str:  # non-null, resolves to null
        return None  # type: ignore[return-value]

    @strawberry.field
    def upper(self) -> Shelf:
        return Shelf(label=self.label.upper())

    @strawberry.field
    def count(self) -> int:
        return len(self.label)


@strawberry.type
class Query:
    @strawberry.field
    def shelf(self, label: str = "s") -> Shelf | None:
        return Shelf(label=label)

    @strawberry.field
    def sure_shelf(self) -> Shelf:
        return Shelf(label="sure")

    @strawberry.field
    def shelves(self) -> list[Shelf]:
        return [Shelf(label="a"), Shelf(label="b")]

    @strawberry.field
    async def box(self, input: BoxInput) -> Box:
        return Box(label=input.label, items=_items(input.size), maybe_items=[*_items(2), None], tags=input.tags)

    @strawberry.field
    async def boxes(self, count: int = 2) -> list[Box] | None:
        return [Box(label=f"b{i}", items=_items(2), maybe_items=None, tags=None) for i in range(count)]

    @strawberry.field
    async def fails(self) -> Box | None:
        raise ValueError("no box today")

    @strawberry.field
    async def required(self) -> Box:
        raise ValueError("the required box is missing")

    @strawberry.field
    def hello(self, name: str = "world") -> str:
        return f"hello {name}"

    @strawberry.field
    def sync_fails(self) -> str | None:
        raise ValueError("sync failure")

    @strawberry.field
    def sync_required(self) -> str:
        raise ValueError("a required value is missing")

    @strawberry.field
    async def later(self) -> str | None:
        await asyncio.sleep(0)
        return "later"

    @strawberry.field
    def wrong_type(self) -> Item | None:
        return "not an item"  # type: ignore[return-value]

    @strawberry.field
    def mixed_items(self) -> list[Item | None]:
        return [*_items(2), "not an item", None]  # type: ignore[list-item]

    @strawberry.field
    def not_a_list(self) -> list[str] | None:
        return 42  # type: ignore[return-value]

    @strawberry.field
    def figures(self) -> list[Figure]:
        return _FIGURES

    @strawberry.field
    def figures_out_of_range(self) -> list[Figure]:
        return [Figure(name="big", count=2**31), Figure(name="small", count=-2**31 - 1), Figure(name=7, count=1)]

    @strawberry.field
    def odd_boxes(self) -> list[Box | None]:
        """Plain attributes that are lists of objects, and some that are not lists."""
        return [Box(label="tuple", items=tuple(_items(1)), maybe_items=(None, *_items(1)), tags=None),  # type: ignore[arg-type]
                Box(label="not-a-list", items=7, maybe_items=None, tags=None),  # type: ignore[arg-type]
                Box(label="wrong-item", items=["not an item"], maybe_items=[None, "no"], tags=None),  # type: ignore[list-item]
                Box(label="list", items=_items(1), maybe_items=[None, *_items(3)], tags=None)]

    @strawberry.field
    def bad_enum(self) -> Mood | None:
        return "sulky"  # type: ignore[return-value]


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def first(self) -> str:
        CALLS.append("first")
        return "one"

    @strawberry.mutation
    async def explode(self) -> str:
        CALLS.append("explode")
        raise ValueError("boom")

    @strawberry.mutation
    async def second(self) -> str | None:
        CALLS.append("second")
        return "two"


Item.is_type_of = staticmethod(lambda obj, _info: isinstance(obj, Item))  # as our Node views have it
toy = strawberry.Schema(query=Query, mutation=Mutation)

CASES = [
    ("scalars and aliases", "{ a: hello b: hello(name: \"you\") __typename }", None),
    ("input object from variables",
     "query($in: BoxInput!) { box(input: $in) { label tags items { name note mood shout(times: 2) } } }",
     {"in": {"label": "L", "tags": ["x", "y"], "size": 2}}),
    ("input defaults", "query($in: BoxInput!) { box(input: $in) { label tags items { name } } }", {"in": {"label": "L"}}),
    ("a single value for a list", "query($in: BoxInput!) { box(input: $in) { tags } }", {"in": {"label": "L", "tags": "t"}}),
    ("nullable field error", "{ box(input: {label: \"L\"}) { label items { name broken } } }", None),
    ("non-null field null bubbles to the list item's parent",
     "{ box(input: {label: \"L\"}) { label items { name must } } }", None),
    ("nullable list items", "{ box(input: {label: \"L\"}) { maybeItems { name must } } }", None),
    ("argument error in a nested field", "{ box(input: {label: \"L\"}) { items { shout(times: -1) } } }", None),
    ("root error, nullable", "{ fails { label } hello }", None),
    ("root error, non-null", "{ required { label } hello }", None),
    ("several root fields", "{ boxes(count: 3) { label items { name mood } } hello }", None),
    ("root errors: an async one before a sync one", "{ fails { label } later syncFails hello }", None),
    ("root error, non-null and sync, after an async field", "{ later syncRequired hello }", None),
    ("is_type_of refuses", "{ wrongType { name } }", None),
    ("is_type_of refuses a list item", "{ mixedItems { name must } }", None),
    ("not a list", "{ notAList }", None),
    ("bad enum value", "{ badEnum }", None),
    ("lists of objects in plain attributes: a list, a tuple, not a list, an item of another type",
     "{ oddBoxes { label items { name } maybeItems { name must } } }", None),
    ("scalar attributes at the edges of String and Int", "{ figures { name count } }", None),
    ("scalar attributes String and Int cannot return as they are: error or coerced",
     "{ figuresOutOfRange { name count } }", None),
    ("named operation", "query Named { hello }", None),
    ("mutations run in order", "mutation { a: first b: second }", None),
    ("a non-null mutation fails: the rest do not run", "mutation { a: first b: explode c: second }", None),
    ("async fields below the root", "{ shelf { label count box(size: 1) { label items { name } } } hello }", None),
    ("async fields below the root, two levels and beside async root fields",
     "{ later shelf(label: \"x\") { box { label } upper { label box { label } } } b: shelf { count } }", None),
    ("async field error below the root, nullable", "{ shelf { fails { label } box { label } count } }", None),
    ("async field error below the root, non-null bubbles to the nullable namespace",
     "{ shelf { box { label } required { label } } hello }", None),
    ("async field error below a non-null namespace bubbles to the root",
     "{ sureShelf { required { label } } later }", None),
    ("async non-null field null below the root", "{ shelf { nothing upper { nothing } } }", None),
    ("root errors around an async namespace", "{ fails { label } shelf { fails { label } } syncFails }", None),
]


def _answer(result) -> tuple:
    errors = [(e.message, e.path, e.locations, type(e.original_error).__name__) for e in result.errors or ()]
    return result.data, errors


async def _both(query: str, variables: dict | None, operation_name: str | None = None) -> tuple:
    document = parse(query)
    made = plan(toy._schema, document, operation_of(document, operation_name))
    assert made is not None, "this operation is plain: it should have a plan"
    CALLS.clear()
    planned = await made.run(variables, {})
    planned_calls = list(CALLS)
    CALLS.clear()
    general = execute(toy._schema, document, variable_values=variables, operation_name=operation_name,
                      context_value={}, is_awaitable=optimized_is_awaitable, executor_class=toy.execution_context_class)
    if optimized_is_awaitable(general):
        general = await general
    assert planned_calls == CALLS
    assert planned is not None
    data, errors = planned
    return (data, [(e.message, e.path, e.locations, type(e.original_error).__name__) for e in errors]), _answer(general)


# The cases whose answer must carry errors (the rest must not), so each checks what it says.
FAILING = {name for name, *_ in CASES if any(word in name for word in ("error", "null", "refuses", "not a list",
                                                                          "bad enum", "fails"))}


@pytest.mark.parametrize("name,query,variables", CASES, ids=[c[0] for c in CASES])
async def test_a_plan_answers_as_graphql_core(name, query, variables):
    planned, general = await _both(query, variables)
    assert planned == general
    assert bool(general[1]) == (name in FAILING), general[1]


async def test_variables_that_do_not_coerce_are_left_to_graphql_core():
    document = parse("query($in: BoxInput!) { box(input: $in) { label } }")
    made = plan(toy._schema, document, operation_of(document, None))
    assert await made.run({"in": {"label": 5}}, {}) is None
    assert await made.run({}, {}) is None


@pytest.mark.parametrize("query", [
    "{ ...F } fragment F on Query { hello }",
    "{ ... on Query { hello } }",
    "{ hello @include(if: true) }",
    "query @deprecated { hello }",
    "{ hello hello }",
    "{ __schema { queryType { name } } }",
    "subscription { hello }",
    "{ shelves { box { label } } }",  # an async field in a list: graphql-core awaits one per item
])
def test_operations_that_are_not_plain_get_no_plan(query):
    document = parse(query)
    assert plan(toy._schema, document, operation_of(document, None)) is None


def test_our_hot_operations_have_plans():
    for query in (
        "mutation($input: SendEmailInput!) { sendEmail(input: $input) { messageId status userErrors { field code message } } }",
        "mutation($input: ContactInput!) { upsertContact(input: $input) { contact { email } userErrors { field } } }",
        "query($f: DateTime!, $t: DateTime!) { analytics(from: $f, to: $t) { messages { total } "
        "events { buckets { start types { eventType count values { currency sum } } } } } }",
    ):
        document = parse(query)
        assert plan(our_schema._schema, document, operation_of(document, None)) is not None, query


async def test_naming_operations_the_document_lacks_remembers_nothing(client, key):
    query = "query Known { viewer { organization { id } } }"
    known = await client.post("/graphql", json={"query": query, "operationName": "Known"}, headers=key.headers)
    assert known.status_code == 200 and known.json()["data"]["viewer"]["organization"]["id"], known.text
    for name in ("Other1", "Other2", ""):
        response = await client.post("/graphql", json={"query": query, "operationName": name}, headers=key.headers)
        assert "Unknown operation named" in response.text, response.text
    prepared = documents.get(query)
    assert set(prepared.plans) == {"Known"} and set(prepared.costs) == {"Known"}
