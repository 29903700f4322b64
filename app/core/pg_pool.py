"""A Tortoise engine: asyncpg with a pool that hands connections out first come, first served.

asyncpg's pool keeps free connections in an `asyncio.Queue`. When a connection comes back, the
queue wakes its longest waiter, but a request arriving before that waiter runs takes the
connection first (`get()` sees a free item) and the woken waiter goes to the back of the line.
On a busy process this repeats: most requests never wait while a few wait many times over.
Measured under wrk on the send route (pool of 5): acquires took 0 ms at the median and 250–330
ms at the 99th percentile (850 ms at worst), which was nearly all of the route's p99.

Here a released connection goes straight to the oldest waiter, and a newcomer queues behind
anyone already waiting. The pool is otherwise asyncpg's own (sizes, connection health, the
reset `app.core.db` sets). Used as the engine of the process's connection (`app.core.db`);
migrations keep Tortoise's stock engine.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque

import asyncpg
from asyncpg.pool import Pool, PoolConnectionProxy, _PoolConnectionHolderQueue
from tortoise.backends.asyncpg import AsyncpgDBClient

# asyncpg.create_pool's defaults for what Tortoise does not pass.
_POOL_DEFAULTS = {"max_queries": 50000, "max_inactive_connection_lifetime": 300.0, "record_class": asyncpg.Record,
                  "loop": None}


class _FirstComeQueue(_PoolConnectionHolderQueue):
    """The pool's queue of free connections (LIFO, live ones first, as asyncpg's), with waiters
    served in arrival order and a returned connection handed to the oldest one directly."""

    def _init(self, maxsize: int) -> None:
        super()._init(maxsize)
        self._turns: deque[asyncio.Future] = deque()

    async def get(self):
        if not self._turns and not self.empty():
            return self.get_nowait()
        turn = asyncio.get_running_loop().create_future()
        self._turns.append(turn)
        try:
            return await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self.put_nowait(turn.result())  # handed one just as it was cancelled: pass it on
            else:
                with contextlib.suppress(ValueError):
                    self._turns.remove(turn)
            raise

    def put_nowait(self, item) -> None:
        while self._turns:
            turn = self._turns.popleft()
            if not turn.done():
                turn.set_result(item)
                return
        super().put_nowait(item)


async def keep_session(connection) -> None:
    """The pool's reset of a released connection: nothing beyond what asyncpg always does (roll
    back a transaction left open, close cursors, drop listeners). Its default reset sends
    `RESET ALL; UNLISTEN *; SELECT pg_advisory_unlock_all(); CLOSE ALL` — a round trip on every
    release, i.e. on every request and every step of a runner — to undo session state this
    service never sets: no session-level SET, LISTEN or advisory lock (locks are
    transaction-scoped), and `statement_timeout` is a connection setting that RESET ALL keeps."""


def _idle(pool: Pool, connection) -> bool:
    """A connection asyncpg's release would hand straight back: ours, open, no transaction,
    cancellation or listener left, not due to be closed, and a reset that does nothing."""
    if type(connection) is not PoolConnectionProxy or connection._con is None or pool._reset is not keep_session:
        return False
    holder, con = connection._holder, connection._con
    protocol = con._protocol
    return (holder._pool is pool and holder._generation == pool._generation and not con.is_closed()
            and not protocol._is_cancelling() and not protocol.is_in_transaction() and con._top_xact is None
            and protocol.queries_count < holder._max_queries and not con._listeners and not con._log_listeners)


class FirstComePool(Pool):
    async def release(self, connection, *, timeout=None) -> None:
        """An idle connection goes back to the queue at once. asyncpg's release runs its checks
        and reset in a task of their own (shielded from the caller's cancellation) under a
        timeout: on every request, a task and a timer (~5 % of a send's CPU) for a reset
        that does nothing here. Anything else takes asyncpg's way."""
        if not _idle(self, connection):
            return await super().release(connection, timeout=timeout)
        self._check_init()  # a closed pool refuses, as asyncpg's release does
        holder = connection._holder
        connection._con._on_release()
        holder._timeout = None
        holder._release()
        holder._setup_inactive_callback()

    async def _initialize(self) -> None:
        await super()._initialize()
        # asyncpg builds its queue here; the same free connections, in the same order, move to ours.
        queue = _FirstComeQueue(maxsize=self._maxsize)
        queue._queue.extend(self._queue._queue)
        self._queue = queue


class FirstComeAsyncpgClient(AsyncpgDBClient):
    async def create_pool(self, **kwargs) -> asyncpg.Pool:
        return await FirstComePool(None, **{**_POOL_DEFAULTS, **kwargs})


client_class = FirstComeAsyncpgClient  # what Tortoise looks up in an engine module
