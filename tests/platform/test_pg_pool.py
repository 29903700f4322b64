"""The process's PostgreSQL pool serves waiting requests in arrival order (app.core.pg_pool).

A pool of one connection makes the order visible: a request that frees the connection and asks
again at once must queue behind those already waiting (asyncpg's stock pool lets it take the
connection back, and the waiters can starve), and a waiter cancelled at any moment never takes
a connection with it."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from asyncpg.pool import _PoolConnectionHolderQueue
from tortoise import Tortoise

from app.core import db
from app.core.pg_pool import FirstComeAsyncpgClient, FirstComePool, _FirstComeQueue, keep_session
from tests.helpers import BACKEND, DATABASE_URL

pytestmark = pytest.mark.skipif(BACKEND != "postgres", reason="PostgreSQL's pool (SQLite has none)")


async def _pool(kind=FirstComePool, reset=None):
    return await kind(DATABASE_URL, min_size=1, max_size=1, max_queries=50000, max_inactive_connection_lifetime=300,
                      record_class=asyncpg.Record, connection_class=asyncpg.Connection, loop=None, reset=reset)


async def _order_of_turns(pool) -> list[str]:
    turns: list[str] = []
    first = await pool.acquire()

    async def wait_turn(name: str) -> None:
        async with pool.acquire() as connection:
            await connection.execute("SELECT 1")
            turns.append(name)

    waiting = [asyncio.create_task(wait_turn(name)) for name in ("b", "c")]
    await asyncio.sleep(0.05)  # both are waiting
    await pool.release(first)
    async with pool.acquire():  # the releasing request asks again at once
        turns.append("a again")
    await asyncio.gather(*waiting)
    return turns


async def test_waiting_requests_are_served_before_one_that_asks_again():
    pool = await _pool()
    try:
        assert await _order_of_turns(pool) == ["b", "c", "a again"]
    finally:
        await pool.close()


class _Free:
    """A free connection as the queue sees it."""

    def is_connected(self) -> bool:
        return True


async def _queue_turns(queue) -> list[str]:
    """A connection comes back while one request waits and another, already running, asks."""
    turns: list[str] = []

    async def take(name: str) -> None:
        await queue.get()
        turns.append(name)

    waiter = asyncio.create_task(take("waiter"))
    await asyncio.sleep(0)  # waiting now
    newcomer = asyncio.create_task(take("newcomer"))  # runs before the waiter wakes
    queue.put_nowait(_Free())
    await asyncio.sleep(0.01)
    queue.put_nowait(_Free())
    await asyncio.gather(waiter, newcomer)
    return turns


async def test_a_returned_connection_goes_to_the_oldest_waiter():
    assert await _queue_turns(_FirstComeQueue(maxsize=2)) == ["waiter", "newcomer"]


async def test_asyncpg_queue_lets_a_newcomer_go_first():
    """What the engine is for: if asyncpg stops doing this, the engine can go."""
    assert await _queue_turns(_PoolConnectionHolderQueue(maxsize=2)) == ["newcomer", "waiter"]


async def test_a_cancelled_waiter_does_not_keep_the_connection():
    pool = await _pool()
    try:
        first = await pool.acquire()

        async def wait_turn():
            return await pool.acquire()

        waiter = asyncio.create_task(wait_turn())
        await asyncio.sleep(0.05)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        await pool.release(first)
        async with asyncio.timeout(2):
            async with pool.acquire() as connection:
                assert await connection.fetchval("SELECT 1") == 1
    finally:
        await pool.close()


async def test_a_waiter_cancelled_as_a_connection_reaches_it_passes_it_on():
    queue = _FirstComeQueue(maxsize=1)
    waiter = asyncio.create_task(queue.get())
    await asyncio.sleep(0)
    free = _Free()
    queue.put_nowait(free)  # handed to the waiter, which has not run yet
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert queue.get_nowait() is free


@pytest.fixture
def slow_releases(monkeypatch) -> list[str]:
    """Records each release that takes asyncpg's own way (a task, a timeout, the reset)."""
    taken: list[str] = []
    release = asyncpg.pool.Pool.release

    async def recorded(self, connection, *, timeout=None):
        taken.append("asyncpg")
        return await release(self, connection, timeout=timeout)

    monkeypatch.setattr(asyncpg.pool.Pool, "release", recorded)
    return taken


