"""Per-key fixed-window rate limits (a minute window and a UTC-day window).

Two backends behind one interface: Redis (one EVALSHA per request; the Lua script checks
and charges both windows atomically, so processes share one budget; the EVALSHAs of requests
that arrive together go in one pipeline) and in-process. If
Redis is configured but unreachable, requests fall back to the in-process limiter, a
warning is logged and `/healthz` reports `degraded`; Redis is tried again every few seconds.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Callable, Protocol

from redis.asyncio import Redis
from redis.exceptions import NoScriptError, RedisError

log = logging.getLogger("viperatron.ratelimit")

DAY = 86_400


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit_minute: int
    remaining_minute: int
    reset_minute: int  # seconds until the minute window resets
    limit_day: int
    remaining_day: int
    retry_after: int  # seconds; meaningful when not allowed

    def headers(self) -> dict[str, str]:
        headers = {
            "X-RateLimit-Limit-Minute": str(self.limit_minute),
            "X-RateLimit-Remaining-Minute": str(self.remaining_minute),
            "X-RateLimit-Reset-Minute": str(self.reset_minute),
            "X-RateLimit-Limit-Day": str(self.limit_day),
            "X-RateLimit-Remaining-Day": str(self.remaining_day),
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after)
        return headers


@dataclass(frozen=True)
class Windows:
    minute: int  # index of the current minute since the epoch
    day: int
    reset_minute: int
    reset_day: int

    @classmethod
    def at(cls, now: float) -> "Windows":
        whole = int(now)
        return cls(
            minute=whole // 60,
            day=whole // DAY,
            reset_minute=max(1, 60 - whole % 60),
            reset_day=max(1, DAY - whole % DAY),
        )


def decide(
    allowed: bool, used_minute: int, used_day: int, per_minute: int, per_day: int, cost: int, w: Windows
) -> Decision:
    if allowed:
        retry_after = 0
    elif used_day + cost > per_day:
        retry_after = w.reset_day
    else:
        retry_after = w.reset_minute
    return Decision(
        allowed=allowed,
        limit_minute=per_minute,
        remaining_minute=max(0, per_minute - used_minute),
        reset_minute=w.reset_minute,
        limit_day=per_day,
        remaining_day=max(0, per_day - used_day),
        retry_after=retry_after,
    )


class Limiter(Protocol):
    async def hit(self, key_id: str, per_minute: int, per_day: int, cost: int = 1) -> Decision: ...

    async def used_today(self, key_ids: list[str]) -> dict[str, int]:
        """Units charged in today's (UTC) window per key, without charging anything."""
        ...


class MemoryLimiter:
    """In-process fixed windows; exact within one process."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._counts: dict[str, tuple[int, int, int, int]] = {}  # key -> (minute, m_used, day, d_used)

    async def hit(self, key_id: str, per_minute: int, per_day: int, cost: int = 1) -> Decision:
        w = Windows.at(self._clock())
        minute, m_used, day, d_used = self._counts.get(key_id, (w.minute, 0, w.day, 0))
        if minute != w.minute:
            m_used = 0
        if day != w.day:
            d_used = 0
        allowed = m_used + cost <= per_minute and d_used + cost <= per_day
        if allowed:
            m_used += cost
            d_used += cost
        self._counts[key_id] = (w.minute, m_used, w.day, d_used)
        return decide(allowed, m_used, d_used, per_minute, per_day, cost, w)

    async def used_today(self, key_ids: list[str]) -> dict[str, int]:
        today = Windows.at(self._clock()).day
        used = {}
        for key_id in key_ids:
            _, _, day, d_used = self._counts.get(key_id, (0, 0, today, 0))
            used[key_id] = d_used if day == today else 0
        return used


# KEYS: minute counter, day counter. ARGV: cost, per_minute, per_day, minute ttl, day ttl.
# Charges both windows only if both have room: a rejected request costs nothing.
LUA = """
local m = tonumber(redis.call('GET', KEYS[1]) or '0')
local d = tonumber(redis.call('GET', KEYS[2]) or '0')
local cost = tonumber(ARGV[1])
if m + cost > tonumber(ARGV[2]) or d + cost > tonumber(ARGV[3]) then
  return {0, m, d}
