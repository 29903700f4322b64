"""POST /graphql's common case, answered without the framework's per-request work.

Nearly every request is one JSON operation whose document the gate has parsed, validated and
costed (app.web.graphql_gate). For those this endpoint runs the operation with the gate's
context (schema.graphql.run_prepared: the prepared document's plan, or graphql-core's executor) and
writes Strawberry's response (the same `process_result`, the same compact JSON, status 200).
It skips what the general route costs on every request: FastAPI solving the router's
dependency tree (about a tenth of a send's CPU), Strawberry's HTTP view re-reading the request
and Strawberry's per-request steps leading up to the executor (another seventh).

Everything else goes on to Strawberry's route unchanged, with the same context (the caller is
admitted and charged once) and the body replayed: batches, multipart, a document that did not
validate or was refused for its cost, streaming Accept headers, subscriptions, fields Strawberry
would refuse with a 400.
"""

from __future__ import annotations

import json

from fastapi.routing import APIRoute, APIRouter
from graphql import OperationDefinitionNode, OperationType
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.http import process_result

from app.web.graphql_gate import get_context
from app.web.replay import replayed
from schema.cost import operation_of
from schema.graphql import run_prepared

_STREAMING = ("multipart/mixed", "text/event-stream")  # Accept values that ask for a stream
_FIELDS = frozenset({"query", "variables", "operationName"})
_RUNNABLE = {OperationType.QUERY, OperationType.MUTATION}


def _kind(operation: OperationDefinitionNode | None) -> OperationType | None:
    return operation.operation if operation is not None else None


def _runnable(request: Request, payload, context: dict):
    """The operation to run here, or None when Strawberry's route should answer."""
    if not isinstance(payload, dict) or not payload.keys() <= _FIELDS or "refusal" in context:
        return None
    if any(kind in request.headers.get("accept", "") for kind in _STREAMING):
        return None
    query, variables, name = payload.get("query"), payload.get("variables"), payload.get("operationName")
    if not isinstance(query, str) or not isinstance(variables, (dict, type(None))) or not isinstance(name, (str, type(None))):
        return None
    prepared = context.get("prepared", {}).get(query)
    if prepared is None or not prepared.valid or _kind(operation_of(prepared.document, name)) not in _RUNNABLE:
        return None
    return prepared, variables, name


def post_route_of(router: APIRouter) -> ASGIApp:
    """Strawberry's POST route (its request handling, dependencies included)."""
    [route] = [r for r in router.routes if isinstance(r, APIRoute) and "POST" in r.methods]
    return route.app


class GraphQLPost:
    """The ASGI endpoint of POST /graphql; `fallback` is Strawberry's POST route."""

    def __init__(self, fallback: ASGIApp) -> None:
        self.fallback = fallback

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        context = await get_context(request)  # admits and charges, or raises 401/403/429/400
        operation = _runnable(request, context.get("payload"), context)
        if operation is None:
            await self.fallback(scope, replayed(await request.body()), send)
            return
        result = await run_prepared(*operation, context)
        body = json.dumps(process_result(result), separators=(",", ":"))
        await Response(body, media_type="application/json")(scope, receive, send)

