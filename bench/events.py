"""`make bench-events`: batch event ingestion throughput on PostgreSQL.

    python -m bench.events [--events 100000] [--concurrency 4]

One run on a fresh PostgreSQL database (migrated, dropped at the end):

  raw floor   asyncpg alone: the same event rows, already built in memory (contacts created
              beforehand, untimed), inserted with `executemany` in batches of 500, each batch one
              transaction. No HTTP, no JSON, no validation, no contact lookup.
  API         `viperatron serve --no-worker`; the events are POSTed to
              /api/v1/pipelines/events/batch in batches of 500 (`--concurrency` requests in
              flight, from threads with keep-alive connections, bodies pre-serialized). Each batch validates every event, finds or creates
              the contacts of its emails in bulk and inserts the events in bulk.

Rows: one of 10,000 emails, `order.placed`/`page.viewed`, a USD value on half, a small
`properties` object and a unique `eventId`.

Env: BENCH_EVENTS_DATABASE_URL (postgres://postgres@127.0.0.1:5432/viperatron_bench_events).
Prints a Markdown table and writes it to bench/results/events.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx

from app.core.ids import new_id
from bench.summary import Row, record
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/viperatron_bench_events"
BATCH = 500
EMAILS = 10_000
TARGET_RATIO = 0.6

RAW_INSERT = """
INSERT INTO events (id, organization_id, contact_id, event_id, event_type, value, currency, properties,
                    occurred_at, received_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10)
