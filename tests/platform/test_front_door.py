"""The developer's front door over HTTP (both backends): the home page, /reference's
configuration, GraphiQL's page and example query, and the security schemes in /openapi.json.
The pages in a real browser: tests/platform/test_pages.py."""

from __future__ import annotations

import json
import re

from markupsafe import escape

from app.web import graphiql, pages, snippets
from app.web.graphiql import EXAMPLE_QUERY
from app.web.openapi import auth_schemes
from tests.helpers import gql

SECTIONS = ("about", "quickstart", "authentication", "rate-limits", "common-tasks", "reference")
LINKS = ("/reference", "/docs", "/redoc", "/graphql", "/healthz", "/openapi.json")


def _urls(page: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]*)"', page)


async def test_home_follows_the_reference_and_is_self_contained(client):
    response = await client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "max-age" in response.headers["cache-control"]
    page = response.text
    positions = [page.index(f'<section id="{section}"') for section in SECTIONS]
    assert positions == sorted(positions), "sections in the API reference's order"
    assert "Send your first email in 60 seconds" in page
    for text in ("Authorization: Bearer et_live_", "X-API-Key: et_live_", "viperatron keys create --org",
                 "X-RateLimit-Limit-Minute", "X-RateLimit-Remaining-Minute", "X-RateLimit-Reset-Minute",
                 "X-RateLimit-Limit-Day", "X-RateLimit-Remaining-Day", "Retry-After", "429"):
        assert text in page, text
    for title in ("Send a transactional email", "Create or update a contact", "Ingest a pipeline event"):
        assert title in page
    for label in ("cURL", "Node", "Python", "PHP", "Go", "Ruby"):
        assert f">{label}</label>" in page
    for link in LINKS:
        assert f'href="{link}"' in page, link
    # Our own stylesheet inline, no font or script from anywhere else.
    for url in _urls(page):
        assert url.startswith(("/", "#", "data:")), url
    assert "@import" not in page and "fonts.g" not in page


async def test_home_examples_are_written_from_the_openapi_document(app, client):
    spec = app.openapi()
    spec["components"]["schemas"]["SendEmail"]["examples"][0]["subject"] = "Subject from the document"
    page = (await client.get("/")).text
    request = snippets.example_request(spec, "post", "/api/v1/delivery/send")
    for lang, program in snippets.all_languages(request, "http://test").items():
        assert str(escape(program)) in page, lang
    assert page.count("Subject from the document") == 1 + 6  # the quickstart, then the six tabs


async def test_home_is_computed_once_per_process(app, client, monkeypatch):
    calls = []
    original = snippets.all_languages
    monkeypatch.setattr(snippets, "all_languages", lambda *a, **k: calls.append(a) or original(*a, **k))
    first = (await client.get("/")).text
    for _ in range(20):
        assert (await client.get("/")).text == first
    assert len(calls) == len(pages.TASKS), "the examples are written once, not per request"
    # Another address for the server: its own page (the examples name the address), once too.
    other = (await client.get("/", headers={"Host": "mail.example.test"})).text
    assert "http://mail.example.test/api/v1/delivery/send" in other
    assert len(calls) == 2 * len(pages.TASKS)


async def test_openapi_declares_bearer_and_x_api_key(client):
    spec = (await client.get("/openapi.json")).json()
    bearer, api_key = auth_schemes(spec)
    assert bearer and api_key
    schemes = spec["components"]["securitySchemes"]
    assert schemes[bearer]["scheme"].lower() == "bearer"
    assert schemes[api_key] | {"description": ""} == {"type": "apiKey", "in": "header", "name": "X-API-Key", "description": ""}
    send = spec["paths"]["/api/v1/delivery/send"]["post"]
    assert {name for requirement in send["security"] for name in requirement} == {bearer, api_key}
    assert not spec["paths"]["/healthz"]["get"].get("security"), "public routes need no key"


async def test_reference_page_configures_scalar_offline(client):
    response = await client.get("/reference")
    assert response.status_code == 200
    page = response.text
    for url in _urls(page):
        assert url.startswith(("/", "#", "data:")), url
    match = re.search(r'<script id="scalar-configuration" type="application/json">(.*?)</script>', page, re.S)
    if match is None:  # the package is not installed: the page says how to install it
        assert "make assets" in page
        return
    configuration = json.loads(match.group(1))
    assert configuration["url"] == "/openapi.json"
    assert configuration["telemetry"] is False and configuration["withDefaultFonts"] is False
    assert configuration["hideClientButton"] is True and configuration["agent"] == {"disabled": True}
    assert configuration["defaultHttpClient"] == {"targetKey": "shell", "clientKey": "curl"}
    assert [c.split("/")[0] for c in configuration["featuredClients"]] == ["shell", "node", "python", "php", "go", "ruby"]
    bearer, _ = auth_schemes((await client.get("/openapi.json")).json())
    assert configuration["authentication"]["preferredSecurityScheme"] == bearer  # whatever its name
    assert "proxyUrl" not in configuration
    script = re.search(r'<script src="([^"]+standalone\.js)"', page).group(1)
    assert (await client.get(script)).status_code == 200


async def test_graphiql_page_explains_the_key_and_its_example_runs(client, key):
    page = (await client.get("/graphql", headers={"Accept": "text/html"})).text
    assert 'id="api-key"' in page and "viperatron keys create" in page
    embedded = re.search(r'<script id="example-query" type="application/json">(.*?)</script>', page, re.S)
    assert json.loads(embedded.group(1)) == EXAMPLE_QUERY
    assert "unpkg.com" not in page
    response = await gql(client, key, EXAMPLE_QUERY)
    body = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    assert body["data"]["viewer"]["organization"]["name"] == key.organization_name
    assert body["data"]["contacts"]["edges"] == []


async def test_pages_say_to_reload_until_the_front_end_packages_are_there(app, monkeypatch, tmp_path):
    """make serve installs the packages in the background: until they are there, /reference and
    GraphiQL say so, and once they are, the next request shows them."""
    monkeypatch.setattr(graphiql, "VENDOR_DIR", tmp_path)
    monkeypatch.setattr(graphiql, "_rendered", {})
    monkeypatch.setattr(pages, "VENDOR_DIR", tmp_path)
    door = pages.FrontDoor(app, app.state.front_door.settings)
    assert "make assets" in graphiql.page() and 'id="api-key"' not in graphiql.page()
    assert "make assets" in door.reference and not door.reference_installed
    for package, path in graphiql.SCRIPTS + graphiql.STYLESHEETS:
        (tmp_path / "node_modules" / package / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "node_modules" / package / path).write_text("")
    (tmp_path / "node_modules" / pages.SCALAR_JS).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "node_modules" / pages.SCALAR_JS).write_text("")
    assert 'id="api-key"' in graphiql.page() and graphiql._rendered
    assert 'id="scalar-configuration"' in door.reference and door.reference_installed
