"""Configuration from the environment (12-factor); every variable is optional."""

from __future__ import annotations

import os
from dataclasses import dataclass


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return int(raw)


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite://viperatron.db"
    redis_url: str | None = None
    smtp_url: str | None = None
    outbox_dir: str = "./outbox"
    rate_per_minute: int = 60
    rate_per_day: int = 10_000
    # Request bodies above this are refused with 413 before they are read whole.
    max_body_bytes: int = 1024 * 1024
    # Revocation is seen by every process within this many seconds (auth cache TTL).
    key_cache_seconds: float = 5.0
    # How often last-used timestamps are written back (no write per request).
    last_used_flush_seconds: float = 30.0

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(
            database_url=os.environ.get("DATABASE_URL") or cls.database_url,
            redis_url=os.environ.get("REDIS_URL") or None,
            smtp_url=os.environ.get("SMTP_URL") or None,
            outbox_dir=os.environ.get("OUTBOX_DIR") or cls.outbox_dir,
            rate_per_minute=_int("VIPERATRON_RATE_PER_MINUTE", cls.rate_per_minute),
            rate_per_day=_int("VIPERATRON_RATE_PER_DAY", cls.rate_per_day),
        )
