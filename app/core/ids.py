"""Prefixed, opaque, URL-safe identifiers (`ct_…`, `msg_…`).

48 bits of milliseconds then 80 random bits, written in fixed-width lowercase base36, so
IDs sort roughly by creation time (good for cursor pagination) under any collation.
"""

from __future__ import annotations

import os
import re
import secrets
import time

from app.core.errors import not_found

# Every kind of ID and its prefix: the one place that knows them (models make IDs with them,
# resolvers check path and argument IDs against them).
PREFIXES = {
    "organization": "org",
    "api_key": "key",
    "contact": "ct",
    "message": "msg",
    "event": "evt",
    "import": "imp",
    "automation": "auto",
    "automation_run": "run",
    "suppression": "sup",
    "user": "usr",
    "domain": "dom",
    "webhook_endpoint": "whe",
    "webhook_delivery": "whd",
}

_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
_WIDTH = 25  # 36**25 > 2**128
_BODY = re.compile(r"^[0-9a-z]{25}$")


# Three base36 digits at a time (a table of 36**3 strings): bulk writes make an ID per row,
# and digit-by-digit formatting cost more than the rest of new_id.
_TRIPLES = tuple(a + b + c for a in _ALPHABET for b in _ALPHABET for c in _ALPHABET)
_TRIPLE = 36**3


def _base36(number: int) -> str:
    """`number` (< 36**25) in fixed-width lowercase base36."""
    number, first = divmod(number, _TRIPLE)
    parts = [_TRIPLES[first]]
    for _ in range(7):
        number, rem = divmod(number, _TRIPLE)
        parts.append(_TRIPLES[rem])
    parts.append(_ALPHABET[number % 36])
    return "".join(reversed(parts))


def new_id(prefix: str) -> str:
    millis = int(time.time() * 1000) & ((1 << 48) - 1)
    value = (millis << 80) | secrets.randbits(80)
    return f"{prefix}_{_base36(value)}"


def new_ids(prefix: str, count: int) -> list[str]:
    """`count` IDs as `new_id` makes them, with one read of the OS's random source (bulk
    writes: a read per ID cost as much as the rest of new_id)."""
    millis = (int(time.time() * 1000) & ((1 << 48) - 1)) << 80
    data = os.urandom(10 * count)
    from_bytes = int.from_bytes
    return [f"{prefix}_{_base36(millis | from_bytes(data[i : i + 10], 'big'))}" for i in range(0, 10 * count, 10)]


def looks_like(prefix: str, value: str) -> bool:
    """True if `value` has the shape of an ID with this prefix (cheap pre-check before a query)."""
    head, _, body = value.partition("_")
    return head == prefix and bool(_BODY.fullmatch(body))


def looks_like_any(value: str) -> bool:
    """True if `value` has the shape of an ID of any kind (a cursor holds one)."""
    return any(looks_like(prefix, value) for prefix in PREFIXES.values())


def require_id(kind: str, value: str) -> str:
    """`value`, if it has the shape of a `kind` ID; otherwise the 404 an unknown one gets
    ("Contact not found."). A malformed ID can match nothing, so it never reaches a query:
    PostgreSQL refuses a value longer than the column (a 500, not a 404)."""
    if not looks_like(PREFIXES[kind], value):
        raise not_found(kind.replace("_", " ").capitalize())
    return value
