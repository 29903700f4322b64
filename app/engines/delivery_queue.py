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

The worker's loop calls `exchange`: it records the outcomes of the sends that ended since its
last call and claims messages for the slots they freed, returning the claimed messages'
columns and which of their recipients are suppressed. On PostgreSQL that is ONE statement
(`_pg_exchange`), so the loop pays one round trip per batch instead of four per message
(finish, claim, read the rows, read the suppressions); elsewhere it is `finish`, `claim`
and two reads (`_exchange_in_steps`, the reference the fast path is tested against).
"""

from __future__ import annotations

import functools
import json
import random
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise import Tortoise

from app.core import wakeups as _wakeups
from app.core.clock import now
from app.core.validation import email_key
from app.engines.leases import fence_sql, pick_params, pick_sql, renew_sql
from models import Message
from models.delivery import CANCELABLE_STATUSES
from schema.suppressions.resolvers import suppressed_keys

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

def _in_id_order(which: str) -> str:
    """A CTE `in_id_order` locking the held messages `which` (a condition on `m`) in id order: a
    statement writing several messages joins it so that it never locks them in another order
    than other such writers (see `_EXCHANGE_FINISHES`)."""
    return (f"in_id_order AS (SELECT m.id FROM messages m WHERE {which} AND m.status = '{HELD}' "
            "ORDER BY m.id FOR NO KEY UPDATE)")


# Hand back claims never started (held ahead by a worker that stops): due now, as they were
# before the claim (`deferred` once tried), the claim's attempt not counted; fenced like a finish.
RELEASED = "released unsent: the worker stopped before sending it"
_RELEASE_SET = (
    "status = CASE WHEN {t}attempts > 1 THEN 'deferred' ELSE 'queued' END, due_at = $1, "
    "attempts = {t}attempts - 1, updated_at = $1"
)
_PG_RELEASE = f"""
WITH {_in_id_order("m.id IN (SELECT key FROM jsonb_each_text($2::text::jsonb))")}, released AS (
    UPDATE messages m SET {_RELEASE_SET.format(t="m.")}
    FROM jsonb_each_text($2::text::jsonb) AS c JOIN in_id_order o ON o.id = c.key
    WHERE {fence_sql(HELD, "c.key", "CAST(c.value AS INTEGER)", alias="m")}
    RETURNING m.id, m.status
)
INSERT INTO message_events (message_id, status, detail, at) SELECT id, status, $3, $1 FROM released
RETURNING message_id
"""
_SQLITE_RELEASE = f"""
UPDATE messages SET {_RELEASE_SET.format(t="").replace("$1", "?")}
WHERE {fence_sql(HELD, "?", "?")}
RETURNING status
"""

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

# What the worker reads of a claimed message (`MessageRow`); JSON columns are decoded.
_ROW_COLUMNS = (
    "id", "organization_id", "to", "cc", "bcc", "reply_to", "recipient_names", "from_address", "subject", "html",
    "text", "headers", "tags", "metadata", "attachment_count", "sandbox", "send_at", "created_at", "unsubscribe",
    "track_opens", "track_clicks", "dkim_signature",
)
_JSON_COLUMNS = frozenset({"to", "cc", "bcc", "reply_to", "recipient_names", "headers", "tags", "metadata"})
_UPPER, _LOWER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"

# The worker's exchange on PostgreSQL, one statement (`_pg_exchange`): first the finishes,
# $7-$13 as parallel arrays (id, attempt, status, detail, reply, due_at, at), each fenced like
# `_PG_FINISH`; then the claim of `_PG_CLAIM` (never of a message finished here: one statement
# must not update a row twice), returning the claimed rows and, per row, the suppression keys
# its To/Cc/Bcc hit. Suppression keys are Python's str.lower() of the address
# (app.core.validation.email_key): for an ASCII address that is exactly translate(A-Z -> a-z),
# whatever the database's locale; `exchange` looks up non-ASCII addresses itself. The first
# column lists the finishes that were recorded; with nothing claimed there is one row of
# NULLs besides it.
_EXCHANGE_CLAIM = f"""
, claimed AS (
    UPDATE messages m SET status = 'sending', due_at = $3, attempts = m.attempts + 1, updated_at = $1
    FROM picked WHERE m.id = picked.id
    RETURNING picked.was, picked.due_at AS was_due, m.attempts, {", ".join(f'm."{c}"' for c in _ROW_COLUMNS)}
), logged AS (
    INSERT INTO message_events (message_id, status, detail, at)
    SELECT id, 'sending',
           'attempt ' || attempts || CASE WHEN was = 'sending' THEN ' (previous claim expired)' ELSE '' END, $1
    FROM claimed
), blocked AS (
    SELECT c.id, array_agg(s.email_key) AS keys
    FROM claimed c JOIN suppressions s ON s.organization_id = c.organization_id AND s.email_key = ANY(ARRAY(
        SELECT translate(address, '{_UPPER}', '{_LOWER}')
        FROM jsonb_array_elements_text(c."to" || c.cc || c.bcc) AS address
    ))
    GROUP BY c.id
)
SELECT f.ids AS finished, c.*, b.keys AS suppressed
FROM (SELECT array_agg(id) AS ids FROM finished) f
LEFT JOIN claimed c ON TRUE
LEFT JOIN blocked b ON b.id = c.id
ORDER BY c.was_due
"""
# The finishes lock their rows in id order first (`in_id_order`), as a contact's erasure does:
# the update alone locks them in the order its plan reads them (with few messages in flight,
# through the claimable index: where they lie in the table), and two writers locking shared rows
# in different orders can deadlock (tests/delivery/test_lock_order.py).
_EXCHANGE_FINISHES = f"""done AS (
    SELECT * FROM unnest($7::text[], $8::int[], $9::text[], $10::text[], $11::text[], $12::timestamptz[],
                         $13::timestamptz[]) AS d(id, attempt, status, detail, reply, due_at, at)
), {_in_id_order("m.id = ANY($7::text[])")}, finished AS (
    UPDATE messages m SET status = d.status, due_at = d.due_at, last_reply = d.reply,
        sent_at = CASE WHEN d.status = 'sent' THEN d.at END, updated_at = d.at
    FROM done d JOIN in_id_order o ON o.id = d.id
    WHERE {fence_sql(HELD, "d.id", "d.attempt", alias="m")}
    RETURNING m.id, d.status, d.detail, d.at
), finished_logged AS (
    INSERT INTO message_events (message_id, status, detail, at) SELECT id, status, detail, at FROM finished
), """


@functools.cache
def _pg_exchange(limit: int) -> str:
    """The exchange statement claiming up to `limit` (written into the text: see pick_sql)."""
    return pick_sql("messages", CLAIMABLE, True, _EXCHANGE_CLAIM, before=_EXCHANGE_FINISHES,
                    where=" AND id <> ALL($7::text[])", limit=limit)


def _connection():
    return Tortoise.get_connection("default")


def _is_postgres(conn) -> bool:
    return conn.capabilities.dialect == "postgres"




@dataclass(frozen=True)
class Claim:
    id: str
    attempt: int
    organization_id: str = ""


@dataclass
class MessageRow:
    """What the worker reads of a claimed message: a `Message` row without the ORM."""

    id: str
    organization_id: str
    to: list[str]
    cc: list[str]
    bcc: list[str]
    reply_to: list[str]
    recipient_names: dict[str, Any]
    from_address: str
    subject: str
    html: str | None
    text: str | None
    headers: dict[str, str]
    tags: list[str]
    metadata: dict[str, Any]
    attachment_count: int
    sandbox: bool
    send_at: datetime | None
    created_at: datetime
    unsubscribe: bool
    track_opens: bool | None
    track_clicks: bool | None
    dkim_signature: str | None

    @classmethod
    def of(cls, message: Message) -> MessageRow:
        return cls(**{name: getattr(message, name) for name in _ROW_COLUMNS})

    @classmethod
    def from_row(cls, row: Any) -> MessageRow:
        """From the exchange statement's row (asyncpg gives JSON columns as text)."""
        return cls(**{name: json.loads(row[name]) if name in _JSON_COLUMNS else row[name] for name in _ROW_COLUMNS})