async def test_an_idle_connection_goes_back_at_once_to_the_next_in_line(slow_releases):
    pool = await _pool(reset=keep_session)
    try:
        first = await pool.acquire()
        backend = await first.fetchval("SELECT pg_backend_pid()")
        waiter = asyncio.create_task(pool.fetchval("SELECT pg_backend_pid()"))
        await asyncio.sleep(0.05)
        await pool.release(first)
        assert await waiter == backend  # the same session, handed on
        with pytest.raises(asyncpg.InterfaceError):  # the released proxy is detached, as asyncpg's
            await first.fetchval("SELECT 1")
        assert slow_releases == []
        assert pool.get_idle_size() == 1
    finally:
        await pool.close()


async def test_a_connection_released_inside_a_transaction_is_rolled_back(slow_releases):
    pool = await _pool(reset=keep_session)
    try:
        connection = await pool.acquire()
        await connection.execute("BEGIN")
        await connection.execute("CREATE TEMP TABLE left_open (x int)")
        await pool.release(connection)
        assert slow_releases == ["asyncpg"]
        async with pool.acquire() as again:
            assert not again.is_in_transaction()
            assert await again.fetchval("SELECT to_regclass('pg_temp.left_open')") is None  # rolled back
    finally:
        await pool.close()


async def test_another_reset_takes_asyncpg_way(slow_releases):
    resets = []

    async def reset(connection):
        resets.append(connection)

    pool = await _pool(reset=reset)
    try:
        async with pool.acquire() as connection:
            await connection.execute("SELECT 1")
        assert slow_releases == ["asyncpg"] and len(resets) == 1
    finally:
        await pool.close()


async def test_the_serving_process_uses_it():
    await db.ping()  # the pool is made on first use
    pool = Tortoise.get_connection("default")._pool
    assert isinstance(pool, FirstComePool) and pool._reset is keep_session


_LOOKUP = "SELECT first_name FROM plan_probe WHERE organization_id = $1 AND email_key = $2 LIMIT 1"


async def _plan_of(connection, runs: int) -> str:
    """The plan PostgreSQL uses for asyncpg's cached statement of _LOOKUP after `runs` runs."""
    for _ in range(runs):
        await connection.fetch(_LOOKUP, "org", "absent")
    name = await connection.fetchval("SELECT name FROM pg_prepared_statements WHERE statement = $1", _LOOKUP)
    return "\n".join(r[0] for r in await connection.fetch(f"EXPLAIN EXECUTE {name}('org', 'absent')"))


async def test_a_statement_planned_for_a_tiny_table_is_planned_again_once_the_table_grew(monkeypatch):
    """After five runs PostgreSQL may keep a generic plan made for the table sizes of that moment,
    and nothing plans it again as rows arrive until the next ANALYZE. The contacts table has this
    shape: with two rows, the lookup by (organization, email key) took the (organization,
    created_at) index and filtered every row of the organization by email key. The serving
    pool's connections prepare statements again after STATEMENT_LIFETIME_SECONDS, and the
    lookup goes back to the unique index."""
    monkeypatch.setattr(db, "STATEMENT_LIFETIME_SECONDS", 1)
    credentials = db.tortoise_config(DATABASE_URL, serving=True)["connections"]["default"]["credentials"]
    client = FirstComeAsyncpgClient(connection_name="plan_probe", **{**credentials, "minsize": 1, "maxsize": 1})
    await client.create_connection(with_db=True)
    try:
        async with client.acquire_connection() as connection:
            # The contacts table's columns and indexes, two contacts of one organization.
            await connection.execute("CREATE TEMP TABLE plan_probe (LIKE contacts INCLUDING INDEXES)")
            add = ("INSERT INTO plan_probe (id, email, email_key, custom_fields, created_at, updated_at, organization_id)"
                   " SELECT 'ct_' || i, i || '@x.test', i || '@x.test', '{}', now(), now(), 'org' FROM generate_series($1::int, $2) i")
            await connection.execute(add, 1, 2)
            tiny = await _plan_of(connection, 8)
            assert "Filter: ((email_key)::text = $2)" in tiny, tiny  # every contact of the organization, filtered
            await connection.execute(add, 3, 50_000)
            assert await _plan_of(connection, 1) == tiny  # the same statement: the same plan
            await asyncio.sleep(1.2)
            grown = await _plan_of(connection, 8)  # prepared again, for 50,000 rows
            assert "Filter" not in grown and "(email_key)::text = $2" in grown, grown
    finally:
        await client.close()
