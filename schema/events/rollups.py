"""Event rollups (`event_rollups`, models/events.py `EventRollup`): kept at ingestion, in the
transaction that stores the events, and recomputed from the events on demand (`rebuild`).

Each stored event adds to two rows of its organization, type and currency ("" for none): its
15-minute UTC slot (span 15) and its UTC day (span 1440): events + 1, valued + 1 and total +
value when it has a value. Money stays exact: NUMERIC on PostgreSQL; on SQLite, where decimals
are text, the sums are added by `vt_decimal_add` (Python's Decimal, registered on the connection).

PostgreSQL: the events INSERT is a data-modifying CTE; the rows it RETURNs (only those stored:
a duplicate `eventId` is skipped) are aggregated in the same statement, one row per key, and
upserted (`ON CONFLICT DO UPDATE` adding counts and sums) in key order, so concurrent batches
lock shared rows in one order. No extra round trip. SQLite: the batch is aggregated in Python,
then one multi-row upsert.

Shards (PostgreSQL): a key may have up to 16 rows (`shard` 0-15), and readers sum them. Every
ingest of an organization adds to the same slot and day rows, so on one row each would wait for
the previous one's commit (row lock, then WAL flush). An ingest takes the first shard whose
transaction-scoped advisory lock (two-int4 keys: the organization's, the shard) is free, without
waiting, and adds to that shard's rows: concurrent ingests add to different rows, a quiet
organization only to shard 0 (one row per key). All 16 taken: a random one (it may wait, as
before). The lock is released with the row locks, at the end of the transaction, so the taker
of a free shard never waits on its rows. SQLite (one writer): shard 0 only. A rebuild writes
shard 0 only (so it folds the shards).

Rebuild vs ingestion: a rebuild takes an exclusive advisory lock per organization, ingestion
the shared one (in its INSERT). A batch that started before the rebuild is committed before the
rebuild reads the events (so counted by it); one that starts during it waits and then adds onto
the rebuilt rows (ON CONFLICT sees committed rows).
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Iterable, NamedTuple, Optional

SLOT_MINUTES = 15
DAY_MINUTES = 1440
SLOT = timedelta(minutes=SLOT_MINUTES)
DAY = timedelta(days=1)
ORIGIN = "TIMESTAMPTZ '2000-01-01 00:00:00+00'"  # a UTC midnight: date_bin aligns slots and days on it
# The advisory lock of an organization's rollups (bigint key from its id).
LOCK_KEY = "hashtextextended('event_rollups ' || {org}, 0)"
SHARDS = 16
# The shard an ingest adds to: the first whose advisory lock (int4 key of the organization's
# rollups, shard; not the bigint space of LOCK_KEY) it can take now, LIMIT 1 stopping at the
# first taken; all taken: a random one. MATERIALIZED: run once per statement.
SHARD = (
    "shard AS MATERIALIZED (SELECT COALESCE((SELECT s FROM generate_series(0, " + str(SHARDS - 1) + ") s "
    "WHERE pg_try_advisory_xact_lock(hashtext('event_rollups ' || {org}), s) LIMIT 1), "
    "floor(random() * " + str(SHARDS) + ")::int)::smallint AS shard)"
)


class Row(NamedTuple):
    """What an event adds to the rollups."""

    occurred_at: datetime
    event_type: str
    currency: Optional[str]
    value: Optional[Decimal]


def slot_of(at: datetime) -> datetime:
    at = at.astimezone(timezone.utc)
    return at.replace(minute=at.minute - at.minute % SLOT_MINUTES, second=0, microsecond=0)


def day_of(at: datetime) -> datetime:
    return at.astimezone(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)


# ----------------------------------------------------------------------------- PostgreSQL

_PG_UPSERT_TAIL = """
INSERT INTO event_rollups (organization_id, span, bucket, event_type, currency, shard, events, valued, total)
SELECT {org}, k.span, k.bucket, k.event_type, k.currency, shard.shard, COUNT(*), COUNT(k.value),
       COALESCE(SUM(k.value), 0)
