"""Writes to several messages at once lock them in id order (PostgreSQL): the worker's exchange
recording outcomes, and a contact's erasure.

Were one of them to lock in another order (the exchange: the order the sends ended; the
erasure's update: where the rows lie in the table), the two could each hold a row the other
waits for: PostgreSQL's deadlock detector would then abort one of them after a second, and an
aborted erasure is an error to the caller. Each test holds the lower id's row as the other,
id-ordered writer would, and checks that the higher one is free meanwhile."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from app.engines import delivery_queue
from app.engines.delivery_queue import Finish
from models import Message
from tests.helpers import BACKEND, DATABASE_URL, send_ok, upsert_ok

pytestmark = pytest.mark.skipif(BACKEND != "postgres", reason="row locks are PostgreSQL's (SQLite locks the file)")


async def test_finishes_lock_in_id_order_so_an_id_ordered_writer_never_deadlocks_with_them(client, key):
    ids = [await send_ok(client, key, to=f"order{i}@example.com", **{"from": "a@acme.com"}, subject="S", text="T")
           for i in range(2)]
    claims = {c.id: c for c in await delivery_queue.claim(10, lease_seconds=60, organizations=[key.organization_id])}
    first, second = sorted(ids)
    at = delivery_queue.now()
    # The sends ended in the other order: the higher id first.
    finishes = [Finish(claims[i], "sent", "250 OK", at, "250 OK") for i in (second, first)]

    other = await asyncpg.connect(DATABASE_URL)
    try:
        async with other.transaction():
            # An id-ordered writer (an erasure, say) has locked the first row...
            await other.execute("UPDATE messages SET updated_at = now() WHERE id = $1", first)
            exchanging = asyncio.create_task(delivery_queue.exchange(finishes, 0, 60))
            await _until_waiting_on_a_lock(other)
            # ...and goes on to the second: the exchange must not hold it (it waits on the
            # first). Well under deadlock_timeout (1 s), so a deadlock would show as a timeout.
            await asyncio.wait_for(other.execute("UPDATE messages SET updated_at = now() WHERE id = $1", second), 0.5)
        result = await asyncio.wait_for(exchanging, 10)
    finally:
        await other.close()
    assert result.recorded == [True, True]
    assert {m.id: m.status for m in await Message.filter(id__in=ids)} == {first: "sent", second: "sent"}


async def test_handing_back_held_claims_locks_in_id_order(client, key):
    """A stopping worker hands back the claims it held ready, several messages in one statement."""
    ids = [await send_ok(client, key, to=f"held{i}@example.com", **{"from": "a@acme.com"}, subject="S", text="T")
           for i in range(2)]
    claims = {c.id: c.attempt for c in await delivery_queue.claim(
        10, lease_seconds=60, organizations=[key.organization_id])}
    first, second = sorted(ids)

    other = await asyncpg.connect(DATABASE_URL)
    try:
        async with other.transaction():
            await other.execute("UPDATE messages SET updated_at = now() WHERE id = $1", first)
            releasing = asyncio.create_task(delivery_queue.release({second: claims[second], first: claims[first]}))
            await _until_waiting_on_a_lock(other)
            await asyncio.wait_for(other.execute("UPDATE messages SET updated_at = now() WHERE id = $1", second), 0.5)
        assert await asyncio.wait_for(releasing, 10) == 2
    finally:
        await other.close()
    assert {m.id: m.status for m in await Message.filter(id__in=ids)} == {first: "queued", second: "queued"}


async def test_erasure_locks_the_contacts_messages_in_id_order(client, key):
    contact = await upsert_ok(client, key, email="locked@example.com")
    ids = [await send_ok(client, key, to="locked@example.com", **{"from": "a@acme.com"}, subject=f"S{i}", text="T")
           for i in range(2)]
    first, second = sorted(ids)
    # Move the first one's row after the second in the table (status is indexed: a new tuple
    # at the end), so that reading them where they lie meets the second first.
    await Message.filter(id=first).update(status="canceled")

    other = await asyncpg.connect(DATABASE_URL)
    try:
        async with other.transaction():
            # An id-ordered writer (the worker's exchange, say) has locked the first row...
            await other.execute("UPDATE messages SET updated_at = now() WHERE id = $1", first)
            erasing = asyncio.create_task(client.delete(f"/api/v1/contacts/{contact['id']}", headers=key.headers))
            await _until_waiting_on_a_lock(other)
            # ...and goes on to the second, which the waiting erasure must not hold.
            await asyncio.wait_for(other.execute("UPDATE messages SET updated_at = now() WHERE id = $1", second), 0.5)
        response = await asyncio.wait_for(erasing, 10)
    finally:
        await other.close()
    assert response.status_code == 200, response.text
    assert response.json()["messagesRedacted"] == 2
    assert {m.subject for m in await Message.filter(id__in=ids)} == {"[erased]"}


async def _until_waiting_on_a_lock(conn: asyncpg.Connection) -> None:
    for _ in range(200):
        if await conn.fetchval("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                               "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the exchange never waited on the locked row")
