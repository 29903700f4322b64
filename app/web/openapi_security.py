"""Security schemes in /openapi.json, so Swagger UI's Authorize and Scalar's auth send the key.

Additive and minimal: when the document declares no `securitySchemes` (a richer declaration of
them may come from the routes themselves), this declares `bearerAuth` (`Authorization: Bearer
<key>`) and `apiKeyAuth` (`X-API-Key: <key>`), and every operation that can answer 401 and
states no `security` of its own accepts either. When the document already has schemes it is
left as it is. The pages find the schemes by kind (`auth_schemes`), not by these names.
"""

from __future__ import annotations

from fastapi import FastAPI

BEARER = "bearerAuth"
API_KEY = "apiKeyAuth"

_SCHEMES = {
    BEARER: {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "et_live_… / et_test_… API key",
        "description": "`Authorization: Bearer et_live_…` (recommended). Create a key with "
        "`viperatron keys create --org NAME`.",
    },
    API_KEY: {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "The same key in an `X-API-Key` header.",
    },
}


def add_security_schemes(spec: dict) -> dict:
    """`spec` with the two schemes declared, if it declared none (in place; returned)."""
    components = spec.setdefault("components", {})
    if components.get("securitySchemes"):
        return spec
    components["securitySchemes"] = {name: dict(scheme) for name, scheme in _SCHEMES.items()}
    for operations in spec.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            if "security" not in operation and "401" in operation["responses"]:
                operation["security"] = [{BEARER: []}, {API_KEY: []}]
    return spec


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


def install(app: FastAPI) -> None:
    """Post-process the app's generated document once (FastAPI caches it in `openapi_schema`)."""
    generate = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            app.openapi_schema = add_security_schemes(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
