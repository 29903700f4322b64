"""Rate limits per key: the headers on every answer, 429 with Retry-After (minute and day), one
budget for REST and GraphQL, a unit per aliased mutation, the in-process limiter, and Redis
(shared between instances; unreachable, it degrades without a 500)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta, timezone

import httpx

from app.core.settings import Settings
from app.main import create_app
from app.web.ratelimit import MemoryLimiter, RedisLimiter
from models import Contact, Message
from tests.helpers import DATABASE_URL, REDIS_URL, SEND, free_port, gql, requires_redis, within_one_minute_window

HEADERS = (
    "X-RateLimit-Limit-Minute",
    "X-RateLimit-Remaining-Minute",
    "X-RateLimit-Reset-Minute",
    "X-RateLimit-Limit-Day",
    "X-RateLimit-Remaining-Day",
)


async def test_headers_on_success_and_on_errors(client, make_key):
    key = await make_key(per_minute=10, per_day=100)
    await within_one_minute_window()  # the minute window must not reset mid-test
    ok = await client.post("/api/v1/delivery/send", json=SEND, headers=key.headers)
    assert ok.status_code == 202
    assert [ok.headers[h] for h in HEADERS[:2]] == ["10", "9"]
    assert ok.headers["X-RateLimit-Limit-Day"] == "100" and ok.headers["X-RateLimit-Remaining-Day"] == "99"
    assert 1 <= int(ok.headers["X-RateLimit-Reset-Minute"]) <= 60
    for response in (
        await client.post("/api/v1/delivery/send", json={"to": "nope"}, headers=key.headers),
        await client.get("/api/v1/contacts/ct_doesnotexist", headers=key.headers),
        await client.post("/api/v1/contacts", content=b"{oops", headers={**key.headers, "Content-Type": "application/json"}),
        await gql(client, key, "{ viewer { organization { id } } }"),
        await gql(client, key, "{ nope }"),
    ):
        assert all(h in response.headers for h in HEADERS), (response.status_code, response.text)
    assert response.headers["X-RateLimit-Remaining-Minute"] == "4"


async def test_over_budget_is_429_with_retry_after_and_no_effect(client, make_key):
    key = await make_key(per_minute=2, per_day=100)
    await within_one_minute_window()  # the minute window must not reset mid-test
    for _ in range(2):
        assert (await client.post("/api/v1/delivery/send", json=SEND, headers=key.headers)).status_code == 202
    rejected = await client.post("/api/v1/delivery/send", json=SEND, headers=key.headers)
    assert rejected.status_code == 429
    assert rejected.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(rejected.headers["Retry-After"]) <= 60
    assert rejected.headers["X-RateLimit-Remaining-Minute"] == "0"
    contact = await client.post("/api/v1/contacts", json={"email": "z@example.com"}, headers=key.headers)
    assert contact.status_code == 429
    assert await Message.filter(organization_id=key.organization_id).count() == 2
    assert await Contact.filter(organization_id=key.organization_id).count() == 0


async def test_day_budget_gives_retry_after_until_midnight(client, make_key):
    key = await make_key(per_minute=100, per_day=1)
    await within_one_minute_window()  # the minute window must not reset mid-test
    await client.get("/api/v1/contacts", headers=key.headers)
    rejected = await client.get("/api/v1/contacts", headers=key.headers)
    assert rejected.status_code == 429
    # Seconds to the next UTC midnight (the day window), not to the next minute.
    now = datetime.now(timezone.utc)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    assert abs(int(rejected.headers["Retry-After"]) - (midnight - now).total_seconds()) <= 2
    assert rejected.headers["X-RateLimit-Remaining-Day"] == "0"


async def test_rest_and_graphql_share_one_budget(client, make_key):
    key = await make_key(per_minute=3, per_day=100)
    await within_one_minute_window()  # the minute window must not reset mid-test
    assert (await client.get("/api/v1/contacts", headers=key.headers)).status_code == 200
    assert (await gql(client, key, "{ viewer { apiKey { id } } }")).status_code == 200
    assert (await client.get("/api/v1/contacts", headers=key.headers)).status_code == 200
    response = await gql(client, key, "{ viewer { apiKey { id } } }")
    assert response.status_code == 429
    assert response.json()["errors"][0]["extensions"]["code"] == "rate_limited"
    assert "Retry-After" in response.headers


async def test_aliased_mutations_each_cost_one_unit(client, make_key):
    key = await make_key(per_minute=10, per_day=100)
    await within_one_minute_window()  # the minute window must not reset mid-test
    fields = " ".join(
        f'm{i}: sendEmail(input: {{to: ["a@example.com"], from: "a@acme.com", subject: "s", text: "t"}}) {{ messageId }}'
        for i in range(50)
    )
    response = await gql(client, key, f"mutation {{ {fields} }}")
    # 50 units can never fit a 10-a-minute budget: refused for good (not a 429 to retry),
    # charged the one unit every admitted request costs.
    assert response.status_code == 200
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "too_costly" and error["extensions"]["cost"]["requested"] == 50
    assert response.headers["X-RateLimit-Remaining-Minute"] == "9"
    assert await Message.filter(organization_id=key.organization_id).count() == 0
    fragment = (
        "mutation { ...F } fragment F on Mutation { "
        + " ".join(f'm{i}: sendEmail(input: {{to: ["a@example.com"], from: "a@acme.com", subject: "s", text: "t"}}) {{ messageId }}' for i in range(4))
        + " }"
    )
    response = await gql(client, key, fragment)
    assert response.status_code == 200
    assert response.headers["X-RateLimit-Remaining-Minute"] == "5"
    assert response.json()["extensions"]["cost"]["remainingMinute"] == 5
    assert await Message.filter(organization_id=key.organization_id).count() == 4


async def test_memory_limiter_windows_reset():
    now = [1_800_000_000.0]  # a whole minute
    limiter = MemoryLimiter(clock=lambda: now[0])
    assert (await limiter.hit("k", 2, 3)).allowed
    assert (await limiter.hit("k", 2, 3)).allowed
    blocked = await limiter.hit("k", 2, 3)
    assert not blocked.allowed and blocked.retry_after == 60
    now[0] += 60
    assert (await limiter.hit("k", 2, 3)).allowed
    day_blocked = await limiter.hit("k", 2, 3)
    assert not day_blocked.allowed and day_blocked.remaining_day == 0
    assert day_blocked.retry_after == 86_400 - (int(now[0]) % 86_400)
    assert await limiter.used_today(["k", "unused"]) == {"k": 3, "unused": 0}  # a refused hit costs nothing
    now[0] += 86_400
    assert await limiter.used_today(["k"]) == {"k": 0}  # a new UTC day


async def test_unreachable_redis_degrades_without_500(make_key, caplog):
    settings = Settings(database_url=DATABASE_URL, redis_url=f"redis://127.0.0.1:{free_port()}/0")
    app = create_app(settings, manage_db=False)
    key = await make_key(per_minute=2, per_day=100)
    await within_one_minute_window()  # the minute window must not reset mid-test
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
        statuses = [(await c.get("/api/v1/contacts", headers=key.headers)).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]  # the in-process limiter still enforces the budget
        health = await c.get("/healthz")
    assert health.status_code == 200
    assert health.json()["status"] == "degraded" and health.json()["redis"] == "unreachable"
    assert any("Redis unreachable" in r.message for r in caplog.records)


@requires_redis
async def test_two_instances_share_one_redis_budget(make_key):
    key = await make_key(per_minute=4, per_day=100)
    await within_one_minute_window()  # the minute window must not reset mid-test
    settings = Settings(database_url=DATABASE_URL, redis_url=REDIS_URL)
    apps = [create_app(settings, manage_db=False) for _ in range(2)]
    clients = [httpx.AsyncClient(transport=httpx.ASGITransport(app=a), base_url="http://test") for a in apps]
    try:
        statuses = [(await clients[i % 2].get("/api/v1/contacts", headers=key.headers)).status_code for i in range(6)]
    finally:
        for c in clients:
            await c.aclose()
    assert statuses == [200, 200, 200, 200, 429, 429]


@requires_redis
async def test_redis_healthz_ok(client):
    body = (await client.get("/healthz")).json()
    assert body == {"status": "ok", "database": "ok", "redis": "ok"}


@requires_redis
async def test_requests_admitted_together_share_one_pipeline_and_each_is_charged_once(monkeypatch):
    """Concurrent charges go to Redis together; each is still checked and counted on its own."""
    limiter = RedisLimiter(REDIS_URL)
    batches = []
    run = limiter._run_scripts

    async def spy(batch):
        batches.append(len(batch))
        return await run(batch)

    monkeypatch.setattr(limiter, "_run_scripts", spy)
    key_id = f"k-{uuid.uuid4().hex}"
    try:
        await within_one_minute_window()
        decisions = await asyncio.gather(*(limiter.hit(key_id, 10, 100) for _ in range(25)))
        assert sum(d.allowed for d in decisions) == 10
        assert sorted(d.remaining_minute for d in decisions if d.allowed) == list(range(10))
        assert max(batches) > 1 and sum(batches) == 25
        # Redis lost its scripts (a restart): the next pipeline loads it again.
        await limiter._client.script_flush()
        again = await asyncio.gather(*(limiter.hit(f"{key_id}-2", 10, 100) for _ in range(3)))
        assert [d.allowed for d in again] == [True] * 3
    finally:
        await limiter.close()


async def test_a_batch_that_fails_falls_back_for_every_request_in_it(caplog):
    limiter = RedisLimiter(f"redis://127.0.0.1:{free_port()}/0")
    try:
        decisions = await asyncio.gather(*(limiter.hit("k", 2, 100) for _ in range(3)))
    finally:
        await limiter.close()
    assert [d.allowed for d in decisions] == [True, True, False]  # the in-process limits, one budget
    assert limiter.degraded