"""


def make_events(count: int) -> list[dict]:
    base = datetime(2026, 11, 1, tzinfo=timezone.utc)
    events = []
    for i in range(count):
        event = {
            "email": f"user{i % EMAILS}@example.com",
            "eventType": "order.placed" if i % 2 else "page.viewed",
            "eventId": f"bench-{i}",
            "occurredAt": (base + timedelta(seconds=i)).isoformat().replace("+00:00", "Z"),
            "properties": {"orderId": f"ord_{i}", "sku": f"SKU-{i % 100}"},
        }
        if i % 2:
            event["value"] = f"{i % 500}.99"
            event["currency"] = "USD"
        events.append(event)
    return events


async def raw_floor(url: str, events: list[dict]) -> float:
    conn = await asyncpg.connect(url)
    try:
        org_id = new_id("org")
        await conn.execute("INSERT INTO organizations (id, name, created_at) VALUES ($1, 'bench-raw', now())", org_id)
        now = datetime.now(timezone.utc)
        emails = sorted({e["email"] for e in events})
        contacts = {email: new_id("ct") for email in emails}
        await conn.executemany(
            "INSERT INTO contacts (id, organization_id, email, email_key, custom_fields, created_at, updated_at) "
            "VALUES ($1, $2, $3, $3, '{}'::jsonb, $4, $4)",
            [(cid, org_id, email, now) for email, cid in contacts.items()],
        )
        rows = [
            (
                new_id("evt"), org_id, contacts[e["email"]], e["eventId"], e["eventType"],
                Decimal(e["value"]) if "value" in e else None, e.get("currency"),
                json.dumps(e["properties"]), datetime.fromisoformat(e["occurredAt"].replace("Z", "+00:00")), now,
            )
            for e in events
        ]
        started = time.perf_counter()
        for start in range(0, len(rows), BATCH):
            async with conn.transaction():
                await conn.executemany(RAW_INSERT, rows[start : start + BATCH])
        return time.perf_counter() - started
    finally:
        await conn.close()


def through_api(base: str, key: str, events: list[dict], concurrency: int) -> tuple[float, int]:
    """POST the batches from `concurrency` threads, each with its own keep-alive connection."""
    bodies = [json.dumps({"events": events[s : s + BATCH]}).encode() for s in range(0, len(events), BATCH)]
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    path = "/api/v1/pipelines/events/batch"
    lock = threading.Lock()
    queue = list(reversed(bodies))
    accepted = 0

    def post(conn: httpx.Client, body: bytes) -> dict:
        response = conn.post(path, content=body, headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"{response.status_code}: {response.text[:500]}")
        return response.json()

    def connect() -> httpx.Client:
        return httpx.Client(base_url=base, timeout=120)

    warm = connect()
    post(warm, json.dumps({"events": [{"email": "warm@example.com", "eventType": "warm.up"}]}).encode())
    warm.close()

    def sender():
        nonlocal accepted
        conn = connect()
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    body = queue.pop()
                result = post(conn, body)
                with lock:
                    accepted += result["accepted"]
        finally:
            conn.close()

    threads = [threading.Thread(target=sender) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, accepted


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=int(os.environ.get("BENCH_EVENTS", 100_000)))
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    url = os.environ.get("BENCH_EVENTS_DATABASE_URL", DEFAULT_URL)
    parts = urlsplit(url)
    dbname = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))

    async def recreate(drop_only=False):
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
            if not drop_only:
                await conn.execute(f'CREATE DATABASE "{dbname}"')
        finally:
            await conn.close()

    asyncio.run(recreate())
    env = {**os.environ, "DATABASE_URL": url, "OUTBOX_DIR": tempfile.mkdtemp()}
    env.pop("REDIS_URL", None)
    server = None
    try:
        subprocess.run([PYTHON, "-m", "app.cli", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True)
        key = subprocess.run(
            [PYTHON, "-m", "app.cli", "keys", "create", "--org", "bench-api",
             "--per-minute", "100000000", "--per-day", "1000000000"],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        ).stdout.strip()
        events = make_events(args.events)
        raw_seconds = asyncio.run(raw_floor(url, events))
        print(f"raw floor: {raw_seconds:.2f} s", file=sys.stderr)

        port = free_port()
        RESULTS.mkdir(exist_ok=True)
        server = subprocess.Popen(
            [PYTHON, "-m", "app.cli", "serve", "--port", str(port), "--no-migrate", "--no-worker"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(RESULTS / "events-api.log", "wb"),
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 30
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.time() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.2)
        api_seconds, accepted = (through_api(base, key, events, args.concurrency))
        if accepted != args.events:
            print(f"only {accepted} of {args.events} accepted", file=sys.stderr)
            return 1
        # Sending the same batches again: every eventId is a duplicate, nothing new is stored.
        dup_seconds, _ = (through_api(base, key, events[: 50 * BATCH], args.concurrency))
        dup_count = min(args.events, 50 * BATCH)

        async def stored() -> int:
            conn = await asyncpg.connect(url)
            try:
                return await conn.fetchval(
                    "SELECT count(*) FROM events e JOIN organizations o ON o.id = e.organization_id "
                    "WHERE o.name = 'bench-api' AND e.event_id IS NOT NULL")
            finally:
                await conn.close()

        stored_count = asyncio.run(stored())
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        try:
            asyncio.run(recreate(drop_only=True))
        except Exception as exc:  # noqa: BLE001
            print(f"could not drop {dbname}: {exc}", file=sys.stderr)

    raw_rate = args.events / raw_seconds
    api_rate = args.events / api_seconds
    dup_rate = dup_count / dup_seconds
    ratio = api_rate / raw_rate
    ok = ratio >= TARGET_RATIO and stored_count == args.events
    table = "\n".join([
        f"Event ingestion, {args.events:,} events ({EMAILS:,} contacts), PostgreSQL, batches of {BATCH}",
        "",
        "| run | seconds | events/s | vs raw |",
        "|---|---:|---:|---:|",
        f"| raw asyncpg executemany (floor) | {raw_seconds:.2f} | {raw_rate:,.0f} | 1.00 |",
        f"| API `POST /pipelines/events/batch` ({args.concurrency} in flight) | {api_seconds:.2f} | {api_rate:,.0f} | {ratio:.2f} |",
        f"| API, same {dup_count:,} events again (all duplicate eventIds) | {dup_seconds:.2f} | {dup_rate:,.0f} | {dup_rate / raw_rate:.2f} |",
        "",
        f"Stored after both API runs: {stored_count:,} events. Target ≥ {TARGET_RATIO} × raw: "
        f"{'met' if ok else 'NOT met'}.",
    ])
    print(table)
    (RESULTS / "events.md").write_text(table + "\n")
    record("events", [
        Row(measure="batch ingestion (with rollups) vs raw executemany", value=f"{api_rate:,.0f} events/s",
            ratio=ratio, target=f"≥ {TARGET_RATIO}×", met=ok),  # and every event stored
    ])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
