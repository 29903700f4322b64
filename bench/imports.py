"""`make bench-import` (also part of `make bench`): contact import throughput on PostgreSQL.

    python -m bench.imports [--rows 1000000]

One run on a fresh PostgreSQL database (migrated, dropped at the end):

  raw floor   asyncpg alone: the same rows, already parsed in memory, upserted in batches of
              5,000 with `INSERT … SELECT FROM unnest(…) ON CONFLICT DO UPDATE` plus one
              `INSERT … unnest … ON CONFLICT DO NOTHING` for their tag (what the job writes),
              each batch one transaction. No parsing, no validation, no bookkeeping.
  API job     `viperatron serve --no-worker` + one `viperatron worker` process (which runs
              imports). The CSV is POSTed to /api/v1/contacts/import (streamed), then polled.
              rows/s = rows / (finishedAt - startedAt) of the job (worker time: copy the file
              out of the database, count, parse, validate, upsert); "end to end" adds the
              upload and the wait for the worker's first poll.
  memory      VmHWM (peak resident set) of the worker process, from /proc/<pid>/status.

Both runs insert new contacts into empty tables: the raw floor runs in a database of its own
(migrated the same way, dropped after it, then a CHECKPOINT), so the job does not write into
indexes a million rows larger, nor pay for the checkpoint of the floor's writes.
Rows: email, firstName, lastName, tags (one tag), two custom-field columns.

Env: BENCH_IMPORT_DATABASE_URL (postgres://postgres@127.0.0.1:5432/viperatron_bench_import).
Prints a Markdown table and writes it to bench/results/imports.md.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx

from app.core.ids import new_id
from bench.summary import Row, memory_mb, record
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/viperatron_bench_import"
BATCH = 5000
TARGET_RATIO = 0.8
TARGET_RSS_MB = 300


def generate(path: Path, rows: int) -> None:
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["email", "firstName", "lastName", "tags", "plan", "city"])
        for i in range(rows):
            writer.writerow([f"user{i}@example{i % 97}.com", f"First{i}", f"Last{i}", "bench", "pro" if i % 3 else "free", f"City {i % 500}"])


def read_rows(path: Path) -> list[tuple]:
    with path.open(newline="") as f:
        reader = csv.reader(f)
        next(reader)
        return [(r[0], r[0].lower(), r[1], r[2], json.dumps({"plan": r[4], "city": r[5]})) for r in reader]


RAW_UPSERT = """
INSERT INTO contacts AS c (id, organization_id, email, email_key, first_name, last_name, custom_fields, created_at, updated_at)
SELECT r.id, $1, r.email, r.email_key, r.first_name, r.last_name, r.fields::jsonb, $2, $2
FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
    AS r(id, email, email_key, first_name, last_name, fields)
ON CONFLICT (organization_id, email_key) DO UPDATE SET
    first_name = COALESCE(EXCLUDED.first_name, c.first_name), last_name = COALESCE(EXCLUDED.last_name, c.last_name),
    custom_fields = c.custom_fields || EXCLUDED.custom_fields, updated_at = EXCLUDED.updated_at
