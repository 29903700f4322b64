"""The dashboard's server side over HTTP (both backends): /dashboard and every client-side route
under it return the one HTML shell; its modules, stylesheet and pinned libraries are served from
this origin through an import map. The dashboard in a real browser: test_dashboard_browser.py."""

from __future__ import annotations

import json
import re

import pytest

from app.web import dashboard
from tests.helpers import ROOT

ROUTES = ("/dashboard", "/dashboard/", "/dashboard/messages", "/dashboard/messages/msg_123",
          "/dashboard/automations/new", "/dashboard/settings/api-keys", "/dashboard/settings/team",
          "/dashboard/settings/domains", "/dashboard/settings/webhooks", "/dashboard/settings/tracking", "/dashboard/verify?token=x",
          "/dashboard/reset-password?token=x", "/dashboard/accept-invitation?token=x", "/dashboard/setup?token=x",
          "/dashboard/no/such/page")


def _urls(page: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]*)"', page)


def _import_map(page: str) -> dict:
    found = re.search(r'<script type="importmap">(.*?)</script>', page, re.S)
    assert found, "no import map"
    return json.loads(found.group(1))


needs_assets = pytest.mark.skipif(not dashboard.installed(), reason="front-end packages not installed: make assets")


@needs_assets
async def test_every_route_is_the_same_shell(client):
    pages = set()
    for path in ROUTES:
        response = await client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/html")
        assert response.headers["cache-control"] == "no-cache"
        pages.add(response.text)
    assert len(pages) == 1
    page = pages.pop()
    assert '<div id="app"' in page and '<script type="module" src="/static/dashboard/app.js">' in page
    assert 'href="/dashboard" aria-current="page"' in page, "the top bar marks the dashboard"
    routes = json.loads(re.search(r"data-routes='([^']*)'", page).group(1))
    assert [label for _, label in routes] == ["Messages", "Contacts", "Import", "Automations", "Suppressions",
                                             "Analytics", "API keys", "Team", "Sending domains", "Webhooks",
                                             "Tracking"]


@needs_assets
async def test_everything_the_shell_loads_is_served_from_this_origin(client):
    page = (await client.get("/dashboard")).text
    imports = _import_map(page)["imports"]
    assert set(imports) == {"preact", "preact/hooks", "htm", "htm/preact", "uplot"}
    urls = [*_urls(page), *imports.values()]
    for url in urls:
        assert url.startswith(("/", "#", "data:")), url
    for url in [u for u in urls if u.startswith("/static/")]:
        response = await client.get(url)
        assert response.status_code == 200, url
        if url.endswith((".js", ".mjs")):
            assert "javascript" in response.headers["content-type"], (url, response.headers["content-type"])
    # The application's own modules import only the mapped names and each other.
    for module in (ROOT / "app/static/dashboard").glob("*.js"):
        response = await client.get(f"/static/dashboard/{module.name}")
        assert response.status_code == 200 and "javascript" in response.headers["content-type"]
        for spec in re.findall(r'^import .*? from "([^"]+)";', module.read_text(), re.M):
            assert spec in imports or spec.startswith("./"), (module.name, spec)
    assert "https://" not in "".join(m.read_text() for m in (ROOT / "app/static/dashboard").glob("*.*"))


def test_the_libraries_are_pinned_exactly():
    package = json.loads((ROOT / "app/static/frontend/package.json").read_text())
    lock = json.loads((ROOT / "app/static/frontend/package-lock.json").read_text())
    for name in ("preact", "htm", "uplot", "axe-core"):
        version = package["dependencies"][name]
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), (name, version)
        assert lock["packages"][f"node_modules/{name}"]["version"] == version


async def test_without_the_packages_it_says_how_to_install_them(client, monkeypatch):
    monkeypatch.setattr(dashboard, "installed", lambda: False)
    dashboard.shell.cache_clear()
    try:
        page = (await client.get("/dashboard/messages")).text
    finally:
        dashboard.shell.cache_clear()
    assert "make assets" in page and "importmap" not in page


async def test_graphql_is_still_graphql(client):
    """The catch-all under /dashboard takes nothing from the API's routes."""
    response = await client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200 and "GraphiQL" in response.text