@dataclass(frozen=True)
class Finish:
    """An attempt's outcome, to record: `at` is when it was known (sent_at, updated_at and the
    timeline event's time), `due_at` the next attempt's time when deferred."""

    claim: Claim
    status: str
    detail: str
    at: datetime
    reply: str | None = None
    due_at: datetime | None = None


@dataclass
class Exchanged:
    recorded: list[bool]  # per finish given: False when the claim was taken over (lease expired)
    claimed: list[tuple[Claim, MessageRow]]
    blocked: set[tuple[str, str]]  # (organization, email key) of claimed messages' suppressed recipients


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


async def release(claims: dict[str, int]) -> int:
    """Hand back claims (message id -> attempt) whose sends never started: due again now,
    with a timeline event; how many were still ours."""
    if not claims:
        return 0
    conn = _connection()
    at = now()
    if _is_postgres(conn):
        released, _ = await conn.execute_query(_PG_RELEASE, [at, json.dumps(claims), RELEASED])
        return released
    released = 0
    for message_id, attempt in claims.items():
        _, rows = await conn.execute_query(_SQLITE_RELEASE, [at, at, message_id, attempt])
        for row in rows:
            await conn.execute_query(_SQLITE_EVENT, [message_id, row["status"], RELEASED, at])
            released += 1
    return released


