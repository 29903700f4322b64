"""Pure-ASGI middleware: request IDs, the request-size cap, the request deadline, and
rate-limit headers.

Pure ASGI (not BaseHTTPMiddleware) so streaming stays streaming and it costs little.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import ApiError, ErrorCode, payload_for

log = logging.getLogger("viperatron.errors")


class BodyTooLarge(HTTPException):
    """Raised from `receive` when a body without Content-Length grows past the cap.

    An HTTPException so that FastAPI's body parsing passes it on unchanged as a 413."""

    def __init__(self, cap: int) -> None:
        super().__init__(413, f"Request body exceeds {cap} bytes.")


def _error_response(scope: Scope, error: ApiError, request_id: str) -> tuple[dict, bytes]:
    body = json.dumps(payload_for(scope["path"], error, request_id)).encode()
    return (
        {
            "type": "http.response.start",
            "status": error.status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        },
        body,
    )


# Sends may carry attachments (10 MiB decoded, ~13.4 MiB as base64): a larger cap there.
LARGE_BODY_PREFIXES = ("/api/v1/delivery/", "/graphql")
# Contact imports upload files of up to 100 MB (streamed into the database, never held whole).
# Only the upload route itself, matched exactly: other contact routes parse their body whole.
IMPORT_UPLOAD = ("POST", "/api/v1/contacts/import")


def _is_import_upload(scope: Scope) -> bool:
    return (scope["method"], scope["path"]) == IMPORT_UPLOAD


class EdgeMiddleware:
    def __init__(
        self, app: ASGIApp, max_body_bytes: int, max_send_body_bytes: int | None = None,
        max_import_body_bytes: int | None = None, deadline_seconds: float | None = None,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_send_body_bytes = max_send_body_bytes or max_body_bytes
        self.max_import_body_bytes = max_import_body_bytes or max_body_bytes
        self.deadline_seconds = deadline_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = "req_" + secrets.token_hex(12)
        scope.setdefault("state", {})["request_id"] = request_id
        state = scope["state"]
        started = False
        deadline: asyncio.Timeout | None = None
        timing = False  # the deadline runs until the response starts

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                if timing and deadline is not None:  # a streamed body (an export) may take longer to send
                    deadline.reschedule(None)
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                for name, value in (state.get("rate_limit_headers") or {}).items():
                    headers.append((name.lower().encode(), value.encode()))
                message = {**message, "headers": headers}
            await send(message)

        cap = self.max_send_body_bytes if scope["path"].startswith(LARGE_BODY_PREFIXES) else self.max_body_bytes
        if _is_import_upload(scope):
            cap = self.max_import_body_bytes
        too_large = ApiError(ErrorCode.PAYLOAD_TOO_LARGE, f"Request body exceeds {cap} bytes.")
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > cap:
            await self._send_error(scope, send_with_headers, send, too_large, request_id)
            return

        received = 0

        async def capped_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    raise BodyTooLarge(cap)
            return message

        try:
            async with asyncio.timeout(self._deadline_for(scope)) as deadline:
                timing = True
                try:
                    await self.app(scope, capped_receive, send_with_headers)
                finally:
                    timing = False
                    release = state.pop("release", None)  # the caller's fair share (app.web.guard)
                    if release is not None:
                        release()
        except TimeoutError:
            if started or deadline is None or not deadline.expired():  # not ours: unexpected
                await self._internal_error(scope, send_with_headers, send, request_id, started)
                return
            timeout = ApiError(
                ErrorCode.TIMEOUT,
                f"The request did not finish within {self.deadline_seconds:g} s and was stopped; "
                "work it had not committed was rolled back.",
            )
            await self._send_error(scope, send_with_headers, send, timeout, request_id)
        except BodyTooLarge:
            if started:
                raise
            await self._send_error(scope, send_with_headers, send, too_large, request_id)
        except Exception:
            await self._internal_error(scope, send_with_headers, send, request_id, started)

    async def _internal_error(self, scope: Scope, send_start: Send, send: Send, request_id: str, started: bool) -> None:
        log.exception("unhandled error (request %s)", request_id)
        if started:
            raise
        internal = ApiError(ErrorCode.INTERNAL, f"Internal error; request id {request_id}.")
        await self._send_error(scope, send_start, send, internal, request_id)

    def _deadline_for(self, scope: Scope) -> float | None:
        # An import upload is bounded by its size cap and streamed into the database as it
        # arrives: a slow uplink is not slow work.
        if _is_import_upload(scope):
            return None
        return self.deadline_seconds

    @staticmethod
    async def _send_error(scope: Scope, send_start: Send, send: Send, error: ApiError, request_id: str) -> None:
        start, body = _error_response(scope, error, request_id)
        await send_start(start)
        await send({"type": "http.response.body", "body": body})
