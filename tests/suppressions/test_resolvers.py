"""The suppression resolvers called directly: `suppress` (as the worker uses it on a bounce) and
`suppressed_keys` (one query for a whole batch of recipients)."""

from __future__ import annotations

import asyncio

import pytest

from models import Suppression
from schema.suppressions.resolvers import suppress, suppressed_keys


async def test_suppress_helper_inserts_once_and_keeps_the_first_reason(make_key):
    key = await make_key()
    await suppress(key.organization_id, "Bounce@Example.com", "bounced", "550 5.1.1 user unknown", "msg_0123456789abcdefghijklmno")
    await suppress(key.organization_id, "bounce@example.com", "complained")  # already there: ignored
    await asyncio.gather(*(suppress(key.organization_id, "twice@example.com", "unsubscribed") for _ in range(5)))
    rows = await Suppression.filter(organization_id=key.organization_id).order_by("id")
    assert [(r.email, r.email_key, r.reason, r.detail, r.message_id) for r in rows] == [
        ("Bounce@example.com", "bounce@example.com", "bounced", "550 5.1.1 user unknown", "msg_0123456789abcdefghijklmno"),
        ("twice@example.com", "twice@example.com", "unsubscribed", "", None),
    ]
    with pytest.raises(ValueError):
        await suppress(key.organization_id, "x@example.com", "spam")


async def test_suppress_helper_shows_in_the_api(client, key):
    await suppress(key.organization_id, "worker@example.com", "bounced", "550", "msg_0123456789abcdefghijklmno")
    got = (await client.get("/api/v1/suppressions/worker@example.com", headers=key.headers)).json()
    assert (got["reason"], got["detail"], got["messageId"]) == ("bounced", "550", "msg_0123456789abcdefghijklmno")


async def test_suppressed_keys_is_per_organization(make_key):
    a, b = await make_key(), await make_key()
    await suppress(a.organization_id, "x@example.com", "bounced")
    await suppress(a.organization_id, "y@example.com", "manual")
    await suppress(b.organization_id, "y@example.com", "manual")
    pairs = [
        (a.organization_id, "x@example.com"),
        (a.organization_id, "Y@example.com"),  # keys are compared lower-cased, returned as given
        (a.organization_id, "z@example.com"),
        (b.organization_id, "x@example.com"),  # suppressed in A, not in B
        (b.organization_id, "y@example.com"),
    ]
    assert await suppressed_keys(pairs) == {
        (a.organization_id, "x@example.com"),
        (a.organization_id, "Y@example.com"),
        (b.organization_id, "y@example.com"),
    }
    assert await suppressed_keys([]) == set()
    assert await suppressed_keys(iter([(b.organization_id, "x@example.com")])) == set()


async def test_suppressed_keys_runs_one_query(make_key, monkeypatch):
    from tortoise.queryset import ValuesListQuery

    key = await make_key()
    await suppress(key.organization_id, "q@example.com", "bounced")
    calls = []
    original = ValuesListQuery._execute

    async def counted(self):
        calls.append(1)
        return await original(self)

    monkeypatch.setattr(ValuesListQuery, "_execute", counted)
    pairs = [(key.organization_id, f"r{i}@example.com") for i in range(200)] + [(key.organization_id, "q@example.com")]
    assert await suppressed_keys(pairs) == {(key.organization_id, "q@example.com")}
    assert len(calls) == 1
