"""The GraphQL context: the same gate as REST (app.guard.admit), charged per root mutation.

A request costs one unit per root field of the mutation it runs (at least one), so aliasing
50 `sendEmail` calls into one request costs 50. The document is parsed here (cached) to count
before anything executes; a request refused here has no effect.
"""

from __future__ import annotations

from functools import lru_cache

from graphql import FieldNode, FragmentSpreadNode, GraphQLError, InlineFragmentNode, OperationDefinitionNode, parse
from starlette.requests import Request

from app.guard import admit


@lru_cache(maxsize=512)
def mutation_cost(query: str, operation_name: str | None) -> int:
    try:
        document = parse(query)
    except GraphQLError:
        return 1  # Strawberry reports the syntax error; the request still costs one unit
    fragments = {d.name.value: d for d in document.definitions if d.kind == "fragment_definition"}
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    elif len(operations) > 1:
        return 1  # ambiguous: Strawberry refuses it
    if not operations or operations[0].operation.value != "mutation":
        return 1

    def count(selection_set, seen: frozenset) -> int:
        total = 0
        for node in selection_set.selections:
            if isinstance(node, FieldNode):
                total += 1
            elif isinstance(node, InlineFragmentNode):
                total += count(node.selection_set, seen)
            elif isinstance(node, FragmentSpreadNode) and node.name.value in fragments and node.name.value not in seen:
                total += count(fragments[node.name.value].selection_set, seen | {node.name.value})
        return total

    return max(1, count(operations[0].selection_set, frozenset()))


async def _request_cost(request: Request) -> int:
    try:
        payload = await request.json()
    except Exception:
        return 1  # Strawberry answers the malformed body
    if isinstance(payload, dict) and isinstance(payload.get("query"), str):
        name = payload.get("operationName")
        return mutation_cost(payload["query"], name if isinstance(name, str) else None)
    if isinstance(payload, list):  # batched operations: each one is charged
        return sum(
            mutation_cost(p["query"], p.get("operationName") if isinstance(p.get("operationName"), str) else None)
            for p in payload
            if isinstance(p, dict) and isinstance(p.get("query"), str)
        ) or 1
    return 1


async def get_context(request: Request) -> dict:
    if request.method == "GET":  # the GraphiQL page; queries over GET are disabled
        return {"principal": None}
    principal = await admit(request, await _request_cost(request))
    return {"principal": principal}
