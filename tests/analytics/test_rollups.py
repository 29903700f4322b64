"""Event rollups (schema/events/rollups.py): after single and batch ingestion, concurrent
batches on the same keys, erasure and a rebuild they equal a recomputation from the events; the
events analytics they serve equal the figures grouped from the events, over REST and GraphQL,
in zones 30 and 45 minutes off the hour. Shards (PostgreSQL): concurrent ingests add to
different rows of a key, a quiet organization to shard 0 only; readers and a rebuild sum them."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from datetime import datetime, timezone
from decimal import Decimal

import asyncpg
import pytest
from tortoise.transactions import in_transaction

from app.core.principal import Principal
from models import Event, EventRollup
from schema.analytics import resolvers as analytics
from schema.analytics.resolvers import event_analytics, event_analytics_raw, rebuild_event_rollups, window
from schema.events import rollups
from schema.events.resolvers import IngestEvent, ingest_batch
from tests.helpers import BACKEND, DATABASE_URL, ROOT, create_event, gql

EVENTS = "/api/v1/pipelines/events"
postgres_only = pytest.mark.skipif(BACKEND != "postgres", reason="shards are PostgreSQL's (SQLite: shard 0)")


async def stored_rollups(org: str) -> dict[tuple, tuple]:
    """Key -> (events, valued, total), the shards summed."""
    rows = await EventRollup.filter(organization_id=org).values(
        "span", "bucket", "event_type", "currency", "events", "valued", "total")
    sums: dict[tuple, list] = {}
    for r in rows:
        key = (r["span"], r["bucket"].isoformat(), r["event_type"], r["currency"])
        acc = sums.setdefault(key, [0, 0, Decimal(0)])
        acc[0] += r["events"]
        acc[1] += r["valued"]
        acc[2] += Decimal(r["total"])
    return {key: tuple(acc) for key, acc in sums.items() if acc[0] or acc[1] or acc[2]}


async def shards_of(org: str, span: int = 15) -> list[int]:
    return sorted(await EventRollup.filter(organization_id=org, span=span).values_list("shard", flat=True))


async def recomputed(org: str) -> dict[tuple, tuple]:
    events = await Event.filter(organization_id=org).values("occurred_at", "event_type", "currency", "value")
    sums = rollups.aggregate(rollups.Row(e["occurred_at"], e["event_type"], e["currency"], e["value"]) for e in events)
    return {(span, bucket.isoformat(), t, c): (n, v, Decimal(total)) for (span, bucket, t, c), (n, v, total) in sums.items()}


async def assert_rollups_match(org: str) -> None:
    assert await stored_rollups(org) == await recomputed(org)


def batch(n: int, prefix: str, **extra) -> list[dict]:
    """n events over 2 days (slots, days and currencies varied; a third without a value)."""
    out = []
    for i in range(n):
        event = {"email": f"p{i % 7}@example.com", "eventType": ("order.placed", "page.viewed")[i % 2],
                 "occurredAt": f"2026-11-{27 + i % 2}T{(i * 7) % 24:02d}:{(i * 13) % 60:02d}:{i % 60:02d}.5Z",
                 "eventId": f"{prefix}-{i}", **extra}
        if i % 3:
            event["value"], event["currency"] = (f"{i}.25", "USD") if i % 3 == 1 else (f"{i * 100}", "JPY")
        out.append(event)
    return out


async def test_single_and_batch_ingestion_keep_the_rollups(client, key):
    org = key.organization_id
    for event in batch(5, "one"):
        response = await client.post(EVENTS, json=event, headers=key.headers)
        assert response.status_code == 202, response.text
    await assert_rollups_match(org)
    response = await client.post(f"{EVENTS}/batch", json={"events": batch(60, "many")}, headers=key.headers)
    assert response.json()["accepted"] == 60
    await assert_rollups_match(org)
    # Duplicates (the same eventIds, and one given twice in a batch) store and count nothing more.
    again = batch(60, "many")[:10] + batch(60, "many")[:1]
    await client.post(f"{EVENTS}/batch", json={"events": again}, headers=key.headers)
    await assert_rollups_match(org)
    assert sum(v[0] for k, v in (await stored_rollups(org)).items() if k[0] == 15) == 65
    assert sum(v[0] for k, v in (await stored_rollups(org)).items() if k[0] == 1440) == 65


async def test_concurrent_batches_on_the_same_keys_add_up(key):
    principal = Principal(key.id, key.organization_id, "t", "", "", "live", 10**6, 10**6)
    same = {"email": "same@example.com", "eventType": "order.placed", "occurredAt": "2026-11-28T10:05:00Z",
            "value": "0.10", "currency": "EUR"}
    batches = [[IngestEvent.model_validate({**same, "eventId": f"t{t}-{i}"}) for i in range(50)] for t in range(2)]
    await asyncio.gather(*(ingest_batch(principal, b) for b in batches))
    rows = await stored_rollups(key.organization_id)
    slot = next(v for k, v in rows.items() if k[0] == 15)
    day = next(v for k, v in rows.items() if k[0] == 1440)
    assert slot == day == (100, 100, Decimal("10.00"))
    await assert_rollups_match(key.organization_id)


async def test_erasure_keeps_the_rollups_right(client, key):
    """Erasure deletes no event (it unlinks them from the contact): the rollups stay equal to the
    events, and the events analytics do not change."""
    await client.post(f"{EVENTS}/batch", json={"events": batch(20, "e")}, headers=key.headers)
    params = {"from": "2026-11-27T00:00:00Z", "to": "2026-11-29T00:00:00Z", "timezone": "Asia/Kolkata"}
    before = (await client.get("/api/v1/analytics/events", params=params, headers=key.headers)).json()
    contact = (await client.get("/api/v1/contacts/by-email/p1%40example.com", headers=key.headers)).json()
    response = await client.delete(f"/api/v1/contacts/{contact['id']}", headers=key.headers)
    assert response.status_code == 200 and response.json()["eventsAnonymized"] == 3
    await assert_rollups_match(key.organization_id)
    assert (await client.get("/api/v1/analytics/events", params=params, headers=key.headers)).json() == before


async def test_rebuild_recomputes_the_rollups(key, make_key):
    org, other = key.organization_id, (await make_key()).organization_id
    for o in (org, other):
        await create_event(o, None, "2026-11-28 10:20:00", "order.placed", "12.34", "USD")
        await create_event(o, None, "2026-11-28 23:59:59.999", "order.placed")
    expected = await recomputed(org)
    await EventRollup.filter(organization_id=org, span=15).update(events=7, total=Decimal("1"))
    await EventRollup.filter(organization_id=org, span=1440).delete()
    # A row for events that do not exist goes too.
    await EventRollup.create(organization_id=org, span=15, bucket=datetime(2026, 1, 1, tzinfo=timezone.utc),
                             event_type="ghost", currency="", events=1)
    assert await stored_rollups(org) != expected
    result = await rebuild_event_rollups([org])
    assert (result.organizations, result.events, result.rows) == (1, 2, 4)
    assert await stored_rollups(org) == expected
    await assert_rollups_match(other)


def test_the_rebuild_command(key):
    """`viperatron analytics rebuild --org NAME` (and an unknown name: exit 2)."""
    env = {**os.environ, "DATABASE_URL": DATABASE_URL}
    command = [sys.executable, "-m", "app.cli", "analytics", "rebuild"]
    done = subprocess.run([*command, "--org", key.organization_name], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "1 organization(s): 0 events in 0 rows" in done.stderr
    missing = subprocess.run([*command, "--org", "no-such-org-x"], cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=120)
    assert missing.returncode == 2 and "no organization named" in missing.stderr


ZONES = ["Asia/Kolkata", "Asia/Kathmandu", "America/St_Johns", "Australia/Lord_Howe", "UTC", "Europe/Berlin"]


FIGURES_EVENTS = batch(90, "z") + [
    {"email": "edge@example.com", "eventType": "order.placed", "occurredAt": t, "value": "1.01", "currency": "USD"}
    for t in ("2026-11-27T00:07:00Z", "2026-11-27T00:16:00Z", "2026-11-28T18:29:59Z", "2026-11-28T18:30:00Z",
              "2026-11-28T18:15:00Z", "2026-11-28T23:59:59.999Z", "2026-11-29T00:00:00Z")
]


async def assert_figures_match_the_events(client, key, tz: str, monkeypatch) -> None:
    """REST and GraphQL (rollups) against the figures grouped from the events, by hour, day and
    week, with window edges on and off the 15-minute grid (a window inside one slot: events)."""
    principal = Principal(key.id, key.organization_id, "t", "", "", "live", 10**6, 10**6)
    windows = [("2026-11-26T00:00:00Z", "2026-11-30T00:00:00Z"), ("2026-11-27T00:10:00Z", "2026-11-28T18:20:00Z"),
               ("2026-11-27T05:45:00+05:45", "2026-11-29T00:00:00+05:30"), ("2026-11-28T18:20:00Z", "2026-11-28T18:25:00Z")]
    query = """query($from: DateTime!, $to: DateTime!, $g: String!, $tz: String!) {
      analytics(from: $from, to: $to, granularity: $g, timezone: $tz) {
        events { totals { eventType count values { currency count sum average } }
                 buckets { start types { eventType count values { currency count sum average } } } } } }"""
    for start, end in windows:
        for g in ("hour", "day", "week"):
            w = window(start, end, g, tz)
            raw = (await event_analytics_raw(principal, w)).model_dump(mode="json", by_alias=True)
            if start != windows[-1][0]:  # served by the rollups alone
                monkeypatch.setattr(analytics, "event_analytics_raw", None)
            assert (await event_analytics(principal, w)).model_dump(mode="json", by_alias=True) == raw
            monkeypatch.undo()
            params = {"from": start, "to": end, "granularity": g, "timezone": tz}
            rest = await client.get("/api/v1/analytics/events", params=params, headers=key.headers)
            assert rest.json() == raw
            graphql = await gql(client, key, query, {"from": start, "to": end, "g": g, "tz": tz})
            assert graphql.json()["data"]["analytics"]["events"] == raw
    w = window(*windows[0], "day", tz)
    assert sum(t["count"] for t in (await event_analytics(principal, w)).model_dump(by_alias=True)["totals"]) == 97


@pytest.mark.parametrize("tz", ZONES)
async def test_rollups_serve_the_same_figures_as_the_events(client, key, tz, monkeypatch):
    response = await client.post(f"{EVENTS}/batch", json={"events": FIGURES_EVENTS}, headers=key.headers)
    assert response.status_code == 200
    await assert_figures_match_the_events(client, key, tz, monkeypatch)


@pytest.mark.skipif(os.environ.get("VIPERATRON_TEST_BACKEND") != "postgres", reason="statement_timeout is PostgreSQL's")
async def test_a_rebuild_outlives_the_request_statement_timeout(key):
    """A server process bounds every statement by the request deadline; a rebuild reads all of
    an organization's events and may take longer, so it lifts the bound for its transaction."""
    org = key.organization_id
    await create_events_in_bulk(org, 20_000)
    expected = await recomputed(org)
    async with in_transaction() as conn:
        await conn.execute_query("SET LOCAL statement_timeout = 1")  # 1 ms: any real rebuild is slower
        await rollups.rebuild(conn, org)
    assert await stored_rollups(org) == expected


