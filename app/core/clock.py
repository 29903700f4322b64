"""One clock for the whole service: timezone-aware UTC (stored timestamps, leases, windows)."""

from __future__ import annotations

from datetime import datetime, timezone


def now() -> datetime:
    return datetime.now(timezone.utc)
