"""Fair shares of an API process: a busy organization waits its turn while another is active."""

from __future__ import annotations

import asyncio

import schema.messages.types
from app.web.fairness import ACTIVE_SECONDS, OrgGate
from tests.helpers import eventually


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_an_organization_alone_is_never_held_back():
    gate = OrgGate(2, Clock())
    for _ in range(10):
        await asyncio.wait_for(gate.acquire("org_a"), 0.1)
    assert gate.running("org_a") == 10


async def test_while_another_is_active_an_organization_runs_its_share_and_waits_for_its_own_turn():
    clock = Clock()
    gate = OrgGate(2, clock)
    await gate.acquire("org_b")
    gate.release("org_b")  # B was active a moment ago
    await gate.acquire("org_a")
    await gate.acquire("org_a")
    third = asyncio.create_task(gate.acquire("org_a"))
    await asyncio.sleep(0.05)
    assert not third.done() and gate.running("org_a") == 2
    await asyncio.wait_for(gate.acquire("org_b"), 0.1)  # B is never behind A's queue
    gate.release("org_a")
    await asyncio.wait_for(third, 0.1)
    assert gate.running("org_a") == 2


async def test_when_the_others_go_quiet_the_waiting_organization_goes_on():
    clock = Clock()
    gate = OrgGate(1, clock)
    await gate.acquire("org_b")
    gate.release("org_b")
    await gate.acquire("org_a")
    waiting = asyncio.create_task(gate.acquire("org_a"))
    await asyncio.sleep(0.05)
    assert not waiting.done()
    clock.now += ACTIVE_SECONDS + 0.1
    await asyncio.wait_for(waiting, ACTIVE_SECONDS + 0.5)  # re-checked without a release
    assert gate.running("org_a") == 2


async def test_a_busy_organizations_requests_wait_while_another_is_served(client, make_key, monkeypatch):
    busy, other = await make_key(), await make_key()
    entered: list[str] = []
    holds = {busy.organization_id: asyncio.Event(), other.organization_id: asyncio.Event()}
    original = schema.messages.types.get_message

    async def held(principal, message_id):
        org = principal.organization_id
        entered.append(org)
        if org == busy.organization_id or entered.count(org) == 1:  # all of busy's, other's first
            await holds[org].wait()
        return await original(principal, message_id)

    monkeypatch.setattr(schema.messages.types, "get_message", held)
    query = {"query": '{ message(id: "msg_00000000000000000000000000") { id } }'}
    # The other organization has a request running: it is active, whatever the clock says.
    first = asyncio.create_task(client.post("/graphql", json=query, headers=other.headers))
    await eventually(lambda: other.organization_id in entered, timeout=10, every=0.01,
                     what="the other organization's first request running")
    busy_calls = [asyncio.create_task(client.post("/graphql", json=query, headers=busy.headers)) for _ in range(4)]
    await eventually(lambda: entered.count(busy.organization_id) >= 2, timeout=5, every=0.01,
                     what="two of the busy organization's requests running")
    await asyncio.sleep(0.2)  # time for a third to get in, were it let in
    assert entered.count(busy.organization_id) == 2  # its share; two wait their turn
    served = await asyncio.wait_for(client.post("/graphql", json=query, headers=other.headers), 2)
    assert served.status_code == 200 and entered.count(other.organization_id) == 2
    for hold in holds.values():
        hold.set()
    assert (await first).status_code == 200
    assert [r.status_code for r in await asyncio.gather(*busy_calls)] == [200] * 4
    assert entered.count(busy.organization_id) == 4
