"""Grouped writes (app.core.batching): what arrives while writes are in flight goes out together,
and every caller still gets its own outcome."""

from __future__ import annotations

import asyncio

import pytest

from app.core.batching import Batcher


class Store:
    """Fake writes that record what was written and how, and can be held or made to fail."""

    def __init__(self, bad: set[str] = frozenset()) -> None:
        self.bad = bad
        self.stored: list[str] = []
        self.writes: list[list[str]] = []
        self.running = 0
        self.most_at_once = 0
        self.gate = asyncio.Event()
        self.gate.set()

    async def _write(self, items: list[str]) -> None:
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        try:
            await self.gate.wait()
            await asyncio.sleep(0)
            if self.bad & set(items):
                raise ValueError(f"bad item among {items}")
            self.writes.append(items)
            self.stored.extend(items)
        finally:
            self.running -= 1

    async def one(self, item: str) -> str:
        await self._write([item])
        return item.upper()

    async def many(self, items) -> list[str]:
        await self._write(list(items))
        return [item.upper() for item in items]


async def _held(store: Store, batcher: Batcher, items: list[str]) -> list[asyncio.Task]:
    """Callers submitting `items` while the store holds its writes: their tasks, once waiting."""
    store.gate.clear()
    tasks = [asyncio.create_task(batcher.submit(item)) for item in items]
    await asyncio.sleep(0.01)
    return tasks


async def test_items_submitted_together_are_written_together():
    store = Store()
    batcher = Batcher(store.one, store.many)
    answers = await asyncio.gather(*(batcher.submit(f"m{i}") for i in range(5)))
    assert store.writes == [["m0", "m1", "m2", "m3", "m4"]]
    assert answers == ["M0", "M1", "M2", "M3", "M4"]  # each caller its own item's answer
    assert await batcher.submit("alone") == "ALONE"
    assert store.writes[-1] == ["alone"]


async def test_items_arriving_during_writes_wait_and_go_out_together():
    store = Store()
    batcher = Batcher(store.one, store.many, max_in_flight=2, max_batch=3)
    store.gate.clear()
    first = [asyncio.create_task(batcher.submit(f"a{i}")) for i in range(4)]  # batches of 3 and 1
    await asyncio.sleep(0.01)
    later = [asyncio.create_task(batcher.submit(f"b{i}")) for i in range(3)]
    await asyncio.sleep(0.01)
    assert store.running == 2 and not any(t.done() for t in first + later)
    store.gate.set()
    await asyncio.gather(*first, *later)
    assert store.writes[:2] == [["a0", "a1", "a2"], ["a3"]]
    assert store.writes[2:] == [["b0", "b1", "b2"]]
    assert store.most_at_once == 2


async def test_a_bad_item_fails_only_its_caller():
    store = Store(bad={"m2"})
    batcher = Batcher(store.one, store.many)
    outcomes = await asyncio.gather(*(batcher.submit(f"m{i}") for i in range(4)), return_exceptions=True)
    assert outcomes[:2] == ["M0", "M1"] and outcomes[3] == "M3" and isinstance(outcomes[2], ValueError)
    assert sorted(store.stored) == ["m0", "m1", "m3"]
    assert store.writes == [["m0"], ["m1"], ["m3"]]  # the batch failed: each alone


async def test_a_caller_that_gave_up_before_its_write_is_not_written():
    store = Store()
    batcher = Batcher(store.one, store.many, max_in_flight=1)
    [busy] = await _held(store, batcher, ["first"])
    gave_up = asyncio.create_task(batcher.submit("gave up"))
    waits = asyncio.create_task(batcher.submit("waits"))
    await asyncio.sleep(0.01)
    gave_up.cancel()
    store.gate.set()
    await asyncio.gather(busy, waits)
    assert gave_up.cancelled()
    assert store.stored == ["first", "waits"]


async def test_a_caller_that_gives_up_during_its_write_leaves_it_to_complete():
    store = Store()
    batcher = Batcher(store.one, store.many)
    submitted = await _held(store, batcher, ["m0", "m1", "m2"])
    submitted[0].cancel()
    store.gate.set()
    await asyncio.gather(*submitted[1:])
    assert store.stored == ["m0", "m1", "m2"]


async def test_a_write_cancelled_at_shutdown_cancels_its_callers():
    store = Store()
    batcher = Batcher(store.one, store.many)
    callers = await _held(store, batcher, ["m0", "m1"])
    for write in list(batcher._writing):
        write.cancel()
    for caller in callers:
        with pytest.raises(asyncio.CancelledError):
            await caller


async def test_answers_that_do_not_match_the_items_fail_every_caller():
    async def one(item):
        return item

    async def too_few(items):
        return list(items)[:-1]

    batcher = Batcher(one, too_few)
    outcomes = await asyncio.gather(*(batcher.submit(i) for i in range(3)), return_exceptions=True)
    assert all(isinstance(o, ValueError) for o in outcomes)