end
m = redis.call('INCRBY', KEYS[1], cost)
if m == cost then redis.call('EXPIRE', KEYS[1], ARGV[4]) end
d = redis.call('INCRBY', KEYS[2], cost)
if d == cost then redis.call('EXPIRE', KEYS[2], ARGV[5]) end
return {1, m, d}
"""


class RedisLimiter:
    """Shared windows in Redis, falling back to in-process limits while Redis is down."""

    RETRY_SECONDS = 5.0

    def __init__(self, url: str, clock: Callable[[], float] = time.time) -> None:
        self._errors = (RedisError, OSError, asyncio.TimeoutError)
        self._queued: list[tuple[list[str], list, asyncio.Future]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._sending: set[asyncio.Task] = set()
        self._client = Redis.from_url(
            url, socket_connect_timeout=0.5, socket_timeout=0.5, retry=None
        )
        self._script = self._client.register_script(LUA)
        self._clock = clock
        self._fallback = MemoryLimiter(clock)
        self._down_until = 0.0
        self.degraded = False

    async def hit(self, key_id: str, per_minute: int, per_day: int, cost: int = 1) -> Decision:
        now = self._clock()
        if now < self._down_until:
            return await self._fallback.hit(key_id, per_minute, per_day, cost)
        w = Windows.at(now)
        keys = [f"vip:rl:{key_id}:m:{w.minute}", f"vip:rl:{key_id}:d:{w.day}"]
        try:
            allowed, used_m, used_d = await self._evalsha(keys, [cost, per_minute, per_day, 61, DAY + 1])
        except self._errors as exc:
            if not self.degraded:
                log.warning("Redis unreachable (%s); using in-process rate limits", exc)
            self.degraded = True
            self._down_until = now + self.RETRY_SECONDS
            return await self._fallback.hit(key_id, per_minute, per_day, cost)
        if self.degraded:
            log.warning("Redis reachable again; shared rate limits restored")
            self.degraded = False
        return decide(bool(allowed), int(used_m), int(used_d), per_minute, per_day, cost, w)

    # Under load many requests are admitted in the same turn of the event loop: their scripts go
    # to Redis as one pipeline (one write, one read) instead of a round trip each, which cost
    # about a tenth of a send's CPU. Each script stays atomic on its own; a request alone waits
    # one turn of the loop.
    def _evalsha(self, keys: list[str], args: list) -> asyncio.Future:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a new event loop (tests run several): nothing queued carries over
            self._loop, self._queued = loop, []
        answer = loop.create_future()
        self._queued.append((keys, args, answer))
        if len(self._queued) == 1:  # the first of this turn sends them all, next turn
            loop.call_soon(self._send_queued)
        return answer

    def _send_queued(self) -> None:
        batch, self._queued = self._queued, []
        task = asyncio.ensure_future(self._send(batch))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _send(self, batch: list[tuple[list[str], list, asyncio.Future]]) -> None:
        try:
            results = await self._run_scripts(batch)
        except BaseException as exc:  # every waiting request decides what a failure means (fallback)
            results = [exc] * len(batch)
        for (_, _, answer), result in zip(batch, results):
            if answer.done():  # its request was cancelled meanwhile
                continue
            if isinstance(result, BaseException):
                answer.set_exception(result)
            else:
                answer.set_result(result)

    async def _run_scripts(self, batch: list[tuple[list[str], list, asyncio.Future]]) -> list:
        if len(batch) == 1:
            keys, args, _ = batch[0]
            return [await self._script(keys=keys, args=args)]  # loads the script if Redis lost it
        for attempt in range(2):
            async with self._client.pipeline(transaction=False) as pipe:
                for keys, args, _ in batch:
                    pipe.evalsha(self._script.sha, len(keys), *keys, *args)
                results = await pipe.execute(raise_on_error=False)
            if attempt == 0 and any(isinstance(r, NoScriptError) for r in results):
                await self._client.script_load(LUA)  # Redis restarted or flushed its scripts
                continue
            return results
        return results

    async def used_today(self, key_ids: list[str]) -> dict[str, int]:
        """One MGET of the day counters; the in-process counts while Redis is down."""
        now = self._clock()
        if not key_ids or now < self._down_until:
            return await self._fallback.used_today(key_ids)
        day = Windows.at(now).day
        try:
            values = await self._client.mget([f"vip:rl:{key_id}:d:{day}" for key_id in key_ids])
        except self._errors:
            return await self._fallback.used_today(key_ids)
        return {key_id: int(value or 0) for key_id, value in zip(key_ids, values)}

    async def ping(self) -> bool:
        try:
            return bool(await self._client.ping())
        except self._errors:
            return False

    async def close(self) -> None:
        await self._client.aclose()


def make_limiter(redis_url: str | None) -> MemoryLimiter | RedisLimiter:
    return RedisLimiter(redis_url) if redis_url else MemoryLimiter()
