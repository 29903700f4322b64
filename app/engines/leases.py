"""Claims held by a worker: leases that hold while the work runs, and fairness between
organizations. Shared by the delivery worker (messages), the automation runner (runs) and the
import runner (import jobs): the claim (`pick_sql`), the fence (`fence_sql`, `fenced`) and
the lease renewal (`renew_sql`, or a fenced update of the work's own progress).

Claims: a due row (status in the queue's claimable ones, `due_at <= now`) is claimed by one
statement that sets its held status (`sending`, `running`), `due_at` = lease expiry and
`attempts + 1`; PostgreSQL locks the candidates `FOR UPDATE SKIP LOCKED`, so workers never
wait on each other. The attempt number is the claim's fencing token: every later write of
the claim (renewal, progress, finish) applies only while the row still carries it and the
held status (`fence_sql` / `fenced`), so a worker whose lease was taken over, or whose row
was canceled meanwhile, writes nothing.

Leases: a claimed row's `due_at` is its lease expiry, so a killed worker's claim comes back.
A live worker must not lose its claim to slow work (an SMTP transaction, a webhook call), or
it or another worker would claim the row again and repeat the work. While work is in flight,
`Slots` renews the leases of all of it every lease/3 seconds in one fenced update (`renew_sql`:
a row is extended only while it still carries this claim's attempt number and status), so a
worker that lost a claim cannot extend the claim that replaced it, and a claim whose work
ended is no longer renewed. On PostgreSQL the renewal skips rows another transaction has
locked rather than wait for them, so it can never deadlock with the worker's own finishes.

Fairness: at most `per_org` rows of one organization run in a worker at once. The claim
(`pick_sql`) skips organizations at their cap and ranks the rest, so one organization's slow
receivers or big backlog leave slots for the others. The cap is per worker process (counted
here, not in the database): with several worker processes, an organization holds at most
`per_org` slots in each.

Claiming ahead (`Slots(ahead=N)`, the delivery worker): a runner that claimed only what it can
start now pays one claim round trip per finished item, and each freed slot waits for it. With
`ahead`, up to N more claims are held ready and start the moment a slot frees; the claim tops
them up once half are gone, so one round trip serves several items. Only organizations whose
recent items finished quickly (`QUICK_SECONDS`) get claims held ahead, so a claim held ready
waits a fraction of a second, not behind a slow receiver. Claims held ready are leased and
renewed like running ones; a worker that stops hands them back (`Slots.drop_ready`).
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Collection, Coroutine
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from cachetools import TTLCache

log = logging.getLogger("viperatron.leases")

# An organization whose recent items took at most this long gets claims held ahead for it.
QUICK_SECONDS = 0.1
# An organization's pace: its items' durations, weighted towards the latest, kept while it has
# had items end lately (every claim lists the quick ones: at most this many).
PACE_ORGANIZATIONS = 1_000
PACE_SECONDS = 5.0


def per_org_cap(configured: int, concurrency: int) -> int:
    """VIPERATRON_ORG_MAX_IN_FLIGHT (at most the concurrency), or by default all slots but
    one: one always stays open to other organizations, and a lone organization (the usual
    self-hosted case) still uses nearly every slot."""
    if configured > 0:
        return min(configured, concurrency)
    return max(1, concurrency - 1)


# ----------------------------------------------------------------------------- claims

_PICK = """
WITH {before}busy AS (
    SELECT key AS organization_id, CAST(value AS INTEGER) AS in_flight FROM {each}
), candidates AS (
    SELECT id, organization_id, due_at, status AS was FROM {table}
    WHERE status IN ({statuses}) AND due_at <= $1{only}{where}
      AND (CAST($6 AS TEXT) IS NULL OR organization_id IN (SELECT value FROM {scope}))
      AND organization_id NOT IN (SELECT organization_id FROM busy WHERE in_flight >= $5)
    ORDER BY due_at LIMIT {limit}{lock}
), ranked AS (
    SELECT id, organization_id, was, due_at, ROW_NUMBER() OVER (PARTITION BY organization_id ORDER BY due_at) AS nth
    FROM candidates
), picked AS (
    SELECT r.id, r.was, r.due_at FROM ranked r LEFT JOIN busy b ON b.organization_id = r.organization_id
    WHERE r.nth + COALESCE(b.in_flight, 0) <= $5{limit_check}
)
"""


@functools.cache  # one text per distinct call: callers that write the limit in ask per claim
def pick_sql(
    table: str, statuses: tuple[str, ...], postgres: bool, claim: str, *, one: bool = False, before: str = "",
    where: str = "", limit: int | None = None,
) -> str:
    """A claim statement: CTEs ending in `picked` (id, was: the status before the claim, due_at) —
    up to $2 due rows of `table`, in due order, at most $5 per organization counting those
    in flight ($4: JSON object organization id -> count) — followed by `claim`, the statement
    that claims them. Parameters: $1 now, $2 limit, $3 lease expiry, $4, $5, $6 the scope
    (a JSON array of organization ids, or NULL for all: tests scope runners to their own
    organizations), and with `one` $7: only the row with this id (claim one given row, if it
    is due). `before`: more CTEs written ahead of the pick's own (`name AS (…), ` each);
    `where`: one more condition on the candidates (` AND …`); `limit`: the limit written into
    the text instead of $2 (which then only repeats it), so that PostgreSQL settles on a
    generic plan of the prepared statement instead of planning every execution anew (with
    `LIMIT $2` the generic plan looks dearer and is never chosen). PostgreSQL locks
    the candidates with SKIP LOCKED (workers never wait on each other); on SQLite the same
    text runs with ?N parameters."""
    sql = _PICK.format(
        table=table,
        statuses=", ".join(f"'{s}'" for s in statuses),
        only=" AND id = $7" if one else "",
        before=before,
        where=where,
        limit="$2" if limit is None else int(limit),
        limit_check="" if limit is None else " AND r.nth <= $2",
        each="jsonb_each_text($4::text::jsonb)" if postgres else "json_each($4)",
        scope="jsonb_array_elements_text($6::text::jsonb)" if postgres else "json_each($6)",
        lock=" FOR UPDATE SKIP LOCKED" if postgres else "",
    ) + claim
    return sql if postgres else sql.replace("$", "?")


_SQLITE_RENEW = """
UPDATE {table} AS t SET due_at = ?1 FROM json_each(?2) AS c
WHERE {fence}
"""

# PostgreSQL: the rows are locked first, skipping any another transaction holds. A renewal
# never waits: it runs beside the worker's own exchange, which finishes some of the same rows
# in another order, and two statements each holding a row the other waits for is a deadlock
# (seen in CI). A row skipped is being finished, canceled or taken over; were it still ours,
# the next beat extends it, with a third of its lease left.
_PG_RENEW = """
UPDATE {table} AS t SET due_at = $1 FROM (
    SELECT t.id FROM {table} AS t JOIN jsonb_each_text($2::text::jsonb) AS c ON {fence}
    FOR UPDATE OF t SKIP LOCKED
) AS held
WHERE t.id = held.id
"""


def renew_sql(table: str, status: str, postgres: bool) -> str:
    """Extend leases: $1 the new expiry, $2 a JSON object claimed id -> attempt number. On
    PostgreSQL a row another transaction has locked is skipped, not waited for."""
    fence = fence_sql(status, "c.key", "CAST(c.value AS INTEGER)", alias="t")
    return (_PG_RENEW if postgres else _SQLITE_RENEW).format(table=table, fence=fence).strip()


def pick_params(
    at: datetime,
    limit: int,
    lease_until: datetime,
    busy: dict[str, int] | None,
    per_org: int | None,
    only: str | None = None,
    organizations: Collection[str] | None = None,
) -> list:
    """The parameters of a `pick_sql` statement (no cap when `per_org` is None; `only`: the
    id of a `one=True` statement; `organizations`: claim only their rows)."""
    scope = None if organizations is None else json.dumps(sorted(organizations))
    params = [at, limit, lease_until, json.dumps(busy or {}), per_org or limit, scope]
    return params if only is None else [*params, only]


# ----------------------------------------------------------------------------- fences


class Claimed(Protocol):
    """A claim as its claim statement returned it: the row and its attempt number."""

    @property
    def id(self) -> str: ...

    @property
    def attempt(self) -> int: ...


def fence_sql(status: str, id_expr: str, attempt_expr: str, *, alias: str = "") -> str:
    """The fence of a claim, as a SQL condition: the row `id_expr` still carries the claim's
    attempt number `attempt_expr` and the held `status` (ids before attempts, for `?`
    parameters)."""
    t = f"{alias}." if alias else ""
    return f"{t}id = {id_expr} AND {t}attempts = {attempt_expr} AND {t}status = '{status}'"


def fenced(model: Any, claim: Claimed, status: str, connection: Any = None) -> Any:
    """The fence of a claim for the ORM: `model`'s row of `claim` while the claim holds
    (status `status`, the claim's attempt number). Its update is the claim's write: progress,
    a lease extended with it, a release, the finish; 0 rows changed means the claim was lost."""
    query = model.filter(id=claim.id, attempts=claim.attempt, status=status)
    return query.using_db(connection) if connection is not None else query


# ----------------------------------------------------------------------------- slots

Renew = Callable[[dict[str, int], float], Awaitable[int]]


@dataclass
class Ready:
    """A claim held ahead: claimed and leased, its work not started yet."""

    claim_id: str
    attempt: int
    organization_id: str
    work: Coroutine[Any, Any, Any]


class Slots:
    """The work one worker has in flight: tasks, at most `concurrency` at once, at most
    `per_org` of one organization (counted for the claim, which skips full organizations),
    their leases renewed every lease/3 seconds while any runs (`renew(claims, lease_seconds)`:
    claims as id -> attempt number; returns how many were still this worker's). With `ahead`,
    up to that many more claims are held ready to start (module docstring)."""

    def __init__(self, concurrency: int, per_org: int, lease_seconds: float, renew: Renew, what: str,
                 ahead: int = 0, clock: Callable[[], float] = time.monotonic):
        self.concurrency = concurrency
        self.per_org = per_org
        self.ahead = ahead
        self.lease_seconds = lease_seconds
        self.what = what
        self.tasks: set[asyncio.Task] = set()
        self._renew = renew
        self._claims: dict[asyncio.Task, tuple[str, int]] = {}
        self._began: dict[asyncio.Task, float] = {}
        self._by_org: Counter[str] = Counter()
        self._ready: deque[Ready] = deque()
        # organization -> recent item duration in seconds (only kept when claiming ahead)
        self._pace: TTLCache[str, float] = TTLCache(PACE_ORGANIZATIONS, PACE_SECONDS, timer=clock)
        self._clock = clock
        # Claiming ahead (`free`): the last top-up got less than it asked for, and when a free
        # slot may next be claimed for alone.
        self._saturated = False
        self._probe_at = 0.0
        self._emptied = asyncio.Event()
        self._heartbeat: asyncio.Task | None = None
        self._ends = 0  # tasks ended so far (serve: did any end while it claimed?)

    def _topping_up(self) -> bool:
        """Whether the claims held ready have run low: claim ahead again."""
        return self.ahead > 0 and len(self._ready) <= self.ahead // 2

    def free(self) -> int:
        """How many to claim now: for the free slots. Claiming ahead, enough to fill the slots
        and the claims held ready once those run low, unless the last top-up got less than it
        asked (nothing more is claimable for us until an item ends or news comes). A claim
        that can only find other organizations' work (`_probing`) passes over every due row of
        the organizations at their cap: after one found nothing, the next waits for the idle
        poll or news, not for the next item's end."""
        room = self.concurrency + self.ahead - len(self.tasks) - len(self._ready)
        if self._topping_up():
            return 0 if self._saturated else max(room, 0)
        if len(self.tasks) >= self.concurrency or (self._probing() and self._clock() < self._probe_at):
            return 0
        return min(room, self.concurrency - len(self.tasks))

    def _probing(self) -> bool:
        """Whether a claim now could only find other organizations' work: every organization
        with work here is at its cap (claiming ahead and not topping up: the claims held
        ready are all there is of theirs to start)."""
        return self.ahead > 0 or (bool(self._by_org) and all(n >= self.per_org for n in self._by_org.values()))

    def busy(self) -> dict[str, int]:
        """Per organization, what the claim counts against its cap: items running and held
        ready; when topping up, an organization whose items ended quickly of late
        (`QUICK_SECONDS`) counts `ahead` fewer, so that many more of its claims may be held
        ready (also with none in flight: with a cap of one, its only item has just ended)."""
        counts = Counter(self._by_org)
        counts.update(ready.organization_id for ready in self._ready)
        if self._topping_up():
            for organization_id, seconds in list(self._pace.items()):
                if seconds <= QUICK_SECONDS:
                    counts[organization_id] -= self.ahead
        return dict(counts)

    def hold(self, claim_id: str, attempt: int, organization_id: str, work: Coroutine[Any, Any, Any]) -> None:
        """A claim's work: started now if a slot is free and its organization is under its
        cap, else held ready until then."""
        self._ready.append(Ready(claim_id, attempt, organization_id, work))
        self._start_ready()

    def drop_ready(self) -> list[Ready]:
        """Stop holding claims ready (a stopping worker); the caller hands them back. Their
        work is never started."""
        dropped, self._ready = list(self._ready), deque()
        for ready in dropped:
            ready.work.close()
        return dropped

    def _start_ready(self) -> None:
        if not self._ready:
            return
        waiting: deque[Ready] = deque()
        while self._ready and len(self.tasks) < self.concurrency:
            ready = self._ready.popleft()
            if self._by_org[ready.organization_id] >= self.per_org:
                waiting.append(ready)
                continue
            self.start(ready.claim_id, ready.attempt, ready.organization_id, ready.work)
        waiting.extend(self._ready)
        self._ready = waiting

    def start(
        self, claim_id: str, attempt: int, organization_id: str, work: Coroutine[Any, Any, Any]
    ) -> asyncio.Task:
        """Run a claim's work as a task; its lease is renewed until the task ends."""
        task = asyncio.create_task(work)
        self.tasks.add(task)
        self._claims[task] = (claim_id, attempt)
        self._began[task] = self._clock()
        self._by_org[organization_id] += 1
        task.add_done_callback(lambda done: self._ended(done, organization_id))
        self._emptied.clear()
        if self._heartbeat is None:
            self._heartbeat = asyncio.create_task(self._renew_while_busy())
        return task

    def _ended(self, task: asyncio.Task, organization_id: str) -> None:
        self._ends += 1
        self.tasks.discard(task)
        self._claims.pop(task, None)
        began = self._began.pop(task, None)
        self._by_org[organization_id] -= 1
        if self._by_org[organization_id] <= 0:
            del self._by_org[organization_id]
        if self.ahead and began is not None:
            self._keep_pace(organization_id, self._clock() - began)
            self._saturated = False  # its organization may take one more now
        self._start_ready()
        if not self.tasks:
            self._emptied.set()

    def _keep_pace(self, organization_id: str, seconds: float) -> None:
        # A slow item counts at once; quick ones bring the pace down gradually.
        pace = self._pace.get(organization_id)
        self._pace[organization_id] = seconds if pace is None or seconds > pace else 0.8 * pace + 0.2 * seconds

    async def _renew_while_busy(self) -> None:
        every = self.lease_seconds / 3
        try:
            while self.tasks:
                try:
                    await asyncio.wait_for(self._emptied.wait(), every)
                except TimeoutError:
                    await self._renew_all()
        finally:
            self._heartbeat = None  # the next start() begins a new one

    async def _renew_all(self) -> None:
        claims = dict(self._claims.values())
        claims.update((ready.claim_id, ready.attempt) for ready in self._ready)
        if not claims:
            return
        try:
            renewed = await self._renew(claims, self.lease_seconds)
        except Exception:
            # Each lease still has 2/3 of its time: try again at the next beat.
            log.warning("renewing the leases of %d %s failed; trying again shortly", len(claims), self.what,
                        exc_info=True)
            return
        if renewed < len(claims):
            # Finished a moment ago or being finished now, or taken over (this worker stalled
            # past its lease); one still ours is extended at the next beat. The work's own
            # writes are fenced either way.
            log.info("%d of %d %s in flight were not extended (finished, being written or taken over)",
                     len(claims) - renewed, len(claims), self.what)

    async def serve(
        self,
        claim: Callable[[], Awaitable[int]],
        stopping: asyncio.Event,
        wake: asyncio.Event,
        idle_seconds: float,
        when_idle: Callable[[], Awaitable[None]] | None = None,
        unrecorded: Callable[[], bool] | None = None,
    ) -> None:
        """The claim loop of a worker: `claim()` (claims for the free slots, starts each as a
        task, returns how many) whenever a slot is free, until `stopping` is set. It never
        waits on the work itself, only for a slot to free up or new work to come.
        `unrecorded()`: whether ended work has outcomes to record, which `claim()` then does
        even when there is nothing to claim (a worker killed before recording an outcome has
        that work done again, so the loop does not let outcomes wait for the next claim)."""
        while not stopping.is_set():
            claimed, ends, failed = 0, self._ends, False
            asked = self.free()
            if asked or (unrecorded is not None and unrecorded()):
                topping_up, probing = self._topping_up(), self._probing()
                try:
                    claimed = await claim()
                except Exception:
                    failed = True
                    log.exception("claiming %s failed; retrying shortly", self.what)
                if asked and not failed:
                    self._after_claim(topping_up, probing, asked, claimed, idle_seconds)
            more = self.free() or (unrecorded is not None and unrecorded())
            if (claimed or self._ends != ends) and more and not failed:
                # The claim may have stopped at an organization's cap, or work ended while it
                # ran (`wait` would not see that: it waits for tasks still running; the delivery
                # worker's next claim also records what ended): claim again.
                continue
            if when_idle is not None and not self.tasks:
                await when_idle()
            await self.wait(stopping, wake, idle_seconds)

    def _after_claim(self, topping_up: bool, probing: bool, asked: int, claimed: int, idle_seconds: float) -> None:
        if topping_up:
            self._saturated = claimed < asked
        elif probing and not claimed:
            self._probe_at = self._clock() + idle_seconds

    async def drain(self, claim: Callable[[], Awaitable[int]]) -> None:
        """Claim and run until nothing is due and nothing runs (tests and one-shot runs)."""
        while True:
            counted = bool(self.tasks)
            claimed = await claim() if self.free() else 0
            if not claimed and not self.tasks:
                if counted:
                    # Work ended while the claim ran, which counted it in flight (its
                    # organization may have been at its cap then): claim again before stopping.
                    continue
                return
            if not claimed or not self.free():
                await asyncio.wait(self.tasks, return_when=asyncio.FIRST_COMPLETED)

    async def wait(self, stopping: asyncio.Event, wake: asyncio.Event, seconds: float) -> None:
        """Until a task ends, `stopping` is set, `seconds` pass, or (while a slot is free)
        `wake` is set: new work that could be claimed now. Clears `wake` when it counted."""
        listening = len(self.tasks) < self.concurrency or self.free() > 0
        until_probe = self._probe_at - self._clock()
        if len(self.tasks) < self.concurrency and until_probe > 0:
            seconds = min(seconds, until_probe)
        events = [asyncio.ensure_future(stopping.wait())]
        if listening:
            events.append(asyncio.ensure_future(wake.wait()))
        try:
            done, _ = await asyncio.wait({*self.tasks, *events}, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for event in events:
                event.cancel()
        if not done or wake.is_set():
            # News, or time to look again: new work may be due (another process queued it).
            self._saturated = False
            if wake.is_set():
                self._probe_at = 0.0
        if listening:
            wake.clear()
