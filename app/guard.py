"""The one gate every authenticated request passes, REST or GraphQL: key, then budget."""

from __future__ import annotations

from starlette.requests import HTTPConnection, Request

from app.auth import Principal, extract_key
from app.errors import ApiError, ErrorCode
from app.services import Services


def services_of(conn: HTTPConnection) -> Services:
    return conn.app.state.services


async def admit(conn: HTTPConnection, cost: int = 1) -> Principal:
    """Authenticate the caller and charge `cost` units of its budget.

    The rate-limit headers are left in `conn.state` for the response middleware, so they go
    out on every authenticated response, errors included. Raises 401 or 429.
    """
    services = services_of(conn)
    principal = await services.keys.resolve(extract_key(conn))
    conn.state.principal = principal
    decision = await services.limiter.hit(
        principal.key_id, principal.per_minute, principal.per_day, max(1, cost)
    )
    conn.state.rate_limit_headers = decision.headers()
    if not decision.allowed:
        raise ApiError(ErrorCode.RATE_LIMITED, "Rate limit exceeded; retry after the reset.")
    return principal


async def require_principal(request: Request) -> Principal:
    """FastAPI dependency for every `/api/v1` route."""
    return await admit(request)