RETURNING c.id
"""
RAW_TAGS = """
INSERT INTO contact_tags (contact_id, organization_id, tag)
SELECT t, $1, 'bench' FROM unnest($2::text[]) AS t ON CONFLICT (contact_id, tag) DO NOTHING
"""


async def raw_floor(url: str, org_id: str, rows: list[tuple]) -> float:
    conn = await asyncpg.connect(url)
    try:
        started = time.perf_counter()
        for start in range(0, len(rows), BATCH):
            part = rows[start : start + BATCH]
            now = datetime.now(timezone.utc)
            async with conn.transaction():
                returned = await conn.fetch(
                    RAW_UPSERT, org_id, now, [new_id("ct") for _ in part], [r[0] for r in part], [r[1] for r in part],
                    [r[2] for r in part], [r[3] for r in part], [r[4] for r in part],
                )
                await conn.execute(RAW_TAGS, org_id, [r["id"] for r in returned])
        return time.perf_counter() - started
    finally:
        await conn.close()


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=int(os.environ.get("BENCH_IMPORT_ROWS", 1_000_000)))
    args = parser.parse_args()
    url = os.environ.get("BENCH_IMPORT_DATABASE_URL", DEFAULT_URL)
    parts = urlsplit(url)
    dbname = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))

    raw_dbname = f"{dbname}_raw"
    raw_url = urlunsplit(parts._replace(path=f"/{raw_dbname}"))

    async def recreate(drop_only=False, name=dbname):
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if not drop_only:
                await conn.execute(f'CREATE DATABASE "{name}"')
            else:
                await conn.execute("CHECKPOINT")
        finally:
            await conn.close()

    size_mb = 0.0
    asyncio.run(recreate())
    env = {**os.environ, "DATABASE_URL": url, "OUTBOX_DIR": tempfile.mkdtemp(), "VIPERATRON_RATE_PER_MINUTE": "100000"}
    env.pop("REDIS_URL", None)
    tmp = Path(tempfile.mkdtemp(prefix="viperatron-bench-import-"))
    procs: list[subprocess.Popen] = []
    try:
        subprocess.run([PYTHON, "-m", "app.cli", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True)
        key = subprocess.run(
            [PYTHON, "-m", "app.cli", "keys", "create", "--org", "bench-api", "--per-minute", "100000"],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        ).stdout.strip()
        data = tmp / "contacts.csv"
        t = time.perf_counter()
        generate(data, args.rows)
        size_mb = data.stat().st_size / 1e6
        print(f"generated {args.rows:,} rows ({data.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t:.1f} s", file=sys.stderr)

        # Raw floor, in a database of its own (same schema), dropped before the job runs.
        rows = read_rows(data)
        asyncio.run(recreate(name=raw_dbname))
        subprocess.run([PYTHON, "-m", "app.cli", "migrate"], cwd=ROOT, env={**env, "DATABASE_URL": raw_url},
                       check=True, capture_output=True)

        async def raw(rows=rows):
            conn = await asyncpg.connect(raw_url)
            org_id = new_id("org")
            await conn.execute("INSERT INTO organizations (id, name, created_at) VALUES ($1, 'bench-raw', now())", org_id)
            await conn.close()
            return await raw_floor(raw_url, org_id, rows)

        raw_seconds = asyncio.run(raw())
        asyncio.run(recreate(drop_only=True, name=raw_dbname))
        del rows
        print(f"raw floor: {raw_seconds:.1f} s", file=sys.stderr)

        port = free_port()
        server = subprocess.Popen(
            [PYTHON, "-m", "app.cli", "serve", "--port", str(port), "--no-migrate", "--no-worker"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(RESULTS / "imports-api.log", "wb"),
        )
        procs.append(server)
        worker = subprocess.Popen(
            [PYTHON, "-m", "app.cli", "worker"], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=open(RESULTS / "imports-worker.log", "wb"),
        )
        procs.append(worker)
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
        time.sleep(2)
        rss_idle = memory_mb(worker.pid).get("VmHWM", float("nan"))

        def stream():
            with data.open("rb") as f:
                while piece := f.read(256 * 1024):
                    yield piece

        headers = {"Authorization": f"Bearer {key}", "Content-Type": "text/csv"}
        t0 = time.perf_counter()
        response = httpx.post(f"{base}/api/v1/contacts/import", content=stream(), headers=headers, timeout=600)
        response.raise_for_status()
        upload_seconds = time.perf_counter() - t0
        import_id = response.json()["importId"]
        while True:
            job = httpx.get(f"{base}/api/v1/contacts/import/{import_id}", headers=headers, timeout=30).json()
            if job["status"] not in ("pending", "running"):
                break
            time.sleep(0.2)
        end_to_end = time.perf_counter() - t0
        rss_peak = memory_mb(worker.pid).get("VmHWM", float("nan"))
        rss_api = memory_mb(server.pid).get("VmHWM", float("nan"))
        if job["status"] != "completed" or job["created"] != args.rows:
            print(json.dumps(job)[:2000], file=sys.stderr)
            return 1
        job_seconds = (parse_time(job["finishedAt"]) - parse_time(job["startedAt"])).total_seconds()
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        try:
            asyncio.run(recreate(drop_only=True))
            asyncio.run(recreate(drop_only=True, name=raw_dbname))
        except Exception as exc:  # noqa: BLE001
            print(f"could not drop {dbname}: {exc}", file=sys.stderr)
        for leftover in tmp.glob("*"):
            leftover.unlink()
        tmp.rmdir()

    raw_rate = args.rows / raw_seconds
    job_rate = args.rows / job_seconds
    ratio = job_rate / raw_rate
    ok = ratio >= TARGET_RATIO and rss_peak < TARGET_RSS_MB
    table = "\n".join([
        f"Contact import, {args.rows:,} new contacts from a {size_mb:.0f} MB CSV, PostgreSQL, batches of {BATCH:,}",
        "",
        "| run | seconds | rows/s | vs raw | peak RSS |",
        "|---|---:|---:|---:|---:|",
        f"| raw asyncpg unnest upsert (floor) | {raw_seconds:.1f} | {raw_rate:,.0f} | 1.00 | – |",
        f"| API job (worker: copy, count, parse, upsert) | {job_seconds:.1f} | {job_rate:,.0f} | {ratio:.2f} | {rss_peak:.0f} MB (worker; {rss_idle:.0f} MB idle) |",
        f"| end to end (upload {upload_seconds:.1f} s + wait + job) | {end_to_end:.1f} | {args.rows / end_to_end:,.0f} | {args.rows / end_to_end / raw_rate:.2f} | {rss_api:.0f} MB (API process) |",
        "",
        f"Targets: job ≥ {TARGET_RATIO} × raw, peak RSS < {TARGET_RSS_MB} MB: {'met' if ok else 'NOT met'}.",
    ])
    print(table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "imports.md").write_text(table + "\n")
    record("imports", [
        Row(measure="CSV import vs raw unnest upsert", value=f"{job_rate:,.0f} rows/s", ratio=ratio,
            target=f"≥ {TARGET_RATIO}×", met=ratio >= TARGET_RATIO),
        Row(measure="import worker peak RSS", value=f"{rss_peak:.0f} MB", target=f"< {TARGET_RSS_MB} MB",
            met=rss_peak < TARGET_RSS_MB),
    ])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