async def create_events_in_bulk(org: str, n: int) -> None:
    await Event.bulk_create([
        Event(organization_id=org, event_type=f"type.{i % 7}", value=Decimal(i % 50), currency="USD",
              occurred_at=datetime(2026, 11, 1 + i % 28, i % 24, i % 60, tzinfo=timezone.utc), properties={})
        for i in range(n)
    ], batch_size=5000)


# ----------------------------------------------------------------------------- shards

ORDER = {"email": "shard@example.com", "eventType": "order.placed", "occurredAt": "2026-11-28T10:05:00Z",
         "value": "19.99", "currency": "USD"}


async def test_a_quiet_organization_writes_shard_0_only(client, key):
    """Ingests one after another: one row per key (slot and day), shard 0, as without shards."""
    for i in range(5):
        event = {**ORDER, "occurredAt": f"2026-11-28T10:0{i}:00Z", "value": f"{i}.01"}
        assert (await client.post(EVENTS, json=event, headers=key.headers)).status_code == 202
    assert await shards_of(key.organization_id, 15) == [0]
    assert await shards_of(key.organization_id, 1440) == [0]
    assert (await stored_rollups(key.organization_id))[(15, "2026-11-28T10:00:00+00:00", "order.placed", "USD")] == (
        5, 5, Decimal("10.05"))
    await assert_rollups_match(key.organization_id)


