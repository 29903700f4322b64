"""Every request has a deadline: past it the caller gets 504 `timeout` and its work stops."""

from __future__ import annotations

import asyncio
import dataclasses

import httpx
import pytest
from starlette.responses import StreamingResponse
from tortoise import Tortoise

import schema.messages.types
from app.main import create_app
from tests.helpers import BACKEND, eventually, gql

DEADLINE = 0.3


@pytest.fixture
def slow_app(settings):
    app = create_app(dataclasses.replace(settings, request_deadline_seconds=DEADLINE), manage_db=False)

    async def sleeping_query():
        if BACKEND == "postgres":
            await Tortoise.get_connection("default").execute_query("SELECT pg_sleep(5) AS viperatron_deadline_probe")
        else:
            await asyncio.sleep(5)

    async def slow_stream():
        async def chunks():
            for i in range(4):
                await asyncio.sleep(DEADLINE / 2)
                yield f"chunk {i}\n".encode()

        return StreamingResponse(chunks(), media_type="text/plain")

    app.add_api_route("/slow", sleeping_query)
    app.add_api_route("/slow-stream", slow_stream)
    return app


@pytest.fixture
async def slow_client(slow_app):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=slow_app), base_url="http://test") as c:
        yield c


async def test_a_request_past_its_deadline_gets_504_in_the_documented_shape(slow_client):
    response = await slow_client.get("/slow")
    assert response.status_code == 504
    error = response.json()["error"]
    assert error["code"] == "timeout" and "0.3 s" in error["message"]
    assert response.headers["X-Request-Id"].startswith("req_")


@pytest.mark.skipif(BACKEND != "postgres", reason="PostgreSQL cancels the statement server-side")
async def test_the_database_statement_is_cancelled_with_the_request(slow_client):
    assert (await slow_client.get("/slow")).status_code == 504
    connection = Tortoise.get_connection("default")

    async def none_running() -> list[dict] | None:
        running = await connection.execute_query_dict(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'active' "
            "AND query LIKE '%viperatron_deadline_probe%' AND pid <> pg_backend_pid()"
        )
        return running if running[0]["n"] == 0 else None

    running = await eventually(none_running, timeout=2, every=0.05, what="the probe statement cancelled")
    assert running and running[0]["n"] == 0


@pytest.fixture
async def graphql_client(settings):
    # Long enough for admission (key lookup, rate limit) on a loaded machine; the resolver is
    # what runs past it.
    app = create_app(dataclasses.replace(settings, request_deadline_seconds=2.0), manage_db=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
        yield c


async def test_a_slow_graphql_request_gets_a_graphql_shaped_timeout(graphql_client, key, monkeypatch):
    slow_client = graphql_client

    async def slow_get_message(*args, **kwargs):
        await asyncio.sleep(60)

    monkeypatch.setattr(schema.messages.types, "get_message", slow_get_message)
    response = await gql(slow_client, key, '{ message(id: "msg_x") { id } }')
    assert response.status_code == 504
    assert response.json()["errors"][0]["extensions"]["code"] == "timeout"
    assert response.headers["X-RateLimit-Remaining-Minute"]  # still an admitted request


async def test_a_streamed_body_may_take_longer_than_the_deadline(slow_client):
    response = await slow_client.get("/slow-stream")
    assert response.status_code == 200
    assert response.text == "".join(f"chunk {i}\n" for i in range(4))
