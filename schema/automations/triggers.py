"""Which automations an event starts, and the per-process automation caches.

Trigger (`start_runs`, called by event ingestion in the transaction that stores the events):
the organization's enabled automations (one query per batch, cached per process for
`CACHE_SECONDS` and dropped on every change made in this process) are matched in Python on
event type and conditions; one run per (automation, event) is inserted with ON CONFLICT DO
NOTHING on the unique index, so the same event never starts two runs of one automation, even
from two workers or a retried call. Started runs wake this process's runners (`wakeups`).

Test mode: an event sent with a test key starts every matching automation, live ones
included, but always as a sandboxed run; a live event starts only live automations.

Resolver-level code: event ingestion (schema.events.resolvers) and automation changes
(schema.automations.resolvers) call it; the runner (app.engines.automations) reads its caches and wakeups.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from app.core import wakeups as _wakeups
from app.core.clock import now
from models import Automation, AutomationRun

CACHE_SECONDS = 1.0

wakeups = _wakeups.automation_runs  # runners of this process listen; started runs notify them




# ----------------------------------------------------------------------------- conditions


@dataclass(frozen=True)
class StoredEvent:
    """What the trigger needs of a newly stored event."""

    id: str
    contact_id: str | None
    event_type: str
    value: Decimal | None
    properties: dict[str, Any] = field(default_factory=dict)
    sandbox: bool = False  # sent with a test key


_MISSING = object()


def _lookup(event: StoredEvent, path: str) -> Any:
    if path == "value":
        return _MISSING if event.value is None else event.value
    current: Any = event.properties or {}
    for part in path.split(".")[1:]:
        if not isinstance(current, dict) or part not in current:
            return _MISSING
        current = current[part]
    return _MISSING if current is None else current


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return None
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _comparable(actual: Any, expected: Any) -> tuple[Any, Any] | None:
    """Numbers with numbers (a numeric string counts when the other side is a number),
    strings with strings (e.g. ISO dates); None when they cannot be compared."""
    if _is_number(actual) or _is_number(expected):
        a, b = _number(actual), _number(expected)
        return (a, b) if a is not None and b is not None else None
    if isinstance(actual, str) and isinstance(expected, str):
        return actual, expected
    return None


def _equal(actual: Any, expected: Any) -> bool:
    pair = _comparable(actual, expected)
    return pair[0] == pair[1] if pair is not None else actual == expected


def condition_holds(condition: dict[str, Any], event: StoredEvent) -> bool:
    op = condition["op"]
    actual = _lookup(event, condition["field"])
    expected = condition.get("value")
    if op == "exists":
        wanted = True if expected is None else bool(expected)
        return (actual is not _MISSING) == wanted
    if actual is _MISSING:
        return False
    if op == "eq":
        return _equal(actual, expected)
    if op == "ne":
        return not _equal(actual, expected)
    if op == "in":
        return any(_equal(actual, item) for item in expected or [])
    pair = _comparable(actual, expected)
    if pair is None:
        return False
    a, b = pair
    return {"gt": a > b, "gte": a >= b, "lt": a < b, "lte": a <= b}.get(op, False)


def matches(trigger: dict[str, Any], event: StoredEvent) -> bool:
    if trigger.get("eventType") != event.event_type:
        return False
    return all(condition_holds(c, event) for c in trigger.get("conditions") or [])


# ----------------------------------------------------------------------------- trigger

_cache: dict[str, tuple[float, list[tuple[str, dict]]]] = {}


def invalidate(organization_id: str) -> None:
    """Drop this process's cached automations of the organization (after any change)."""
    _cache.pop(organization_id, None)
    for automation_id, (_, automation) in list(_automations.items()):
        if automation.organization_id == organization_id:
            _automations.pop(automation_id, None)


async def _enabled(organization_id: str, connection=None) -> list[tuple[str, dict, bool]]:
    """(id, trigger, sandbox) of the organization's enabled automations."""
    hit = _cache.get(organization_id)
    if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS:
        return hit[1]
    query = Automation.filter(organization_id=organization_id, enabled=True)
    if connection is not None:
        query = query.using_db(connection)
    rows = [tuple(row) for row in await query.values_list("id", "trigger", "sandbox")]
    _cache[organization_id] = (time.monotonic(), rows)
    return rows


async def any_enabled(organization_id: str) -> bool:
    """Whether the organization has an enabled automation (cached like the trigger list)."""
    return bool(await _enabled(organization_id))


def starts(event_sandbox: bool, automation_sandbox: bool) -> bool:
    """Whether an event may start an automation: a test event starts any, a live event only
    live ones (a test key never makes something that reacts to live traffic)."""
    return event_sandbox or not automation_sandbox


async def start_runs(organization_id: str, stored_events: list[StoredEvent], connection=None) -> int:
    """Start one run per (enabled automation, matching event); returns how many were asked for
    (duplicates of existing runs are ignored by the unique index). A run is sandboxed when its
    event or its automation is."""
    if not stored_events:
        return 0
    automations = await _enabled(organization_id, connection)
    if not automations:
        return 0
    at = now()
    rows = [
        AutomationRun(
            automation_id=a_id, organization_id=organization_id, event_id=event.id,
            contact_id=event.contact_id, status="pending", due_at=at, sandbox=event.sandbox or a_sandbox,
        )
        for event in stored_events
        for a_id, trigger, a_sandbox in automations
        if starts(event.sandbox, a_sandbox) and matches(trigger, event)
    ]
    if rows:
        await AutomationRun.bulk_create(rows, ignore_conflicts=True, using_db=connection)
        wakeups.notify()
    return len(rows)




_automations: dict[str, tuple[float, Any]] = {}  # id -> (read at, Automation)


async def automation(automation_id: str) -> Automation | None:
    """The automation a run follows, cached for CACHE_SECONDS like the trigger list (changes in
    this process drop it at once; other processes see them within the TTL)."""
    hit = _automations.get(automation_id)
    if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS:
        return hit[1]
    automation = await Automation.filter(id=automation_id).first()
    if automation is None:
        _automations.pop(automation_id, None)
    else:
        if len(_automations) > 10_000:
            _automations.clear()
        _automations[automation_id] = (time.monotonic(), automation)
    return automation