@postgres_only
async def test_an_ingest_takes_a_free_shard_without_waiting(client, key):
    """Another transaction holds shard 0 of the organization's rollups, and the slot's and day's
    shard-0 rows locked (it added to them, not committed yet): an ingest does not wait for it
    (a wait would outlast the timeout), it adds to shard 1. Then 8 ingests at once: the summed
    rollups equal the events, and the slot is split over more than one shard."""
    org = key.organization_id
    holder = await asyncpg.connect(DATABASE_URL)
    shard_locks = ("SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 AND classid = "
                   "(hashtext('event_rollups ' || $1::text)::int8 & 4294967295)::oid")  # the int4 key as an oid
    try:
        held = holder.transaction()
        await held.start()
        await holder.execute(rollups._PG_ADD, org, [datetime(2026, 11, 28, 10, 1, tzinfo=timezone.utc)],
                             ["order.placed"], ["USD"], [Decimal("1")])
        # The organization's shared lock (one bigint) and one shard's (two int4: shard 0): LIMIT 1
        # stopped at the first shard taken.
        locks = await holder.fetch("SELECT objsubid, mode FROM pg_locks WHERE locktype = 'advisory' "
                                   "AND pid = pg_backend_pid() ORDER BY objsubid")
        assert [(r["objsubid"], r["mode"]) for r in locks] == [(1, "ShareLock"), (2, "ExclusiveLock")]
        assert [r["objid"] for r in await holder.fetch(shard_locks, org)] == [0]
        started = time.monotonic()
        response = await asyncio.wait_for(client.post(EVENTS, json=ORDER, headers=key.headers), 5)
        assert response.status_code == 202 and time.monotonic() - started < 5
        assert await shards_of(org, 15) == [1] and await shards_of(org, 1440) == [1]
        concurrent = [client.post(EVENTS, json={**ORDER, "value": f"{i}.10"}, headers=key.headers) for i in range(8)]
        assert {r.status_code for r in await asyncio.wait_for(asyncio.gather(*concurrent), 30)} == {202}
        assert 0 not in await shards_of(org, 15)
        await held.rollback()  # its rows were not events: not kept
        assert not await holder.fetch(shard_locks, org)  # each ingest's shard lock went with its transaction
    finally:
        await holder.close()
    assert (await client.post(EVENTS, json=ORDER, headers=key.headers)).status_code == 202
    shards = await shards_of(org, 15)
    assert shards[0] == 0 and len(shards) > 1 and len(shards) == len(set(shards))  # one row per shard
    slot = (await stored_rollups(org))[(15, "2026-11-28T10:00:00+00:00", "order.placed", "USD")]
    assert slot == (10, 10, Decimal("19.99") * 2 + sum(Decimal(f"{i}.10") for i in range(8)))
    await assert_rollups_match(org)


