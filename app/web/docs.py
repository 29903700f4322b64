"""ReDoc served with no external host.

fastapi-offline's ReDoc bundle fetches one thing from a CDN (the Redocly logo in the menu
footer); we serve the bundle with that URL replaced by `data:,`, so ReDoc drops the image.
Swagger UI (5.x, from fastapi-offline) needs nothing: it is served as shipped.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html
from starlette.responses import HTMLResponse, Response

REDOC_JS_URL = "/redoc/redoc.standalone.js"


@cache
def _redoc_js() -> str:
    path = Path(fastapi_offline.__file__).parent / "static" / "redoc.standalone.js"
    return path.read_text(encoding="utf-8").replace("https://cdn.redoc.ly/redoc/logo-mini.svg", "data:,")


def install_redoc(app: FastAPI) -> None:
    """Add /redoc; create the app with `redoc_url=None` so fastapi-offline's is not added."""

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=app.openapi_url,
            title=f"{app.title} - ReDoc",
            redoc_js_url=REDOC_JS_URL,
            redoc_favicon_url="/static-offline-docs/favicon.png",
            with_google_fonts=False,
        )

    @app.get(REDOC_JS_URL, include_in_schema=False)
    async def redoc_js() -> Response:
        return Response(_redoc_js(), media_type="text/javascript")
