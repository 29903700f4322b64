"""Claims held ahead (app/engines/leases.py `Slots(ahead=N)`), against a queue in memory that
claims as the claim statement does: the first `limit` due items in order, passing over the
organizations at their cap, at most `per_org` of one organization counting what it has in
flight (`busy`)."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field

import pytest

from app.engines.leases import QUICK_SECONDS, Slots


@dataclass
class Queue:
    due: list[tuple[str, str]] = field(default_factory=list)  # (item id, organization), in due order
    claims: int = 0  # claim round trips
    running: Counter = field(default_factory=Counter)
    most_running: Counter = field(default_factory=Counter)
    started: list[str] = field(default_factory=list)
    seconds: float = 0.0  # how long each item's work takes

    def add(self, organization: str, n: int) -> None:
        self.due += [(f"{organization}{len(self.due) + i}", organization) for i in range(n)]

    def pick(self, limit: int, busy: dict[str, int], per_org: int) -> list[tuple[str, str]]:
        full = {org for org, n in busy.items() if n >= per_org}
        candidates = [item for item in self.due if item[1] not in full][:limit]
        nth: Counter = Counter()
        picked = []
        for item in candidates:
            nth[item[1]] += 1
            if nth[item[1]] + busy.get(item[1], 0) <= per_org:
                picked.append(item)
        for item in picked:
            self.due.remove(item)
        return picked

    async def work(self, item_id: str, organization: str) -> None:
        self.started.append(item_id)
        self.running[organization] += 1
        self.most_running[organization] = max(self.most_running[organization], self.running[organization])
        try:
            await asyncio.sleep(self.seconds)
        finally:
            self.running[organization] -= 1

    def claimer(self, slots: Slots):
        async def claim() -> int:
            self.claims += 1
            picked = self.pick(slots.free(), slots.busy(), slots.per_org)
            for item_id, organization in picked:
                slots.hold(item_id, 1, organization, self.work(item_id, organization))
            return len(picked)

        return claim


async def _renew(claims: dict[str, int], seconds: float) -> int:
    return len(claims)


def slots(concurrency: int = 2, per_org: int = 1, ahead: int = 4) -> Slots:
    return Slots(concurrency, per_org, 60.0, _renew, "items", ahead=ahead)


async def serve_until_done(s: Slots, queue: Queue, idle_seconds: float = 1.0, timeout: float = 10.0) -> None:
    stopping, wake = asyncio.Event(), asyncio.Event()
    serving = asyncio.create_task(s.serve(queue.claimer(s), stopping, wake, idle_seconds))
    try:
        async with asyncio.timeout(timeout):
            while queue.due or s.tasks or s._ready:
                await asyncio.sleep(0.005)
    finally:
        stopping.set()
        await serving
        s.drop_ready()


async def test_a_quick_organization_gets_claims_held_ahead_and_one_claim_serves_several():
    claims = {}
    for ahead in (0, 8):
        queue, s = Queue(), slots(ahead=ahead)
        queue.add("a", 80)
        queue.seconds = 0.001
        await serve_until_done(s, queue)
        assert sorted(queue.started) == sorted(f"a{i}" for i in range(80))
        assert queue.most_running["a"] == 1  # never more than its share of the slots at once
        claims[ahead] = queue.claims
    # Claiming only what starts now: a claim per item. The claim for the slot it may not take
    # (which passes over its whole backlog) is made once per idle poll, not after every item.
    assert 80 <= claims[0] <= 80 + 2, claims
    # Claiming ahead: a top-up of four per claim (the queue's tail costs a claim per item).
    assert claims[8] <= claims[0] / 2.5, claims


async def test_without_claiming_ahead_a_runner_claims_only_what_starts_now():
    queue, s = Queue(), slots(ahead=0)
    queue.add("a", 10)
    queue.seconds = 0.01
    claim = queue.claimer(s)
    await claim()
    assert (len(s.tasks), s.busy()) == (1, {"a": 1})
    await asyncio.wait(s.tasks)


async def test_only_a_quick_organization_counts_fewer_and_only_when_topping_up():
    s = slots(concurrency=4, per_org=2, ahead=4)
    s._keep_pace("quick", QUICK_SECONDS / 10)
    s._keep_pace("slow", QUICK_SECONDS * 10)
    gate = asyncio.Event()
    for organization in ("quick", "slow", "new"):
        s.hold(f"{organization}-1", 1, organization, gate.wait())
    assert s.busy() == {"quick": 1 - 4, "slow": 1, "new": 1}
    for i in range(2, 5):  # the slots fill, then two are held ready: still topping up (at most 4 // 2)
        s.hold(f"quick-{i}", 1, "quick", gate.wait())
    assert (len(s.tasks), len(s._ready)) == (4, 2)
    s.hold("quick-5", 1, "quick", gate.wait())  # three held: no longer topping up
    assert s.busy() == {"quick": 5, "slow": 1, "new": 1}
    gate.set()
    while s.tasks:
        await asyncio.wait(s.tasks)


async def test_a_slow_item_ends_the_claims_held_ahead_at_once():
    s = slots()
    s._keep_pace("a", 0.001)
    s._keep_pace("a", 0.001)
    s._keep_pace("a", QUICK_SECONDS * 3)
    assert s._pace["a"] == QUICK_SECONDS * 3
    s._keep_pace("a", 0.0)  # quick ones bring it down gradually
    assert s._pace["a"] > QUICK_SECONDS


async def test_held_claims_are_renewed_and_a_stopping_runner_gets_them_back_unstarted():
    renewed: list[dict[str, int]] = []

    async def renew(claims: dict[str, int], seconds: float) -> int:
        renewed.append(claims)
        return len(claims)

    s = Slots(1, 1, 60.0, renew, "items", ahead=2)
    gate, ran = asyncio.Event(), []

    async def work(name: str) -> None:
        ran.append(name)
        await gate.wait()

    for i, name in enumerate(("m1", "m2", "m3")):
        s.hold(name, i + 1, "a", work(name))
    await asyncio.sleep(0)
    await s._renew_all()
    assert renewed == [{"m1": 1, "m2": 2, "m3": 3}]
    dropped = s.drop_ready()
    assert [(d.claim_id, d.attempt) for d in dropped] == [("m2", 2), ("m3", 3)]
    gate.set()
    await asyncio.wait(s.tasks)
    assert ran == ["m1"]  # the dropped claims' work never starts, nor warns it was never awaited


@pytest.mark.parametrize("ahead", [0, 4])
async def test_another_organizations_item_behind_a_backlog_is_claimed_within_the_idle_poll(ahead):
    """The first organization's backlog fills the claims made for its own slot (and, claiming
    ahead, its top-ups, as it never reaches its cap then); the other organization's item is
    found by the claim for the free slot, which runs at most once per idle poll (it passes over
    the whole backlog of organizations at their cap)."""
    queue, s = Queue(), slots(concurrency=2, per_org=1, ahead=ahead)
    queue.add("a", 400)
    queue.seconds = 0.002
    stopping, wake = asyncio.Event(), asyncio.Event()
    serving = asyncio.create_task(s.serve(queue.claimer(s), stopping, wake, 0.1))
    try:
        await asyncio.sleep(0.05)
        queue.due.append(("b-late", "b"))
        async with asyncio.timeout(0.5):
            while "b-late" not in queue.started:
                await asyncio.sleep(0.005)
        assert any(org == "a" for _, org in queue.due)  # still behind the backlog
    finally:
        stopping.set()
        await serving
        s.drop_ready()
        await asyncio.gather(*s.tasks)


async def test_outcomes_are_recorded_at_the_next_turn_even_with_claims_held():
    """A worker killed before recording an outcome has that item done again: the loop records
    each ended item's outcome at its next turn, not at the next top-up (which, with claims
    held ahead, comes only every few items)."""
    queue, s = Queue(), slots(concurrency=1, per_org=1, ahead=8)
    queue.add("a", 40)
    queue.seconds = 0.005
    unrecorded: list[str] = []
    most_unrecorded = 0
    work = queue.work

    async def work_then_report(item_id: str, organization: str) -> None:
        nonlocal most_unrecorded
        await work(item_id, organization)
        most_unrecorded = max(most_unrecorded, len(unrecorded))
        unrecorded.append(item_id)

    queue.work = work_then_report
    claim = queue.claimer(s)

    async def record_and_claim() -> int:
        unrecorded.clear()
        return await claim()

    stopping, wake = asyncio.Event(), asyncio.Event()
    serving = asyncio.create_task(s.serve(record_and_claim, stopping, wake, 1.0, unrecorded=lambda: bool(unrecorded)))
    try:
        async with asyncio.timeout(10):
            while queue.due or s.tasks or s._ready or unrecorded:
                await asyncio.sleep(0.005)
    finally:
        stopping.set()
        await serving
        s.drop_ready()
    assert len(queue.started) == 40
    assert most_unrecorded == 0  # each outcome recorded before the next item ended
