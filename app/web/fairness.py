"""Fair shares of one API process between organizations.

One process serves every organization on one event loop, so an organization with many
requests in flight takes the loop's time from everyone else's. While another organization
has been active in the last second, each organization runs at most `shared_limit` requests
at once in this process; the rest wait their turn (inside the request deadline). An
organization alone on the process is never held back, so a single-tenant installation loses
nothing. Requests without a valid key never get this far (401 first).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter, deque
from typing import Callable

ACTIVE_SECONDS = 1.0  # an organization counts as active this long after its last request


class OrgGate:
    def __init__(self, shared_limit: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.shared_limit = max(1, shared_limit)
        self._clock = clock
        self._running: Counter[str] = Counter()
        self._seen: dict[str, float] = {}  # organization -> its last request
        self._waiting: dict[str, deque[asyncio.Future]] = {}

    def _contended(self, organization_id: str, now: float) -> bool:
        """Whether another organization is running a request or sent one a moment ago."""
        for other, seen in list(self._seen.items()):
            if other == organization_id:
                continue
            if self._running[other] > 0 or now - seen < ACTIVE_SECONDS:
                return True
            del self._seen[other]  # idle for a while: forget it
        return False

    async def acquire(self, organization_id: str) -> None:
        """Wait until this organization may start another request here."""
        while True:
            now = self._clock()
            self._seen[organization_id] = now
            if self._running[organization_id] < self.shared_limit or not self._contended(organization_id, now):
                self._running[organization_id] += 1
                return
            # Wait for one of its own requests to end, or re-check when the others may have
            # gone quiet.
            turn = asyncio.get_running_loop().create_future()
            queue = self._waiting.setdefault(organization_id, deque())
            queue.append(turn)
            try:
                await asyncio.wait_for(turn, ACTIVE_SECONDS)
            except TimeoutError:
                pass
            finally:
                if turn in queue:
                    queue.remove(turn)
                if not queue:
                    self._waiting.pop(organization_id, None)

    def release(self, organization_id: str) -> None:
        self._running[organization_id] -= 1
        if self._running[organization_id] <= 0:
            del self._running[organization_id]
        queue = self._waiting.get(organization_id)
        while queue:
            turn = queue.popleft()
            if not turn.done():
                turn.set_result(None)
                break

    def running(self, organization_id: str) -> int:
        return self._running[organization_id]