FROM shard, (
    SELECT 15::smallint AS span, date_bin('15 minutes', s.occurred_at, {origin}) AS bucket, s.event_type,
           COALESCE(s.currency, '') AS currency, s.value FROM {source} s
    UNION ALL
    SELECT 1440::smallint, date_bin('1 day', s.occurred_at, {origin}), s.event_type, COALESCE(s.currency, ''),
           s.value FROM {source} s
) k
GROUP BY shard.shard, k.span, k.bucket, k.event_type, k.currency
ORDER BY k.span, k.bucket, k.event_type, k.currency
ON CONFLICT (organization_id, span, bucket, event_type, currency, shard) DO UPDATE SET
    events = event_rollups.events + EXCLUDED.events,
    valued = event_rollups.valued + EXCLUDED.valued,
    total = event_rollups.total + EXCLUDED.total
"""


def pg_ingest(insert_events: str, org: str = "$1", returning: str = "id") -> str:
    """Wrap the events INSERT (… RETURNING id, event_type, currency, value, occurred_at and
    what `returning` names) so the rows it stores are added to the rollups in the same
    statement; returns `returning` of the stored rows. The organization's shared rollup lock
    is taken before the first event is inserted, its shard's lock when the rollups are upserted."""
    lock = f"pg_advisory_xact_lock_shared({LOCK_KEY.format(org=org)})"
    upsert = _PG_UPSERT_TAIL.format(org=org, origin=ORIGIN, source="stored")
    return (
        f"WITH rollup_lock AS MATERIALIZED (SELECT {lock} AS locked),\n"
        f"stored AS ({insert_events.format(lock='rollup_lock')}),\n"
        f"{SHARD.format(org=org)},\n"
        f"rolled AS ({upsert})\n"
        f"SELECT {returning} FROM stored"
    )


# Rows given as arrays (tests, tools): the same upsert.
_PG_ADD = (
    f"WITH rollup_lock AS MATERIALIZED (SELECT pg_advisory_xact_lock_shared({LOCK_KEY.format(org='$1')}) AS locked), "
    "given AS (SELECT r.* FROM rollup_lock, unnest($2::timestamptz[], $3::text[], $4::text[], $5::numeric[]) "
    "AS r(occurred_at, event_type, currency, value)), "
    + SHARD.format(org="$1") + " "
    + _PG_UPSERT_TAIL.format(org="$1", origin=ORIGIN, source="given")
)


# ----------------------------------------------------------------------------- SQLite

_registered: "weakref.WeakSet" = weakref.WeakSet()


def _decimal_add(a, b) -> str:
    return str(Decimal(str(a)) + Decimal(str(b)))


async def sqlite_functions(conn) -> None:
    """Register `vt_decimal_add` on the connection's aiosqlite connection (once per connection)."""
    raw = conn._connection  # Tortoise keeps the aiosqlite connection here (no public accessor)
    if raw is None or raw in _registered:
        return
    await raw.create_function("vt_decimal_add", 2, _decimal_add, deterministic=True)
    _registered.add(raw)


def sqlite_time(value: datetime) -> str:
    """A UTC time as Tortoise stores it in SQLite (compared as text)."""
    return value.astimezone(timezone.utc).isoformat(" ")


_SQLITE_UPSERT = (
    "INSERT INTO event_rollups (organization_id, span, bucket, event_type, currency, events, valued, total) "
    "VALUES {values} ON CONFLICT (organization_id, span, bucket, event_type, currency) DO UPDATE SET "
    "events = events + excluded.events, valued = valued + excluded.valued, "
    "total = vt_decimal_add(total, excluded.total)"
)


def aggregate(rows: Iterable[Row]) -> dict[tuple, list]:
    """(span, bucket, type, currency) -> [events, valued, total], in key order."""
    sums: dict[tuple, list] = defaultdict(lambda: [0, 0, Decimal(0)])
    for row in rows:
        currency = row.currency or ""
        for key in ((SLOT_MINUTES, slot_of(row.occurred_at)), (DAY_MINUTES, day_of(row.occurred_at))):
            acc = sums[(*key, row.event_type, currency)]
            acc[0] += 1
            if row.value is not None:
                acc[1] += 1
                acc[2] += Decimal(row.value)
    return dict(sorted(sums.items()))


