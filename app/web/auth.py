"""API keys: generation, hashing, and resolving a request's key to a Principal.

Keys are looked up by SHA-256 hash (the plaintext is never stored or logged). Lookups are
cached in-process for `key_cache_seconds`, so a revocation made by another process takes
effect within that time (one process sees its own revocations at once). Real keys and
unknown ones are cached apart: a flood of well-formed random keys costs one indexed lookup
each but never pushes a real key out of the cache. `last_used_at` is collected in memory
and written back in one batch periodically, not on every request.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime

from cachetools import TTLCache
from starlette.requests import HTTPConnection

from app.core import clock
from app.core.errors import ApiError, ErrorCode
from app.core.principal import Principal
from app.core.tokens import display_prefix, generate_key, hash_key  # noqa: F401  (re-exported)
from models import ApiKey

log = logging.getLogger("viperatron.auth")

KEY_PATTERN = re.compile(r"^et_(live|test)_[A-Za-z0-9]{32}$")
# Unknown keys remembered, so a client retrying with a revoked or mistyped key does not
# query each time; small, since random keys never repeat.
MISS_CACHE_SIZE = 10_000


def _unauthorized(message: str) -> ApiError:
    return ApiError(ErrorCode.UNAUTHORIZED, message, headers={"WWW-Authenticate": "Bearer"})


def extract_key(conn: HTTPConnection) -> str:
    header = conn.headers.get("authorization")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _unauthorized("Authorization header must be 'Bearer <api key>'.")
        return token.strip()
    key = conn.headers.get("x-api-key")
    if key:
        return key.strip()
    raise _unauthorized("Missing API key: send 'Authorization: Bearer <key>' or 'X-API-Key'.")


class KeyStore:
    """Resolves plaintext keys to principals with a short TTL cache."""

    def __init__(self, cache_seconds: float, flush_seconds: float, cache_size: int = 50_000) -> None:
        self._cache: TTLCache[str, Principal] = TTLCache(maxsize=cache_size, ttl=cache_seconds)
        self._misses: TTLCache[str, bool] = TTLCache(maxsize=MISS_CACHE_SIZE, ttl=cache_seconds)
        self._last_used: dict[str, datetime] = {}
        self._flush_seconds = flush_seconds
        self._flusher: asyncio.Task | None = None

    async def resolve(self, plaintext: str) -> Principal:
        if not KEY_PATTERN.match(plaintext):
            raise _unauthorized("Malformed API key.")
        digest = hash_key(plaintext)
        principal = self._cache.get(digest) or await self._lookup(digest)
        self._last_used[principal.key_id] = clock.now()
        return principal

    async def _lookup(self, digest: str) -> Principal:
        """A key the cache does not hold: from the database, unless it was recently unknown.
        Unknown keys are remembered apart, so they never evict a real key."""
        if digest not in self._misses:
            principal = await self._load(digest)
            if principal is not None:
                self._cache[digest] = principal
                return principal
            self._misses[digest] = True
        raise _unauthorized("Unknown or revoked API key.")

    async def _load(self, digest: str) -> Principal | None:

        key = (
            await ApiKey.filter(key_hash=digest, revoked_at__isnull=True)
            .select_related("organization")
            .first()
        )
        if key is None:
            return None
        return Principal(
            key_id=key.id,
            organization_id=key.organization_id,
            organization_name=key.organization.name,
            key_name=key.name,
            key_prefix=key.prefix,
            mode=key.mode,
            per_minute=key.per_minute,
            per_day=key.per_day,
        )

    def forget(self) -> None:
        """Drop cached lookups (after a revocation in this process)."""
        self._cache.clear()
        self._misses.clear()

    async def flush_last_used(self) -> int:

        pending, self._last_used = self._last_used, {}
        for key_id, used_at in pending.items():
            await ApiKey.filter(id=key_id).update(last_used_at=used_at)
        return len(pending)

    def start(self) -> None:
        if self._flusher is None:
            self._flusher = asyncio.create_task(self._flush_forever())

    async def stop(self) -> None:
        if self._flusher is not None:
            self._flusher.cancel()
            self._flusher = None
        try:
            await self.flush_last_used()
        except Exception:  # shutting down: losing a last-used time is harmless
            log.warning("could not write last-used times at shutdown", exc_info=True)

    async def _flush_forever(self) -> None:
        while True:
            await asyncio.sleep(self._flush_seconds)
            try:
                await self.flush_last_used()
            except Exception:
                log.warning("could not write last-used times", exc_info=True)
