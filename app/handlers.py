"""Exception handlers: every error leaves in the contract's shape.

REST: `{"error": {"code", "message", "details"}}`. Unexpected exceptions are turned into
500 `internal` by app.middleware, which sits inside Starlette's outermost error layer so the
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

from app.errors import ApiError, ErrorCode, from_pydantic, payload_for

_HTTP_CODES = {
    400: ErrorCode.INVALID_JSON,
    401: ErrorCode.UNAUTHORIZED,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.NOT_FOUND,
    409: ErrorCode.CONFLICT,
    413: ErrorCode.PAYLOAD_TOO_LARGE,
    422: ErrorCode.VALIDATION_ERROR,
    429: ErrorCode.RATE_LIMITED,
}


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
        return render(request, from_pydantic(list(errors)))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, ErrorCode.VALIDATION_ERROR)
        if exc.status_code == 404:
            message = "No such route."
        elif exc.status_code == 405:
            message = f"Method {request.method} is not allowed here."
        else:
            message = str(exc.detail)
        error = ApiError(code, message, headers=dict(exc.headers or {}))
        response = render(request, error)
        if exc.status_code == 405:
            response.status_code = 405
        return response