async def split_into_shards(org: str) -> None:
    """Rollups as concurrent ingests leave them: a third of the keys moved whole to shard 9, the
    others' figures partly moved to shard 5."""
    async with in_transaction() as conn:
        await conn.execute_query(
            "UPDATE event_rollups SET shard = 9 WHERE organization_id = $1 AND shard = 0 AND id % 3 = 0", [org])
        await conn.execute_query(
            "INSERT INTO event_rollups (organization_id, span, bucket, event_type, currency, shard, events, valued, "
            "total) SELECT organization_id, span, bucket, event_type, currency, 5, events / 2, valued / 2, "
            "round(total / 3, 4) FROM event_rollups WHERE organization_id = $1 AND shard = 0", [org])
        await conn.execute_query(
            "UPDATE event_rollups r SET events = r.events - s.events, valued = r.valued - s.valued, "
            "total = r.total - s.total FROM event_rollups s WHERE r.organization_id = $1 AND r.shard = 0 "
            "AND s.organization_id = $1 AND s.shard = 5 AND (s.span, s.bucket, s.event_type, s.currency) = "
            "(r.span, r.bucket, r.event_type, r.currency)", [org])


@postgres_only
@pytest.mark.parametrize("tz", ["Asia/Kathmandu", "America/St_Johns"])
async def test_the_figures_are_the_same_over_shards(client, key, tz, monkeypatch):
    org = key.organization_id
    response = await client.post(f"{EVENTS}/batch", json={"events": FIGURES_EVENTS}, headers=key.headers)
    assert response.status_code == 200
    rows = await EventRollup.filter(organization_id=org).count()
    await split_into_shards(org)
    assert set(await shards_of(org, 15)) == {0, 5, 9} and set(await shards_of(org, 1440)) >= {5, 9}
    assert await EventRollup.filter(organization_id=org).count() > rows
    await assert_rollups_match(org)
    await assert_figures_match_the_events(client, key, tz, monkeypatch)


