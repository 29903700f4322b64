"""`/openapi.json`: FastAPI's document, completed with what the edge does to every `/api/v1` call.

The routes (rest_compat/) declare their own operations, parameters and bodies; what no single
route knows is added here, once: the two ways to authenticate (security schemes, as
alternatives), the headers every response carries (`X-Request-Id`; `X-RateLimit-*` once the key
is known; `Retry-After` on a 429; `WWW-Authenticate` on a 401; app.web.middleware, app.web.guard,
app.web.ratelimit) and the error responses the edge itself can give (500, 504).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

API_PREFIX = "/api/v1"
ERROR_SCHEMA = {"$ref": "#/components/schemas/ErrorEnvelope"}

SECURITY_SCHEMES = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "API key",
        "description": "`Authorization: Bearer et_live_…` (or `et_test_…`: nothing leaves the system).",
    },
    "apiKeyAuth": {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "`X-API-Key: et_live_…`, the same key as a header of its own.",
    },
}
# Alternatives: either header authenticates.
SECURITY = [{"bearerAuth": []}, {"apiKeyAuth": []}]


def _integer(description: str, example: int) -> dict[str, Any]:
    return {"description": description, "schema": {"type": "integer", "minimum": 0}, "example": example}


HEADERS: dict[str, dict[str, Any]] = {
    "X-Request-Id": {
        "description": "This request's ID (also in a 500's body): quote it when reporting a problem.",
        "schema": {"type": "string", "pattern": "^req_[0-9a-f]{24}$"},
        "example": "req_0123456789abcdef01234567",
    },
    "X-RateLimit-Limit-Minute": _integer("The key's budget per minute.", 60),
    "X-RateLimit-Remaining-Minute": _integer("Units left in this minute.", 48),
    "X-RateLimit-Reset-Minute": _integer("Seconds until the minute window resets (the next whole UTC minute).", 32),
    "X-RateLimit-Limit-Day": _integer("The key's budget per UTC day.", 10000),
    "X-RateLimit-Remaining-Day": _integer("Units left today (UTC).", 9187),
    "Retry-After": _integer("Seconds until the window that is full resets.", 32),
    "WWW-Authenticate": {
        "description": "`Bearer`: how to authenticate.",
        "schema": {"type": "string", "enum": ["Bearer"]},
        "example": "Bearer",
    },
}
RATE_LIMIT_HEADERS = [name for name in HEADERS if name.startswith("X-RateLimit-")]

EDGE_ERRORS: dict[str, dict[str, Any]] = {
    "500": {
        "description": "Unexpected error: the body carries `requestId` (also in `X-Request-Id`), never a stack trace",
        "example": {"error": {"code": "internal", "message": "Internal error; request id req_0123456789abcdef01234567.",
                              "details": [], "requestId": "req_0123456789abcdef01234567"}},
    },
    "504": {
        "description": "The request did not finish within the deadline (10 s unless configured); work it had "
        "not committed was rolled back",
        "example": {"error": {"code": "timeout", "message": "The request did not finish within 10 s and was stopped; "
                              "work it had not committed was rolled back.", "details": []}},
    },
}


def _ref(name: str, required: bool) -> dict[str, Any]:
    ref: dict[str, Any] = {"$ref": f"#/components/headers/{name}"}
    # A Reference Object takes no siblings in OpenAPI 3.0; in 3.1 only summary/description. So a
    # header that is always there gets an inline copy saying so.
    return {**HEADERS[name], "required": True} if required else ref


def headers_for(status: str) -> dict[str, Any]:
    """The headers a response with this status carries. The key is known (so rate-limit headers
    are sent) on every answer but a 401, a 404 from routing (a path no route matches: no key is
    read), an early 413 (refused by its Content-Length before the key is read), and the edge's
    own 500 and 504."""
    headers = {"X-Request-Id": _ref("X-Request-Id", True)}
    always = status.startswith(("2", "3")) or status in ("400", "403", "409", "422", "429")
    for name in RATE_LIMIT_HEADERS:
        headers[name] = _ref(name, always)
    if status == "429":
        headers["Retry-After"] = _ref("Retry-After", True)
    if status == "401":
        headers["WWW-Authenticate"] = _ref("WWW-Authenticate", True)
    return headers


def complete(document: dict[str, Any]) -> dict[str, Any]:
    """Add what the edge does to every /api/v1 operation (see the module docstring)."""
    components = document.setdefault("components", {})
    components["securitySchemes"] = SECURITY_SCHEMES
    components["headers"] = HEADERS
    for path, operations in document.get("paths", {}).items():
        for operation in operations.values():
            if not path.startswith(API_PREFIX):
                operation.setdefault("security", [])
                continue
            operation["security"] = SECURITY
            responses = operation.setdefault("responses", {})
            for status, error in EDGE_ERRORS.items():
                responses.setdefault(status, {
                    "description": error["description"],
                    "content": {"application/json": {"schema": ERROR_SCHEMA, "example": error["example"]}},
                })
            for status, response in responses.items():
                response["headers"] = {**headers_for(status), **response.get("headers", {})}
    return document


def install(app: FastAPI) -> None:
    """Serve the completed document at /openapi.json (built once, like FastAPI's own)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete(get_openapi(
                title=app.title, version=app.version, openapi_version=app.openapi_version,
                description=app.description, routes=app.routes, tags=app.openapi_tags, servers=app.servers,
                separate_input_output_schemas=app.separate_input_output_schemas,
            ))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def auth_schemes(spec: dict) -> tuple[str | None, str | None]:
    """The names of the document's bearer scheme and of its X-API-Key header scheme."""
    schemes = spec.get("components", {}).get("securitySchemes", {}) or {}
    bearer = next(
        (n for n, s in schemes.items() if s.get("type") == "http" and str(s.get("scheme", "")).lower() == "bearer"),
        None,
    )
    api_key = next(
        (
            n for n, s in schemes.items()
            if s.get("type") == "apiKey" and s.get("in") == "header" and str(s.get("name", "")).lower() == "x-api-key"
        ),
        None,
    )
    return bearer, api_key
