"""The dashboard at /dashboard: one HTML shell for every client-side route under it.

The page is a small Preact + htm application (ES modules, no build step) in app/static/dashboard,
served at /static/dashboard; its libraries (preact, htm, uPlot) are the pinned packages in
app/static/frontend/package.json, installed by `make assets` and served from /static/frontend through
an import map. The application signs people in, up and out with the /auth/* JSON endpoints (they
set the session cookie) and does everything else through /graphql: with the session cookie, or
with an API key an operator pastes (kept in localStorage, sent as `Authorization: Bearer`). Without the vendor packages the shell says how to install them.
See docs/dashboard.md.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from fastapi import FastAPI
from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

from app.web.graphiql import VENDOR_DIR, VENDOR_URL
from app.web.templating import NAV, templates

DASHBOARD_DIR = Path(__file__).resolve().parents[1] / "static" / "dashboard"
DASHBOARD_URL = "/static/dashboard"

# Bare module specifiers the application imports -> files under node_modules.
MODULES = {
    "preact": "preact/dist/preact.mjs",
    "preact/hooks": "preact/hooks/dist/hooks.mjs",
    "htm": "htm/dist/htm.mjs",
    "htm/preact": "htm/preact/index.mjs",
    "uplot": "uplot/dist/uPlot.esm.js",
}
STYLESHEETS = ("uplot/dist/uPlot.min.css",)

# The client-side routes (the navigation, in order): path under /dashboard -> label.
ROUTES = (
    ("messages", "Messages"),
    ("contacts", "Contacts"),
    ("import", "Import"),
    ("automations", "Automations"),
    ("suppressions", "Suppressions"),
    ("analytics", "Analytics"),
    ("settings/api-keys", "API keys"),
    ("settings/team", "Team"),
    ("settings/domains", "Sending domains"),
    ("settings/webhooks", "Webhooks"),
    ("settings/tracking", "Tracking"),
)

CACHE_CONTROL = "no-cache"


def installed() -> bool:
    files = [*MODULES.values(), *STYLESHEETS]
    return all((VENDOR_DIR / "node_modules" / path).is_file() for path in files)


@cache
def shell() -> str:
    ok = installed()
    import_map = {"imports": {name: f"{VENDOR_URL}/node_modules/{path}" for name, path in MODULES.items()}}
    return templates.get_template("dashboard.html").render(
        nav=NAV,
        current="/dashboard",
        installed=ok,
        import_map=json.dumps(import_map, indent=1).replace("</", "<\\/"),
        stylesheets=[f"{VENDOR_URL}/node_modules/{path}" for path in STYLESHEETS],
        app_css=f"{DASHBOARD_URL}/dashboard.css",
        app_js=f"{DASHBOARD_URL}/app.js",
        routes=ROUTES,
    )


def install_dashboard(app: FastAPI) -> None:
    app.mount(DASHBOARD_URL, StaticFiles(directory=DASHBOARD_DIR), name="dashboard")

    @app.get("/dashboard", include_in_schema=False)
    @app.get("/dashboard/{route:path}", include_in_schema=False)
    async def dashboard(route: str = "") -> HTMLResponse:
        return HTMLResponse(shell(), headers={"Cache-Control": CACHE_CONTROL})
