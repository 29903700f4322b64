"""The long-lived parts one app instance shares between requests."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.settings import Settings
from app.web.auth import KeyStore
from app.web.fairness import OrgGate
from app.web.ratelimit import MemoryLimiter, RedisLimiter, make_limiter


@dataclass
class Services:
    settings: Settings
    keys: KeyStore
    limiter: MemoryLimiter | RedisLimiter
    gate: OrgGate | None  # fair shares between organizations; None when turned off

    @classmethod
    def build(cls, settings: Settings) -> "Services":
        return cls(
            settings=settings,
            keys=KeyStore(settings.key_cache_seconds, settings.last_used_flush_seconds, settings.key_cache_size),
            limiter=make_limiter(settings.redis_url),
            gate=OrgGate(settings.org_max_concurrent_requests) if settings.org_max_concurrent_requests > 0 else None,
        )
