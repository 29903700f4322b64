"""Exception handlers: every error leaves in the contract's shape.

REST: `{"error": {"code", "message", "details"}}`. Unexpected exceptions are turned into
500 `internal` by app.web.middleware, which sits inside Starlette's outermost error layer so the
response still carries X-Request-Id. On `/graphql`, failures that happen before
execution (auth, rate limit, size) are rendered as a GraphQL response with
`errors[].extensions.code`, so GraphQL clients can read them.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

from app.core.errors import ApiError, ErrorCode, from_pydantic, invalid, payload_for

_HTTP_CODES = {
    400: ErrorCode.INVALID_JSON,
    401: ErrorCode.UNAUTHORIZED,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    409: ErrorCode.CONFLICT,
    413: ErrorCode.PAYLOAD_TOO_LARGE,
    422: ErrorCode.VALIDATION_ERROR,
    429: ErrorCode.RATE_LIMITED,
}


def _unread_body(exc: RequestValidationError) -> ApiError | None:
    """What to tell a caller whose body was not read as JSON at all, where pydantic's own
    complaint ("Input should be a valid dictionary", "Field required") would not say what to
    change. FastAPI reads a body as JSON only under a JSON Content-Type (`application/json`
    or `…+json`); under another one, or none, the route's model sees the raw bytes."""
    locations = [tuple(e.get("loc", ())) for e in exc.errors()]
    if isinstance(exc.body, (bytes, bytearray)) and any(loc[:1] == ("body",) for loc in locations):
        # The same answer as a wrong Content-Type on the upload route: 422 naming the header.
        return invalid("Content-Type", "Send the body as JSON with the header Content-Type: application/json.")
    if exc.body is None and ("body",) in locations:
        return invalid(None, "Send a JSON object as the request body (Content-Type: application/json).", "required")
    return None


METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _flat_routes(routes):
    """Every route, through included routers (FastAPI keeps them nested, with their prefixes)."""
    for route in routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:
            yield from contexts()
        else:
            yield route


def allowed_methods(request: Request) -> str:
    """Every method some route serves at this path. The router's own `Allow` names only the
    first route whose path matched, where one path has several (`GET` and `POST /contacts`).
    A path without parameters that matches (`/contacts/import`) shadows one with (`/contacts/{id}`)."""
    path = request.scope.get("path", "")
    matching = []
    for route in _flat_routes(request.app.router.routes):
        regex = getattr(route, "path_regex", None)
        if regex is not None and regex.match(path):
            matching.append(route)
    exact = [r for r in matching if "{" not in (getattr(r, "path_format", None) or getattr(r, "path", "{"))]
    methods: set[str] = set()
    for route in exact or matching:
        methods |= set(getattr(route, "methods", None) or ())
    return ", ".join(sorted(methods, key=lambda m: (METHOD_ORDER + (m,)).index(m)))


def render(request: Request, error: ApiError) -> JSONResponse:
    request_id = request.scope.get("state", {}).get("request_id")
    body = payload_for(request.url.path, error, request_id)
    return JSONResponse(body, status_code=error.status, headers=error.headers or None)


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return render(request, exc)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return render(request, ApiError(ErrorCode.INVALID_JSON, "The request body is not valid JSON."))
        unread = _unread_body(exc)
        if unread is not None:
            return render(request, unread)
        return render(request, from_pydantic(list(errors), skip_root=("body",)))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, ErrorCode.VALIDATION_ERROR)
        if exc.status_code == 404:
            message = "No such route."
        else:
            message = str(exc.detail)
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            message = f"Method {request.method} is not allowed here."
            headers["Allow"] = allowed_methods(request) or headers.get("Allow", "")
        error = ApiError(code, message, headers=headers)
        return render(request, error)
