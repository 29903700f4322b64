"""API keys: both headers, every bad key is 401 in one shape, revocation (at once here, within
the cache's TTL elsewhere), the key cache under a flood of unknown keys, keys never stored in
plain text, last-used written in batches, and the public routes."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

import httpx
import pytest
from tortoise import Tortoise

from app.main import create_app
from app.web.auth import generate_key
from app.web.keys import revoke_key
from models import ApiKey
from tests.helpers import SEND, gql


def assert_unauthorized(response):
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.headers["X-Request-Id"].startswith("req_")
    error = response.json()["error"]
    assert error["code"] == "unauthorized" and error["message"]


async def test_bearer_and_x_api_key_both_work(client, key):
    for headers in ({"Authorization": f"Bearer {key.plaintext}"}, {"X-API-Key": key.plaintext}):
        response = await client.get("/api/v1/contacts", headers=headers)
        assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer et_live_short"},
        {"X-API-Key": "sk_live_" + "a" * 32},
        {"Authorization": "Bearer et_live_" + "a" * 32},  # well-formed, unknown
        {"X-API-Key": "et_test_" + "B" * 32},
    ],
    ids=["missing", "empty-bearer", "basic", "malformed", "wrong-prefix", "unknown", "unknown-test"],
)
async def test_bad_keys_are_401(client, headers):
    assert_unauthorized(await client.post("/api/v1/delivery/send", json=SEND, headers=headers))


async def test_revoked_key_is_401_and_sends_nothing(client, app, key):
    from models import Message

    assert (await client.post("/api/v1/delivery/send", json=SEND, headers=key.headers)).status_code == 202
    assert len(await revoke_key(key.id)) == 1
    app.state.services.keys.forget()  # this process revoked it: no cache delay
    assert_unauthorized(await client.post("/api/v1/delivery/send", json=SEND, headers=key.headers))
    assert await Message.filter(organization_id=key.organization_id).count() == 1


async def test_revocation_elsewhere_takes_effect_within_cache_ttl(client, app, key):
    """Another process revoking the key is seen once the cache entry expires (5 s)."""
    keys = app.state.services.keys
    assert (await client.get("/api/v1/contacts", headers=key.headers)).status_code == 200
    await ApiKey.filter(id=key.id).update(revoked_at=datetime.now(timezone.utc))
    assert (await client.get("/api/v1/contacts", headers=key.headers)).status_code == 200  # cached
    keys._cache.expire(time=keys._cache.timer() + 6)  # what 6 seconds of waiting would do
    assert_unauthorized(await client.get("/api/v1/contacts", headers=key.headers))


async def test_unknown_keys_do_not_push_real_keys_out_of_the_cache(settings, key):
    """A flood of well-formed random keys (five times the cache) leaves the real key cached:
    revoked behind the cache's back, it still works until its entry expires."""
    app = create_app(dataclasses.replace(settings, key_cache_size=10), manage_db=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        assert (await client.get("/api/v1/contacts", headers=key.headers)).status_code == 200
        for i in range(50):
            random_key = {"Authorization": f"Bearer {generate_key(test=i % 2 == 1)}"}
            assert_unauthorized(await client.get("/api/v1/contacts", headers=random_key))
        await ApiKey.filter(id=key.id).update(revoked_at=datetime.now(timezone.utc))
        assert (await client.get("/api/v1/contacts", headers=key.headers)).status_code == 200  # still cached
        keys = app.state.services.keys
        keys._cache.expire(time=keys._cache.timer() + 6)  # and the revocation is seen once it expires
        assert_unauthorized(await client.get("/api/v1/contacts", headers=key.headers))


async def test_graphql_needs_a_key_and_says_so_graphql_style(client):
    response = await gql(client, None, "{ viewer { organization { id } } }")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json()["errors"][0]["extensions"]["code"] == "unauthorized"


async def test_plaintext_key_is_never_stored(client, key):
    await client.post("/api/v1/contacts", json={"email": "x@example.com"}, headers=key.headers)
    await app_state_flush(client)
    connection = Tortoise.get_connection("default")
    secret = key.plaintext[12:]  # everything after the display prefix
    for table in ("organizations", "api_keys", "contacts", "messages", "events"):
        _, rows = await connection.execute_query(f'SELECT * FROM "{table}"')
        for row in rows:
            assert all(secret not in str(value) for value in dict(row).values()), table
    stored = await ApiKey.get(id=key.id)
    assert stored.key_hash != key.plaintext and len(stored.key_hash) == 64


async def app_state_flush(client) -> None:
    await client._transport.app.state.services.keys.flush_last_used()


async def test_last_used_is_written_in_batches_not_per_request(client, key):
    for _ in range(3):
        await client.get("/api/v1/contacts", headers=key.headers)
    assert (await ApiKey.get(id=key.id)).last_used_at is None
    assert await client._transport.app.state.services.keys.flush_last_used() == 1
    assert (await ApiKey.get(id=key.id)).last_used_at is not None


async def test_public_routes_need_no_key(client):
    for path in ("/healthz", "/openapi.json", "/docs", "/redoc", "/graphql"):
        response = await client.get(path)
        assert response.status_code == 200, path
