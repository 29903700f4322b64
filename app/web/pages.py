"""The developer's front door: the home page (`/`) and the interactive reference (`/reference`).

`/` is server-rendered (Jinja2, our own small stylesheet, no external font, no framework) in
the order of the public API reference: what Viperatron is, the quickstart, authentication,
rate limits, the three common tasks with examples in six languages (written by
app.web.snippets from the operations' method, path and example body in /openapi.json) and
links to the other pages. The examples are computed once per process and the page once per
origin it is served under (a few at most), so a request costs a dictionary lookup.

`/reference` is Scalar's API reference (`@scalar/api-reference`, installed by `make assets`
into app/static/frontend and served from there): no telemetry, no font or proxy host, the
"open in client" call-out hidden, authentication preset to the document's security schemes.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from threading import Lock
from typing import Any

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import HTMLResponse

from app.core.settings import Settings
from app.web import snippets
from app.web.graphiql import VENDOR_DIR, VENDOR_URL
from app.web.openapi import auth_schemes
from app.web.templating import NAV, templates

SCALAR_JS = Path("@scalar") / "api-reference" / "dist" / "browser" / "standalone.js"

# The three common tasks of the API reference, by operation.
TASKS = (
    ("send", "Send a transactional email", "post", "/api/v1/delivery/send"),
    ("contact", "Create or update a contact", "post", "/api/v1/contacts"),
    ("event", "Ingest a pipeline event", "post", "/api/v1/pipelines/events"),
)

# Scalar's clients shown as tabs, in the home page's order; the others stay in its "More" menu.
SCALAR_CLIENTS = ("shell/curl", "node/fetch", "python/requests", "php/curl", "go/native", "ruby/native")

CACHE_CONTROL = "public, max-age=300"
MAX_ORIGINS = 16  # pages kept per origin (Host header); past that, rendered per request


@dataclass(frozen=True)
class Task:
    id: str
    title: str
    request: snippets.ExampleRequest
    response_status: str
    response_example: Any


def _response_example(spec: dict, method: str, path: str) -> tuple[str, Any]:
    """The first 2xx response of the operation and its JSON example (None if it has none)."""
    responses = spec["paths"][path][method]["responses"]
    status = next((s for s in responses if s.startswith("2")), "200")
    media = (responses.get(status, {}).get("content") or {}).get("application/json") or {}
    example = snippets._first_example(media, spec)
    return status, None if example is snippets._MISSING else example


class FrontDoor:
    """Everything the pages need from one app, computed once: the OpenAPI-derived examples,
    and each page's HTML."""

    def __init__(self, app: FastAPI, settings: Settings):
        self.app = app
        self.settings = settings
        self._pages: OrderedDict[str, str] = OrderedDict()
        self._lock = Lock()
        self._reference: str | None = None

    @cached_property
    def spec(self) -> dict:
        return self.app.openapi()

    @cached_property
    def tasks(self) -> tuple[Task, ...]:
        tasks = []
        for task_id, title, method, path in TASKS:
            status, example = _response_example(self.spec, method, path)
            tasks.append(Task(task_id, title, snippets.example_request(self.spec, method, path), status, example))
        return tuple(tasks)

    def snippets_for(self, base_url: str) -> dict[str, dict[str, str]]:
        """task id -> language id -> program, for a server at `base_url`."""
        return {task.id: snippets.all_languages(task.request, base_url) for task in self.tasks}

    def home(self, base_url: str) -> str:
        page = self._pages.get(base_url)
        if page is None:
            page = self._render_home(base_url)
            with self._lock:
                if len(self._pages) < MAX_ORIGINS:
                    self._pages[base_url] = page
        return page

    def _render_home(self, base_url: str) -> str:
        send = self.tasks[0]
        programs = self.snippets_for(base_url)
        return templates.get_template("home.html").render(
            nav=NAV,
            current="/",
            base_url=base_url,
            title=self.spec.get("info", {}).get("title", "Viperatron API"),
            version=self.spec.get("info", {}).get("version", "1"),
            languages=[(lang, label) for lang, label, _, _ in snippets.LANGUAGES],
            tasks=[(task, programs[task.id]) for task in self.tasks],
            quickstart=programs[send.id]["curl"],
            quickstart_response=json.dumps(send.response_example) if send.response_example is not None else "",
            quickstart_status=send.response_status,
            per_minute=self.settings.rate_per_minute,
            per_day=self.settings.rate_per_day,
            placeholder_key=snippets.PLACEHOLDER_KEY,
        )

    @cached_property
    def scalar_configuration(self) -> dict:
        bearer, api_key = auth_schemes(self.spec)
        preferred = [name for name in (bearer, api_key) if name]
        return {
            "url": self.app.openapi_url,
            "telemetry": False,
            "withDefaultFonts": False,
            "hideClientButton": True,
            "documentDownloadType": "json",
            "showDeveloperTools": "never",
            "agent": {"disabled": True},
            "mcp": {"disabled": True},
            "defaultHttpClient": {"targetKey": "shell", "clientKey": "curl"},
            "featuredClients": list(SCALAR_CLIENTS),
            "persistAuth": True,
            "authentication": {"preferredSecurityScheme": preferred[0] if preferred else None},
            "metaData": {"title": "Viperatron API reference"},
        }

    @property
    def reference_installed(self) -> bool:
        return self._reference is not None

    @property
    def reference(self) -> str:
        """Kept once Scalar is installed; until then (`make serve` installs the front-end packages
        in the background on a first start) rendered again on each request."""
        if self._reference is not None:
            return self._reference
        installed = (VENDOR_DIR / "node_modules" / SCALAR_JS).is_file()
        page = templates.get_template("reference.html").render(
            nav=NAV,
            current="/reference",
            installed=installed,
            scalar_js=f"{VENDOR_URL}/node_modules/{SCALAR_JS.as_posix()}",
            configuration=json.dumps(self.scalar_configuration).replace("</", "<\\/"),
        )
        if installed:
            self._reference = page
        return page


def base_url_of(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def install_pages(app: FastAPI, settings: Settings) -> FrontDoor:
    door = FrontDoor(app, settings)
    app.state.front_door = door

    @app.get("/", include_in_schema=False)
    async def home(request: Request) -> HTMLResponse:
        return HTMLResponse(door.home(base_url_of(request)), headers={"Cache-Control": CACHE_CONTROL})

    @app.get("/reference", include_in_schema=False)
    async def reference() -> HTMLResponse:
        page = door.reference
        # Not installed yet: no caching, so a reload shows Scalar once the background install is done.
        return HTMLResponse(page, headers={"Cache-Control": CACHE_CONTROL if door.reference_installed else "no-store"})

    return door
