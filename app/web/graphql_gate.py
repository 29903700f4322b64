"""The GraphQL gate: the same key check as REST, then one bounded parse, then the charge.

In this order, so that an unknown caller costs a key lookup and nothing else:
1. the key (or a signed-in person's session) is checked and one unit charged (app.web.guard.admit) before the body is read;
2. the body is decoded (strict JSON) and each query parsed once, with the token limit applied
   while parsing, and validated (schema.documents caches both for admitted callers);
3. the operation's static cost (schema.cost) is computed; above the node maximum, or above
   what the key may spend in a minute, it is refused before anything runs; otherwise the
   rest of its cost is charged (429 when the budget has no room, and nothing runs).
Execution reuses the prepared document, and the response reports the cost in
`extensions.cost`.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError
from starlette.requests import Request

from app.core.validation import decode_json
from app.web.guard import admit, charge, services_of
from schema.cost import Cost, CostModel
from schema.documents import DocumentCache, Prepared
from schema.graphql import schema

documents = DocumentCache(schema._schema)
costs = CostModel(schema)
# The body the gate decoded (the bytes and their value), so the router reuses it.
decoded_body: ContextVar[tuple[bytes, Any] | None] = ContextVar("decoded_graphql_body", default=None)


@dataclass(frozen=True)
class Operation:
    query: str
    operation_name: str | None
    variables: dict | None


def _operations(payload: Any) -> list[Operation]:
    """The well-formed operations of a request body; Strawberry answers malformed ones."""
    items = payload if isinstance(payload, list) else [payload]
    operations = []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("query"), str):
            name, variables = item.get("operationName"), item.get("variables")
            operations.append(Operation(
                item["query"], name if isinstance(name, str) else None, variables if isinstance(variables, dict) else None,
            ))
    return operations


def _refusal(message: str, cost: Cost, max_nodes: int) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "too_costly", "cost": _report(cost, max_nodes)})


def _report(cost: Cost, max_nodes: int, remaining_minute: int | None = None, remaining_day: int | None = None) -> dict:
    report = {"requested": cost.units, "nodes": cost.nodes, "maxNodes": max_nodes}
    if remaining_minute is not None:
        report.update(remainingMinute=remaining_minute, remainingDay=remaining_day)
    return report


async def get_context(request: Request) -> dict:
    """The context of a request, built once: app.web.graphql_http builds it before it hands a
    request on to Strawberry's route, whose context getter is this function again."""
    built = getattr(request.state, "graphql_context", None)
    if built is None:
        built = request.state.graphql_context = await _build_context(request)
    return built


async def _build_context(request: Request) -> dict:
    if request.method == "GET":  # the GraphiQL page; queries over GET are disabled
        return {"principal": None}
    principal = await admit(request, people=True)
    services = services_of(request)
    base = {"principal": principal, "settings": services.settings, "forget_keys": services.keys.forget,
            "usage": services.limiter.used_today}
    if "json" not in request.headers.get("content-type", ""):
        return base  # Strawberry refuses the content type
    body = await request.body()
    payload = decode_json(body)
    decoded_body.set((body, payload))

    prepared: dict[str, Prepared] = {}
    units, nodes = 0, 0
    for operation in _operations(payload):
        document = prepared[operation.query] = documents.get(operation.query)
        if document.valid:
            cost = costs.cost(document.document, operation.operation_name, operation.variables, document.costs)
            units, nodes = units + cost.units, nodes + cost.nodes
    cost = Cost(max(1, units), nodes)
    max_nodes = services.settings.graphql_max_nodes
    context: dict = {**base, "prepared": prepared, "payload": payload}
    if cost.nodes > max_nodes:
        context["refusal"] = _refusal(
            f"This query may return {cost.nodes:,} nodes; the maximum is {max_nodes:,}. Ask for smaller pages "
            "(first) or fewer nested connections.", cost, max_nodes)
    elif cost.units > principal.per_minute:
        context["refusal"] = _refusal(
            f"This query costs {cost.units:,} units; this key may spend {principal.per_minute:,} a minute. "
            "Ask for smaller pages or fewer nested connections.", cost, max_nodes)
    else:
        decision = request.state.rate_limit
        if cost.units > 1:
            decision = await charge(request, principal, cost.units - 1)
        context["cost"] = _report(cost, max_nodes, decision.remaining_minute, decision.remaining_day)
    return context
