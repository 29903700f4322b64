"""The hottest REST routes' common case, answered without FastAPI's per-request work.

A send, a contact upsert and an event spend a fifth of their CPU in FastAPI around the resolver:
matching ~70 routes in turn, solving each route's dependency tree and validating its parameters
one by one. For a request that carries a JSON body and nothing unusual, `LeanRoute` does what
those steps amount to directly, from the FastAPI route itself (the same endpoint function, its
body model validated by FastAPI's own field, its response written by FastAPI's own
`serialize_response` and status code), so the route stays the one place the operation is
wired up.

Anything else goes on to the FastAPI route unchanged, body replayed, caller admitted and
charged once (GuardedRoute sees the caller is in): a body that does not validate (its 422 is
FastAPI's), no JSON content type, an Idempotency-Key or any other header parameter, bad JSON.
tests/platform/test_lean_routes.py sends the same requests down both paths.
"""

from __future__ import annotations

import inspect

from fastapi.routing import APIRoute, APIRouter, serialize_response
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from app.core.validation import loads_strict
from app.web.guard import admit
from app.web.replay import replayed

# The operations answered here (operation IDs).
HOT = ("sendEmail", "upsertContact", "ingestEvent")


class NotLean(Exception):
    """The route takes a parameter this endpoint does not provide."""


def _request_only(dependency) -> bool:
    """A dependency that needs nothing but the request (the caller, the settings)."""
    return (dependency.request_param_name is not None and inspect.iscoroutinefunction(dependency.call)
            and not (dependency.path_params or dependency.query_params or dependency.header_params
                     or dependency.cookie_params or dependency.body_params or dependency.dependencies))


def _json(content_type: str) -> bool:
    kind = content_type.partition(";")[0].strip().lower()
    return kind == "application/json" or (kind.startswith("application/") and kind.endswith("+json"))


class LeanRoute:
    """The ASGI endpoint of one POST route; `route.app` (FastAPI's handling) answers the rest."""

    def __init__(self, route: APIRoute) -> None:
        dependant = route.dependant
        if (len(dependant.body_params) != 1 or dependant.path_params or dependant.query_params
                or dependant.cookie_params or dependant.background_tasks_param_name
                or not all(_request_only(d) for d in dependant.dependencies)
                or any(field.default is not None for field in dependant.header_params)):
            raise NotLean(route.path)
        self.route = route
        self.body = route.body_field
        self.body_name = dependant.body_params[0].name
        self.dependencies = [(d.name, d.call) for d in dependant.dependencies]
        self.headers = [field.alias.lower() for field in dependant.header_params]  # absent: their default (None)
        self.header_names = [field.name for field in dependant.header_params]
        self.response_param = dependant.response_param_name
        self.request_param = dependant.request_param_name

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        await admit(request)  # 401/429 before the body is read, as on every /api/v1 route
        body = await request.body()
        values = await self._arguments(request, body)
        if values is None:
            await self.route.app(scope, replayed(body), send)
            return
        route = self.route
        sub_response = Response()
        del sub_response.headers["content-length"]
        sub_response.status_code = None
        if self.response_param:
            values[self.response_param] = sub_response
        result = await route.endpoint(**values)
        if isinstance(result, Response):
            response = result
        else:
            content = await serialize_response(
                field=route.response_field, response_content=result, include=route.response_model_include,
                exclude=route.response_model_exclude, by_alias=route.response_model_by_alias,
                exclude_unset=route.response_model_exclude_unset,
                exclude_defaults=route.response_model_exclude_defaults,
                exclude_none=route.response_model_exclude_none, dump_json=True,
            )
            response = Response(content, media_type="application/json",
                                status_code=sub_response.status_code or route.status_code or 200)
            response.headers.raw.extend(sub_response.headers.raw)
        await response(scope, receive, send)

    async def _arguments(self, request: Request, body: bytes) -> dict | None:
        """The endpoint's arguments, or None when FastAPI's handling should answer."""
        headers = request.headers
        if not body or not _json(headers.get("content-type", "")) or any(h in headers for h in self.headers):
            return None
        try:
            parsed = loads_strict(body)
        except ValueError:  # its 400 is FastAPI's
            return None
        value, errors = self.body.validate(parsed, {}, loc=("body",))
        if errors:
            return None
        values = {self.body_name: value, **dict.fromkeys(self.header_names)}
        for name, call in self.dependencies:
            values[name] = await call(request)
        if self.request_param:
            values[self.request_param] = request
        return values


def lean_routes(prefix: str, routers: list[APIRouter]) -> list[Route]:
    """Routes to put first in the app: the HOT operations' POST among `routers` (included
    under `prefix`), answered by LeanRoute."""
    return [Route(prefix + r.path, LeanRoute(r), methods=["POST"]) for router in routers for r in router.routes
            if isinstance(r, APIRoute) and r.operation_id in HOT and "POST" in r.methods]
