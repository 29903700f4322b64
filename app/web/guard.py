"""The one gate every authenticated request passes, REST or GraphQL: caller, then budget.

The caller is an API key (REST and GraphQL) or, on GraphQL only, a signed-in person's
session cookie (app.web.sessions): authenticated, held to the same-origin rule, charged to
the person's own budget (not a key's) the same cost, in the organization the session chose,
and given the same fair share. A request carrying a key is always the key's."""

from __future__ import annotations

from fastapi.routing import APIRoute
from starlette.requests import HTTPConnection, Request

from app.core.errors import ApiError, ErrorCode
from app.core.principal import Principal
from app.core.validation import loads_strict
from app.web.auth import extract_key
from app.web.ratelimit import Decision
from app.web.services import Services
from app.web.sessions import check_same_origin, session_token
from schema.accounts.resolvers import session_principal


def services_of(conn: HTTPConnection) -> Services:
    return conn.app.state.services


def _has_key(conn: HTTPConnection) -> bool:
    return "authorization" in conn.headers or "x-api-key" in conn.headers


async def _person(conn: HTTPConnection, token: str) -> Principal:
    settings = services_of(conn).settings
    check_same_origin(conn, settings)
    principal = await session_principal(settings, token)
    if principal is None:
        raise ApiError(ErrorCode.UNAUTHORIZED, "Your session has ended; sign in again.",
                       headers={"WWW-Authenticate": "Bearer"})
    return principal


async def admit(conn: HTTPConnection, cost: int = 1, people: bool = False) -> Principal:
    """Authenticate the caller and charge `cost` units of its budget. `people=True` (GraphQL)
    also admits a session cookie when no key is sent.

    The rate-limit headers are left in `conn.state` for the response middleware, so they go
    out on every authenticated response, errors included. Raises 401, 403 (a cross-site
    request with a cookie) or 429.
    """
    services = services_of(conn)
    token = session_token(conn) if people and not _has_key(conn) else None
    principal = await (_person(conn, token) if token else services.keys.resolve(extract_key(conn)))
    conn.state.principal = principal
    await charge(conn, principal, max(1, cost))
    if services.gate is not None:  # its fair share of this process (app.web.fairness)
        await services.gate.acquire(principal.organization_id)
        conn.state.release = lambda: services.gate.release(principal.organization_id)
    return principal


async def charge(conn: HTTPConnection, principal: Principal, cost: int) -> Decision:
    """Charge `cost` more units to an admitted caller (GraphQL charges what a request costs
    once its document is known). Raises 429, with no effect, when the budget has no room."""
    decision = await services_of(conn).limiter.hit(principal.budget_id, principal.per_minute, principal.per_day, cost)
    conn.state.rate_limit = decision
    conn.state.rate_limit_headers = decision.headers()
    if not decision.allowed:
        raise ApiError(ErrorCode.RATE_LIMITED, "Rate limit exceeded; retry after the reset.")
    return decision


class StrictJsonRequest(Request):
    """A request whose JSON body is read by `loads_strict`: NaN, Infinity and too-deep nesting
    are 400 `invalid_json` on every /api/v1 route, like any other malformed JSON."""

    async def json(self):
        if not hasattr(self, "_json"):
            self._json = loads_strict(await self.body())
        return self._json


class GuardedRoute(APIRoute):
    """Route class of every `/api/v1` route: the key and the budget are checked before the
    body is even parsed, so an unauthenticated or over-budget request gets 401/429 whatever
    it carries, and a malformed body from a valid key still gets rate-limit headers. The body
    is parsed as StrictJsonRequest says."""

    def get_route_handler(self):
        handler = super().get_route_handler()

        async def guarded(request: Request):
            if getattr(request.state, "principal", None) is None:  # not admitted yet (rest_compat.lean may have)
                await admit(request)
            return await handler(StrictJsonRequest(request.scope, request.receive))

        return guarded


async def current_principal(request: Request) -> Principal:
    """FastAPI dependency: the caller GuardedRoute admitted."""
    principal = getattr(request.state, "principal", None)
    if principal is None:  # a route outside GuardedRoute asked for a caller
        raise RuntimeError("current_principal used on a route that is not a GuardedRoute")
    return principal
