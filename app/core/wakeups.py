"""In-process wake-ups for the worker's loops: work created in this process (a send, an
import, an event that starts an automation) wakes its runner at once instead of at the next
idle poll. Other processes still find the work by polling."""

from __future__ import annotations

import asyncio


class Wakeups:
    def __init__(self) -> None:
        self._events: set[asyncio.Event] = set()

    def listen(self) -> asyncio.Event:
        event = asyncio.Event()
        self._events.add(event)
        return event

    def unlisten(self, event: asyncio.Event) -> None:
        self._events.discard(event)

    def notify(self) -> None:
        for event in list(self._events):
            event.set()


async def idle(stopping: asyncio.Event, wake: asyncio.Event, seconds: float) -> None:
    """Sleep until `seconds` pass, `wake` is set or `stopping` is set; then clear `wake`."""
    stop = asyncio.ensure_future(stopping.wait())
    woken = asyncio.ensure_future(wake.wait())
    await asyncio.wait({stop, woken}, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    stop.cancel()
    woken.cancel()
    wake.clear()


# One per runner: what producers (resolvers) notify and the runner listens to.
deliveries = Wakeups()  # a message was queued
imports = Wakeups()  # an import job was created
automation_runs = Wakeups()  # a run was started
webhook_deliveries = Wakeups()  # an event was queued for a webhook endpoint