async def _sqlite_add(conn, org: str, sums: dict[tuple, list]) -> None:
    await sqlite_functions(conn)
    items = list(sums.items())
    for first in range(0, len(items), 500):  # 8 parameters a row, well under SQLite's limit
        chunk = items[first:first + 500]
        params: list = []
        for (span, bucket, event_type, currency), (n, valued, total) in chunk:
            params += [org, span, sqlite_time(bucket), event_type, currency, n, valued, str(total)]
        values = ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?)"] * len(chunk))
        await conn.execute_query(_SQLITE_UPSERT.format(values=values), params)


# ----------------------------------------------------------------------------- both


async def add(conn, org: str, rows: list[Row]) -> None:
    """Add stored events to the rollups (inside the transaction `conn` that stored them)."""
    if not rows:
        return
    if conn.capabilities.dialect == "postgres":
        await conn.execute_query(_PG_ADD, [
            org, [r.occurred_at for r in rows], [r.event_type for r in rows], [r.currency for r in rows],
            [r.value for r in rows],
        ])
    else:
        await _sqlite_add(conn, org, aggregate(rows))


_PG_REBUILD = (
    "INSERT INTO event_rollups (organization_id, span, bucket, event_type, currency, events, valued, total) "
    "WITH s AS (SELECT date_bin('15 minutes', occurred_at, " + ORIGIN + ") AS bucket, event_type, "
    "COALESCE(currency, '') AS currency, COUNT(*) AS events, COUNT(value) AS valued, "
    "COALESCE(SUM(value), 0) AS total FROM events WHERE organization_id = $1 GROUP BY 1, 2, 3) "
    "SELECT * FROM (SELECT $1, 15, bucket, event_type, currency, events, valued, total FROM s "
    "UNION ALL SELECT $1, 1440, date_bin('1 day', bucket, " + ORIGIN + "), event_type, currency, SUM(events), "
    "SUM(valued), SUM(total) FROM s GROUP BY 3, 4, 5) r ORDER BY 2, 3, 4, 5"  # stored in time order: a window's rows on few pages
)
_SQLITE_SLOT = ("strftime('%Y-%m-%d %H:', occurred_at) || "
                "printf('%02d', (CAST(strftime('%M', occurred_at) AS INTEGER) / 15) * 15) || ':00+00:00'")
_SQLITE_GROUPED = (
    f"SELECT {_SQLITE_SLOT} AS slot, event_type, COALESCE(currency, '') AS currency, value, COUNT(*) AS n "
    "FROM events WHERE organization_id = ? GROUP BY 1, 2, 3, 4"
)


async def rebuild(conn, org: str) -> tuple[int, int]:
    """Recompute the organization's rollups from its events (inside transaction `conn`);
    returns (events, rollup rows)."""
    if conn.capabilities.dialect == "postgres":
        # It reads every event of the organization: longer than the statement timeout a server
        # process sets as its requests' backstop. For this transaction only (SET LOCAL).
        await conn.execute_query("SET LOCAL statement_timeout = 0")
        await conn.execute_query(f"SELECT pg_advisory_xact_lock({LOCK_KEY.format(org='$1')})", [org])
        await conn.execute_query("DELETE FROM event_rollups WHERE organization_id = $1", [org])
        await conn.execute_query(_PG_REBUILD, [org])
        counted = (await conn.execute_query_dict(
            "SELECT COALESCE(SUM(events) FILTER (WHERE span = 15), 0) AS n, COUNT(*) AS rows FROM event_rollups "
            "WHERE organization_id = $1", [org]
        ))[0]
        return int(counted["n"]), int(counted["rows"])
    await conn.execute_query("DELETE FROM event_rollups WHERE organization_id = ?", [org])
    sums: dict[tuple, list] = defaultdict(lambda: [0, 0, Decimal(0)])
    events = 0
    for row in await conn.execute_query_dict(_SQLITE_GROUPED, [org]):
        slot = datetime.fromisoformat(row["slot"])
        events += row["n"]
        for key in ((SLOT_MINUTES, slot), (DAY_MINUTES, day_of(slot))):
            acc = sums[(*key, row["event_type"], row["currency"])]
            acc[0] += row["n"]
            if row["value"] is not None:
                acc[1] += row["n"]
                acc[2] += Decimal(str(row["value"])) * row["n"]
    await _sqlite_add(conn, org, dict(sorted(sums.items())))
    return events, len(sums)
