"""People at the HTTP edge: the session cookie and the same-origin rule.

The cookie holds a random token (the database keeps its digest): HttpOnly, SameSite=Lax,
Secure when `VIPERATRON_PUBLIC_URL` is https, path `/`. Every state-changing request a
cookie could authenticate (the `/auth/*` endpoints and `POST /graphql` carrying the cookie)
must come from our own origin: `Sec-Fetch-Site` same-origin (or none: typed by the user), or,
from browsers that do not send it, an `Origin` equal to ours. A request with neither is
refused too, so a cross-site form post or fetch never acts with the person's cookie.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import HTTPConnection
from starlette.responses import Response

from app.core.errors import ApiError, ErrorCode
from app.core.settings import Settings

SESSION_COOKIE = "viperatron_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def session_token(conn: HTTPConnection) -> str | None:
    return conn.cookies.get(SESSION_COOKIE) or None


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def allowed_origins(conn: HTTPConnection, settings: Settings) -> set[str]:
    own = f"{conn.url.scheme}://{conn.headers.get('host', conn.url.netloc)}".lower()
    return {own, _origin_of(settings.public_url)}


def check_same_origin(conn: HTTPConnection, settings: Settings) -> None:
    """403 `forbidden` unless the request demonstrably comes from one of our own pages."""
    if conn.scope.get("method", "GET") in SAFE_METHODS:
        return
    site = conn.headers.get("sec-fetch-site")
    if site is not None:
        if site in ("same-origin", "none"):
            return
        raise ApiError(ErrorCode.FORBIDDEN, "Cross-site request refused: sign-in cookies act only from this site.")
    origin = conn.headers.get("origin")
    if origin and origin.lower() in allowed_origins(conn, settings):
        return
    raise ApiError(ErrorCode.FORBIDDEN, "Cross-site request refused: send it from this site (Origin).")


def set_session_cookie(response: Response, token: str, settings: Settings) -> None:
    response.set_cookie(
        SESSION_COOKIE, token, max_age=int(settings.session_idle_seconds), path="/", httponly=True,
        samesite="lax", secure=settings.secure_cookies,
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=settings.secure_cookies)
