"""GraphiQL served with no internet access.

Strawberry's page loads React and GraphiQL from unpkg. `make assets` installs the same pinned
packages from the npm registry into app/static/vendor (git-ignored); when they are there the
page points at our copies, otherwise it falls back to the CDN and logs a warning once.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse
from strawberry.fastapi import GraphQLRouter

from app.core.validation import decode_json
from app.web.graphql_gate import decoded_body

log = logging.getLogger("viperatron.graphiql")

VENDOR_DIR = Path(__file__).resolve().parents[1] / "static" / "vendor"
VENDOR_URL = "/static/vendor"
_UNPKG = re.compile(r"https://unpkg\.com/((?:@[^/]+/)?[^@/]+)@[^/]+/([^\"']+)")
_INTEGRITY = re.compile(r'\s*integrity="[^"]*"')


def offline_html(html: str) -> str | None:
    """The page with unpkg URLs pointing at our copies, or None if a copy is missing."""
    missing = [m for m in _UNPKG.finditer(html) if not (VENDOR_DIR / "node_modules" / m[1] / m[2]).is_file()]
    if missing:
        return None
    html = _UNPKG.sub(lambda m: f"{VENDOR_URL}/node_modules/{m[1]}/{m[2]}", html)
    return _INTEGRITY.sub("", html).replace(" crossorigin", "")


class OfflineGraphQLRouter(GraphQLRouter):
    _page: str | None = None

    def parse_json(self, data: str | bytes) -> Any:
        """The body app.web.graphql_gate's gate already decoded, or a strict decode of it."""
        decoded = decoded_body.get()
        if decoded is not None and decoded[0] is data:
            return decoded[1]
        return decode_json(data)

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        if self._page is None:
            page = offline_html(self.graphql_ide_html)
            if page is None:
                log.warning("GraphiQL assets not installed (run `make assets`); the page loads them from unpkg.com")
                page = self.graphql_ide_html
            type(self)._page = page
        return HTMLResponse(self._page)
