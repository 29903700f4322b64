"""Group writes (and reads): what callers submit while earlier ones are in flight goes out together.

A send's INSERT costs PostgreSQL about 0.2 ms of CPU and the client about 0.1 ms for the round
trip, and most of both is per statement, not per row: written four at a time the same rows cost
about half of that on each side (measured with asyncpg, 16 writers, 5 connections). Under load
many sends are waiting at once, so `Batcher` lets at most `max_in_flight` writes run, and
whatever was submitted meanwhile becomes the next write, up to `max_batch` items: batches grow
with the load and stay single when it is light (one item takes `write_one`, as before).

Each caller still waits for its own item, and gets its own answer or error: when a batch fails,
its items are written one by one, so one bad item fails only its caller. An item whose caller
gave up (cancelled) before its write started is dropped; once started, it completes. Reads go
the same way: `write_many` answers each item (the contacts a group of sends' templates use).

A caller must not hold a pooled connection (a transaction) while it waits: the write needs one
of its own, and with every connection held by callers waiting for writes, none would start.
Inside a transaction, write on the transaction's connection instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Batcher(Generic[T, R]):
    """`write_one(item)` answers one item, `write_many(items)` several (a list of answers, in
    their order): each caller of `submit` gets its item's answer."""

    def __init__(
        self, write_one: Callable[[T], Awaitable[R]], write_many: Callable[[Sequence[T]], Awaitable[Sequence[R]]],
        *, max_in_flight: int = 2, max_batch: int = 64,
    ) -> None:
        self.write_one = write_one
        self.write_many = write_many
        self.max_in_flight = max_in_flight
        self.max_batch = max_batch
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending: list[tuple[T, asyncio.Future]] = []
        self._writing: set[asyncio.Task] = set()
        self._starting = False

    async def submit(self, item: T) -> R:
        """Write `item` (alone or with others); its answer once written, or its error."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a new event loop (tests run several): nothing carries over
            self._loop, self._pending, self._writing, self._starting = loop, [], set(), False
        done = loop.create_future()
        self._pending.append((item, done))
        self._start_soon()
        return await done

    def _start_soon(self) -> None:
        # On the next turn of the loop, so that items submitted in this one go together.
        if not self._starting and len(self._writing) < self.max_in_flight:
            self._starting = True
            self._loop.call_soon(self._start)

    def _start(self) -> None:
        self._starting = False
        while self._pending and len(self._writing) < self.max_in_flight:
            taken, self._pending = self._pending[: self.max_batch], self._pending[self.max_batch :]
            batch = [(item, done) for item, done in taken if not done.done()]  # callers still waiting
            if batch:
                task = self._loop.create_task(self._write(batch))
                self._writing.add(task)
                task.add_done_callback(self._ended)

    def _ended(self, task: asyncio.Task) -> None:
        self._writing.discard(task)
        if self._pending:
            self._start_soon()

    async def _write(self, batch: list[tuple[T, asyncio.Future]]) -> None:
        try:
            await self._write_batch(batch)
        except Exception as exc:  # answers that do not match the items: every caller still waiting gets the error
            for _, done in batch:
                _settle(done, error=exc)
        except BaseException as exc:  # cancelled (shutdown): every caller still waiting learns it
            for _, done in batch:
                _settle(done, error=exc)
            raise

    async def _write_batch(self, batch: list[tuple[T, asyncio.Future]]) -> None:
        if len(batch) > 1:
            try:
                answers = await self.write_many([item for item, _ in batch])
            except Exception:  # which item failed is unknown: each alone, with its own answer
                pass
            else:
                if len(answers) != len(batch):
                    raise ValueError(f"{len(answers)} answers for {len(batch)} items")
                for (_, done), answer in zip(batch, answers):
                    _settle(done, answer)
                return
        for item, done in batch:
            try:
                answer = await self.write_one(item)
            except Exception as exc:
                _settle(done, error=exc)
            else:
                _settle(done, answer)


def _settle(done: asyncio.Future, answer=None, *, error: BaseException | None = None) -> None:
    if done.done():  # the caller gave up meanwhile; the item is written all the same
        return
    if error is None:
        done.set_result(answer)
    elif isinstance(error, asyncio.CancelledError):
        done.cancel()
    else:
        done.set_exception(error)