@postgres_only
async def test_a_rebuild_folds_the_shards_into_shard_0(client, key):
    org = key.organization_id
    await client.post(f"{EVENTS}/batch", json={"events": batch(40, "f")}, headers=key.headers)
    expected = await recomputed(org)
    await split_into_shards(org)
    result = await rebuild_event_rollups([org])
    assert (result.organizations, result.events, result.rows) == (1, 40, len(expected))
    assert set(await EventRollup.filter(organization_id=org).values_list("shard", flat=True)) == {0}
    assert await stored_rollups(org) == expected


async def test_sums_and_averages_at_each_currencys_precision(client, key, monkeypatch):
    """Rounded half-up to the currency's digits (KWD 3, JPY 0, USD 2), a negative average that
    rounds to zero as "0.00", never "-0.00": from the rollups as from the events."""
    values = [("-0.01", "USD"), ("0", "USD"), ("0", "USD"), ("0.001", "KWD"), ("0.002", "KWD"),
              ("7", "JPY"), ("8", "JPY"), ("-5.5", "CLF")]
    events = [{"email": "money@example.com", "eventType": "paid", "occurredAt": f"2026-11-27T10:{i:02d}:00Z",
               "value": value, "currency": currency} for i, (value, currency) in enumerate(values)]
    response = await client.post(f"{EVENTS}/batch", json={"events": events}, headers=key.headers)
    assert response.status_code == 200
    params = {"from": "2026-11-27T00:00:00Z", "to": "2026-11-28T00:00:00Z", "granularity": "hour"}
    body = (await client.get("/api/v1/analytics/events", params=params, headers=key.headers)).json()
    expected = [
        {"currency": "CLF", "count": 1, "sum": "-5.5000", "average": "-5.5000"},
        {"currency": "JPY", "count": 2, "sum": "15", "average": "8"},  # 7.5 -> 8
        {"currency": "KWD", "count": 2, "sum": "0.003", "average": "0.002"},  # 0.0015 -> 0.002
        {"currency": "USD", "count": 3, "sum": "-0.01", "average": "0.00"},  # -0.00333...
    ]
    assert body["totals"] == [{"eventType": "paid", "count": 8, "values": expected}]
    assert body["buckets"][10]["types"] == body["totals"]
    principal = Principal(key.id, key.organization_id, "t", "", "", "live", 10**6, 10**6)
    raw = await event_analytics_raw(principal, window(params["from"], params["to"], "hour", "UTC"))
    assert raw.model_dump(mode="json", by_alias=True) == body