async def finish(
    claim: Claim,
    status: str,
    detail: str,
    *,
    reply: str | None = None,
    due_at: datetime | None = None,
    at: datetime | None = None,
) -> bool:
    """Record the attempt's outcome; False when the claim was taken over (lease expired)."""
    conn = _connection()
    at = at or now()
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


async def exchange(
    finishes: Sequence[Finish], limit: int, lease_seconds: float, busy: dict[str, int] | None = None,
    per_org: int | None = None, organizations: Collection[str] | None = None, *, in_steps: bool = False,
) -> Exchanged:
    """Record `finishes`, then claim up to `limit` due messages as `claim` does; the claimed
    messages' rows, and which of their recipients are suppressed. One round trip on
    PostgreSQL; `in_steps`: the general path there too (tests compare the two)."""
    conn = _connection()
    if in_steps or not _is_postgres(conn):
        return await _exchange_in_steps(finishes, limit, lease_seconds, busy, per_org, organizations)
    if not finishes and limit <= 0:
        return Exchanged([], [], set())
    at = now()
    params = pick_params(at, max(limit, 0), at + timedelta(seconds=lease_seconds), busy, per_org,
                         organizations=organizations)
    params += [
        [f.claim.id for f in finishes], [f.claim.attempt for f in finishes], [f.status for f in finishes],
        [f.detail for f in finishes], [f.reply for f in finishes], [f.due_at or f.at for f in finishes],
        [f.at for f in finishes],
    ]
    _, rows = await conn.execute_query(_pg_exchange(max(limit, 0)), params)
    recorded_ids = set(rows[0]["finished"] or ()) if rows else set()
    claimed: list[tuple[Claim, MessageRow]] = []
    blocked: set[tuple[str, str]] = set()
    unknown: set[tuple[str, str]] = set()
    for row in rows:
        if row["id"] is None:
            continue
        message = MessageRow.from_row(row)
        claimed.append((Claim(message.id, row["attempts"], message.organization_id), message))
        org = message.organization_id
        blocked.update((org, key) for key in row["suppressed"] or ())
        # The statement folded ASCII only; Python's lower() folds the rest too.
        unknown.update((org, email_key(a)) for a in (*message.to, *message.cc, *message.bcc) if not a.isascii())
    if unknown:
        blocked |= await suppressed_keys(unknown)
    return Exchanged([f.claim.id in recorded_ids for f in finishes], claimed, blocked)


async def _exchange_in_steps(
    finishes: Sequence[Finish], limit: int, lease_seconds: float, busy: dict[str, int] | None,
    per_org: int | None, organizations: Collection[str] | None,
) -> Exchanged:
    recorded = [
        await finish(f.claim, f.status, f.detail, reply=f.reply, due_at=f.due_at, at=f.at) for f in finishes
    ]
    claims = await claim(limit, lease_seconds, busy, per_org, organizations) if limit > 0 else []
    if not claims:
        return Exchanged(recorded, [], set())
    rows = {m.id: MessageRow.of(m) for m in await Message.filter(id__in=[c.id for c in claims])}
    claims.sort(key=lambda c: rows[c.id].send_at or rows[c.id].created_at)  # started in due order
    blocked = await suppressed_keys(
        (m.organization_id, email_key(a)) for m in rows.values() for a in (*m.to, *m.cc, *m.bcc)
    )
    return Exchanged(recorded, [(c, rows[c.id]) for c in claims], blocked)


def retry_delay(attempt: int, base: float, cap: float) -> float:
    """Exponential back-off with +-20 % jitter: ~base, 2*base, 4*base, ... at most `cap`."""
    delay = min(base * (2 ** max(attempt - 1, 0)), cap)
    return delay * random.uniform(0.8, 1.2)


# ----------------------------------------------------------------------------- wake-ups
# Workers in this process sleep on their own event; a send in this process wakes them at
# once instead of at the next idle poll.
wakeups = _wakeups.deliveries
notify = wakeups.notify
