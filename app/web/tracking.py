"""`/t/o/<token>` (the open pixel) and `/t/c/<token>` (a tracked link): no key, no cookie, a
signed token checked before any database work (schema/tracking/resolvers.py). Not part of the
public API (left out of /openapi.json)."""

from __future__ import annotations

import base64

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from app.core.errors import ApiError
from app.web.guard import services_of
from schema.tracking.resolvers import record_click, record_open

router = APIRouter(prefix="/t", include_in_schema=False)

# The smallest transparent GIF (43 bytes).
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
NO_STORE = {"Cache-Control": "no-store, max-age=0", "Referrer-Policy": "no-referrer"}


def _agent(request: Request) -> str:
    return request.headers.get("user-agent", "")


@router.get("/o/{token}")
async def opened(request: Request, token: str) -> Response:
    await record_open(services_of(request).settings, token, _agent(request))
    return Response(PIXEL, media_type="image/gif", headers=NO_STORE)


@router.get("/c/{token}")
async def clicked(request: Request, token: str) -> Response:
    try:
        url = await record_click(services_of(request).settings, token, _agent(request))
    except ApiError:
        return HTMLResponse("<!doctype html><title>Link not valid</title><h1>This link is not valid</h1>"
                            "<p>It may have been copied incompletely.</p>", status_code=404, headers=NO_STORE)
    return RedirectResponse(url, status_code=302, headers=NO_STORE)
