"""The message queue in the `messages` table: claim with a lease, record each outcome.

A message is claimable when its status is `queued`, `deferred` or `sending` and `due_at` has
passed: for `sending`, `due_at` is the lease expiry, so a killed worker's claim comes back (a
live worker renews it while it sends; app/engines/leases.py, which also builds the claim, capped per
organization). On PostgreSQL, claims use `FOR UPDATE SKIP LOCKED` so workers never wait on
each other, and every finish (and renewal) is fenced by the attempt number: a worker whose
lease was taken over cannot overwrite the newer attempt's result. SQLite has one process,
hence one claimer.

Hand-written SQL because the claim and the finish are each one round trip (update plus the
timeline event); the ORM would need three.
"""

from __future__ import annotations

import json
import random
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise import Tortoise

from app.core import wakeups as _wakeups
from app.core.clock import now
from app.engines.leases import fence_sql, pick_params, pick_sql, renew_sql
from models.delivery import CANCELABLE_STATUSES

CLAIMABLE = ("queued", "deferred", "sending")
HELD = "sending"  # a claimed message's status while its lease holds
CANCELABLE = CANCELABLE_STATUSES

_PG_CLAIM = pick_sql("messages", CLAIMABLE, True, """, claimed AS (
    UPDATE messages m SET status = 'sending', due_at = $3, attempts = m.attempts + 1, updated_at = $1
    FROM picked WHERE m.id = picked.id
    RETURNING m.id, m.organization_id, m.attempts, picked.was
), logged AS (
    INSERT INTO message_events (message_id, status, detail, at)
    SELECT id, 'sending',
           'attempt ' || attempts || CASE WHEN was = 'sending' THEN ' (previous claim expired)' ELSE '' END, $1
    FROM claimed
)
SELECT id, organization_id, attempts FROM claimed
""")

_SQLITE_CLAIM = pick_sql("messages", CLAIMABLE, False, """
UPDATE messages SET status = 'sending', due_at = $3, attempts = attempts + 1, updated_at = $1
WHERE id IN (SELECT id FROM picked)
RETURNING id, organization_id, attempts
""")

_PG_RENEW = renew_sql("messages", HELD, True)
_SQLITE_RENEW = renew_sql("messages", HELD, False)

# The finish is fenced (fence_sql): only while the message is still this claim's attempt.
_PG_FINISH = f"""
WITH m AS (
    UPDATE messages SET status = $2, due_at = $3, last_reply = $4, sent_at = $5, updated_at = $6
    WHERE {fence_sql(HELD, "$1", "$7")}
    RETURNING id
)
INSERT INTO message_events (message_id, status, detail, at) SELECT id, $2, $8, $6 FROM m
RETURNING message_id
"""

_SQLITE_FINISH = f"""
UPDATE messages SET status = ?, due_at = ?, last_reply = ?, sent_at = ?, updated_at = ?
WHERE {fence_sql(HELD, "?", "?")}
"""

_SQLITE_EVENT = "INSERT INTO message_events (message_id, status, detail, at) VALUES (?, ?, ?, ?)"


def _connection():
    return Tortoise.get_connection("default")


def _is_postgres(conn) -> bool:
    return conn.capabilities.dialect == "postgres"




@dataclass(frozen=True)
class Claim:
    id: str
    attempt: int
    organization_id: str = ""


async def claim(
    limit: int, lease_seconds: float, busy: dict[str, int] | None = None, per_org: int | None = None,
    organizations: Collection[str] | None = None,
) -> list[Claim]:
    """Claim up to `limit` due messages for `lease_seconds`, at most `per_org` of one
    organization counting `busy` (its messages in flight here), only of `organizations` when
    given; each gets a `sending` event."""
    conn = _connection()
    at = now()
    params = pick_params(at, limit, at + timedelta(seconds=lease_seconds), busy, per_org, organizations=organizations)
    if _is_postgres(conn):
        _, rows = await conn.execute_query(_PG_CLAIM, params)
        return [Claim(row["id"], row["attempts"], row["organization_id"]) for row in rows]
    _, rows = await conn.execute_query(_SQLITE_CLAIM, params)
    claims = [Claim(row["id"], row["attempts"], row["organization_id"]) for row in rows]
    for c in claims:
        await conn.execute_query(_SQLITE_EVENT, [c.id, "sending", f"attempt {c.attempt}", at])
    return claims


async def renew(claims: dict[str, int], lease_seconds: float) -> int:
    """Extend the leases of claims (message id -> attempt) to now + `lease_seconds`; how many
    were still ours (not finished, nor taken over by a newer attempt, which this must not
    extend)."""
    conn = _connection()
    sql = _PG_RENEW if _is_postgres(conn) else _SQLITE_RENEW
    changed, _ = await conn.execute_query(sql, [now() + timedelta(seconds=lease_seconds), json.dumps(claims)])
    return changed


async def finish(
    claim: Claim,
    status: str,
    detail: str,
    *,
    reply: str | None = None,
    due_at: datetime | None = None,
) -> bool:
    """Record the attempt's outcome; False when the claim was taken over (lease expired)."""
    conn = _connection()
    at = now()
    sent_at = at if status == "sent" else None
    due = due_at or at
    if _is_postgres(conn):
        _, rows = await conn.execute_query(
            _PG_FINISH, [claim.id, status, due, reply, sent_at, at, claim.attempt, detail]
        )
        return bool(rows)
    changed, _ = await conn.execute_query(
        _SQLITE_FINISH, [status, due, reply, sent_at, at, claim.id, claim.attempt]
    )
    if changed:
        await conn.execute_query(_SQLITE_EVENT, [claim.id, status, detail, at])
    return bool(changed)


def retry_delay(attempt: int, base: float, cap: float) -> float:
    """Exponential back-off with +-20 % jitter: ~base, 2*base, 4*base, ... at most `cap`."""
    delay = min(base * (2 ** max(attempt - 1, 0)), cap)
    return delay * random.uniform(0.8, 1.2)


# ----------------------------------------------------------------------------- wake-ups
# Workers in this process sleep on their own event; a send in this process wakes them at
# once instead of at the next idle poll.
wakeups = _wakeups.deliveries
notify = wakeups.notify
