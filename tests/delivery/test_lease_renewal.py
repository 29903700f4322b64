"""Renewing leases never waits on a row another transaction holds (PostgreSQL).

A worker renews the leases of its claims while its claim loop finishes some of the same rows
on another connection, in another order. Were the renewal to wait for a locked row while
holding the others, the two statements could each wait for the other: PostgreSQL's deadlock
detector then aborts one. The renewal skips a locked row instead; the next beat extends it."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import asyncpg
import pytest

from app.engines import delivery_queue
from models import Message
from tests.helpers import BACKEND, DATABASE_URL, send_ok

pytestmark = pytest.mark.skipif(BACKEND != "postgres", reason="row locks are PostgreSQL's (SQLite locks the file)")


async def test_a_row_locked_elsewhere_is_skipped_and_the_others_are_extended(client, key):
    ids = [await send_ok(client, key, to=f"renew{i}@example.com", **{"from": "a@acme.com"}, subject="S", text="T")
           for i in range(2)]
    claims = {c.id: c.attempt for c in await delivery_queue.claim(
        10, lease_seconds=60, organizations=[key.organization_id])}
    assert set(claims) == set(ids)
    free, locked = ids
    before = {m.id: m.due_at for m in await Message.filter(id__in=ids)}

    other = await asyncpg.connect(DATABASE_URL)
    try:
        async with other.transaction():
            # Another transaction writes one of the claimed rows and holds its lock.
            await other.execute("UPDATE messages SET updated_at = now() WHERE id = $1", locked)
            renewed = await asyncio.wait_for(delivery_queue.renew(claims, 3600), timeout=10)
            assert renewed == 1
            # The renewal holds no lock now: the other transaction can write the renewed row too.
            await asyncio.wait_for(other.execute("UPDATE messages SET updated_at = now() WHERE id = $1", free), 10)
    finally:
        await other.close()

    after = {m.id: m.due_at for m in await Message.filter(id__in=ids)}
    assert after[locked] == before[locked]
    assert after[free] > before[free] and after[free] > datetime.now(timezone.utc).replace(microsecond=0)
    # Once the lock is gone, the next renewal extends the skipped row as well.
    assert await delivery_queue.renew(claims, 3600) == 2
    assert (await Message.get(id=locked)).due_at > before[locked]
    await Message.filter(id__in=ids).update(status="canceled")
