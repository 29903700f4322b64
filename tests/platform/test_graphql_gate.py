from __future__ import annotations

import re

import schema.messages.types
from app.web.graphql_gate import documents
from schema.documents import MAX_ALIASES, MAX_DEPTH
from tests.helpers import gql


async def test_depth_limit(client, key):
    deep = "{ viewer " + "{ organization " * (MAX_DEPTH + 1) + "{ id }" + " }" * (MAX_DEPTH + 2)
    response = await gql(client, key, deep)
    assert any("exceeds maximum operation depth" in e["message"] for e in response.json()["errors"]), response.text


async def test_alias_limit(client, key):
    aliases = " ".join(f"a{i}: viewer {{ organization {{ id }} }}" for i in range(MAX_ALIASES + 1))
    response = await gql(client, key, "{ " + aliases + " }")
    errors = response.json()["errors"]
    assert any("alias" in e["message"].lower() for e in errors)


async def test_syntax_and_validation_errors_are_reported(client, key):
    assert (await gql(client, key, "{ viewer ")).json()["errors"][0]["message"].startswith("Syntax Error")
    assert "nope" in (await gql(client, key, "{ nope }")).json()["errors"][0]["message"]


async def test_queries_over_get_are_refused(client, key):
    response = await client.get("/graphql", params={"query": "{ viewer { apiKey { id } } }"}, headers=key.headers)
    assert response.status_code in (400, 405), response.text
    assert key.id not in response.text


async def test_unexpected_errors_are_masked_on_both_surfaces(client, key, monkeypatch):
    import rest_compat.delivery

    async def broken(*args, **kwargs):
        raise RuntimeError("secret database detail")

    monkeypatch.setattr(schema.messages.types, "get_message", broken)
    monkeypatch.setattr(rest_compat.delivery, "get_message", broken)
    graph = await gql(client, key, '{ message(id: "msg_x") { id } }')
    assert graph.json()["errors"][0]["message"] == "Unexpected error."
    assert "secret" not in graph.text
    rest = await client.get("/api/v1/delivery/messages/msg_x", headers=key.headers)
    assert rest.status_code == 500
    error = rest.json()["error"]
    assert error["code"] == "internal" and error["requestId"] == rest.headers["X-Request-Id"]
    assert "secret" not in rest.text and "Traceback" not in rest.text


async def test_graphiql_page_is_public_and_offline_when_assets_are_installed(client):
    from app.web.graphiql import VENDOR_DIR

    response = await client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200 and "graphiql" in response.text.lower()
    if not (VENDOR_DIR / "node_modules" / "graphiql").is_dir():
        import os

        assert not os.environ.get("CI"), "CI must install the GraphiQL assets (make assets)"
        return
    assert "unpkg.com" not in response.text
    for src in re.findall(r'(?:src|href)="(/static/frontend/[^"]+)"', response.text):
        assert (await client.get(src)).status_code == 200, src


async def test_repeated_queries_reuse_the_prepared_document(client, key):
    query = "{ viewer { organization { id } } }"
    await gql(client, key, query)
    prepared = documents.get(query)
    for _ in range(3):
        assert (await gql(client, key, query)).status_code == 200
    assert documents.get(query) is prepared


async def test_only_unexpected_errors_are_logged_as_server_errors(client, key, monkeypatch, caplog):
    async def broken(*args, **kwargs):
        raise RuntimeError("secret database detail")

    await gql(client, key, "{ nosuchfield }")
    await gql(client, key, '{ message(id: "msg_x") { id } }')  # a caller's mistake: not found
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    monkeypatch.setattr(schema.messages.types, "get_message", broken)
    await gql(client, key, '{ message(id: "msg_x") { id } }')
    assert any("secret database detail" in r.getMessage() or (r.exc_info and "secret" in str(r.exc_info[1]))
               for r in caplog.records if r.levelname == "ERROR")
