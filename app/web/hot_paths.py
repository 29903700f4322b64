"""The hottest POSTs (a send, a contact, an event, a GraphQL operation) reach their route
through fewer layers than the rest of the app.

Every request to a FastAPI app passes Starlette's server-error layer, FastAPI's exception
telemetry and body-limit layers, our EdgeMiddleware, the exception handlers, FastAPI's exit
stack and then the router, which tries routes in turn. For the four hot routes, whose paths
have no parameters, the first three layers and the router add nothing: EdgeMiddleware already
turns any unexpected exception into our 500 (it runs inside them), the app sets no body size of
FastAPI's (our cap is EdgeMiddleware's), and the path names the route. Skipping them saves
40–60 µs of a send's ~650 µs of CPU (in-process, sequential).

So the app's middleware stack is built once as `HotFirst`: a POST to one of those exact paths
goes through our own middleware, the same exception handlers and exit stack, straight to the
route; everything else goes through the full stack unchanged. tests/platform/test_hot_paths.py
sends the same requests both ways.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.middleware.asyncexitstack import AsyncExitStackMiddleware
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send


class _Routes:
    """The hot routes by exact path (what the router would have matched, and set in the scope)."""

    def __init__(self, app: FastAPI, routes: list[Route]) -> None:
        self.router = app.router
        self.routes = {route.path: route for route in routes}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = self.routes[scope["path"]]
        scope.setdefault("router", self.router)
        scope["endpoint"] = route.endpoint
        scope["path_params"] = {}
        await route.app(scope, receive, send)


class HotFirst:
    """The app's middleware stack: `hot` for a POST to one of `paths`, else `everything`."""

    def __init__(self, everything: ASGIApp, hot: ASGIApp, paths: frozenset[str]) -> None:
        self.everything = everything
        self.hot = hot
        self.paths = paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] == "http" and scope["method"] == "POST" and scope["path"] in self.paths
                and not scope.get("root_path")):  # under a root path the router strips it: the full stack
            await self.hot(scope, receive, send)
        else:
            await self.everything(scope, receive, send)


def install_hot_first(app: FastAPI, routes: list[Route]) -> None:
    """Build `app`'s middleware stack now, as `HotFirst` over `routes` (POST-only, parameterless
    paths, also in the app's router). Call last: middleware cannot be added afterwards."""
    everything = app.build_middleware_stack()
    if app.max_body_size is not None:  # FastAPI's own cap would be skipped: keep one path
        app.middleware_stack = everything
        return
    handlers = {key: handler for key, handler in app.exception_handlers.items() if key not in (500, Exception)}
    hot: ASGIApp = AsyncExitStackMiddleware(_Routes(app, routes))
    hot = ExceptionMiddleware(hot, handlers=handlers, debug=app.debug)
    for middleware in reversed(app.user_middleware):
        hot = middleware.cls(hot, *middleware.args, **middleware.kwargs)
    app.middleware_stack = HotFirst(everything, hot, frozenset(route.path for route in routes))
