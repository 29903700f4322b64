"""`make bench-export` (also part of `make bench`): the streaming contact export, rows/s and memory.

    python -m bench.export [-n 1000000] [--keep-db] [--reuse-db] [--profile]

One run, on PostgreSQL (a fresh database, migrated, dropped at the end). Setup: two
organizations, `bench` with N contacts and `bench-small` with N/10, interleaved in creation (so
id) order as tenants are in a shared database, loaded with raw asyncpg COPY (ids from
`app.core.ids.new_id("ct")`, email `user{i}@example.com`, custom fields {"plan": "pro" (25 %) |
"free" | "enterprise" (0.1 %), "n": i}, tags on 10 % of the contacts), then VACUUM ANALYZE. The API runs as `python -m app.cli serve --no-worker` in its own process
(logs in bench/results/export-api.log). Measures, with httpx streaming the response and
counting lines as they arrive (nothing kept):

  small CSV        `GET /api/v1/contacts/export?format=csv` of `bench-small` (N/10 rows)
  CSV              the same of `bench` (N rows)
  NDJSON           `format=ndjson` of `bench`
  filtered CSV     `format=csv&customField[plan]=pro` of `bench` (N/4 rows)

rows/s = rows received / (request sent -> last byte). Memory: before the exports (after a
warm-up request) the server's RSS is read; before each export its peak (VmHWM) is reset
(`echo 5 > /proc/<pid>/clear_refs`) and read again after it, and VmRSS is sampled every 20 ms
meanwhile. The requirement is that memory does not grow with the number of contacts: the peak
over "before" of the N-row export is compared with that of the N/10-row one.

Baselines in the same run, on one raw asyncpg connection (client: this process):
  COPY (SELECT ... ORDER BY id) TO STDOUT WITH CSV of the same rows, tags aggregated by a
  subquery and the custom fields as one jsonb column; for NDJSON `json_build_object(...)`; for
  the filtered case the same with `custom_fields @> '{"plan": "pro"}'`; and an asyncpg
  server-side cursor (prefetch 1000) over `SELECT * FROM contacts ... ORDER BY id` (rows
  decoded into Python records, nothing formatted). "vs baseline" = our rows/s / the matching
  COPY's rows/s.

Then EXPLAIN (ANALYZE, BUFFERS) of the exact SQL (captured from Tortoise's query log, in this
process) of: the list endpoint with `customField[plan]=pro` (and `=enterprise`, a selective
value), and of the SELECT of the export's second COPY (schema/contacts/export_copy.py),
unfiltered and filtered, and for the small organization. With --profile, cProfile of the
export stream (`export_contacts`, the COPY path) over `bench-small`, in this process.

Env: BENCH_EXPORT_DATABASE_URL (postgres://postgres@127.0.0.1:5432/viperatron_bench_export),
BENCH_EXPORT_CONTACTS (1000000). Prints a Markdown report and writes it to bench/results/export.md.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import logging
import os
import pstats
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import httpx

from bench.summary import Row, cpu_seconds, memory_mb, postgres_cpu, postgres_cpu_since, record

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = ROOT / ".venv" / "bin" / "python"
if not PYTHON.exists():
    PYTHON = Path(sys.executable)
DATABASE_URL = os.environ.get(
    "BENCH_EXPORT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/viperatron_bench_export"
)
TARGET_ROWS_PER_SECOND = 20_000
MEMORY_GROWTH_MB = 25  # the N-row export's peak may exceed the N/10 one's by at most this
CHUNK = 50_000  # contacts per COPY
EXPORT_PATH = "/api/v1/contacts/export"

_procs: list[subprocess.Popen] = []


def plan_of(i: int) -> str:
    if i % 1000 == 7:
        return "enterprise"
    return "pro" if i % 4 == 0 else "free"


# ----------------------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_all() -> None:
    for proc in _procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in _procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def start_server(env: dict, port: int) -> subprocess.Popen:
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = open(RESULTS / "export-api.out", "w")
    err = open(RESULTS / "export-api.log", "w")
    proc = subprocess.Popen(
        [str(PYTHON), "-m", "app.cli", "serve", "--no-worker", "--no-migrate", "--port", str(port)],
        cwd=ROOT, env=env, stdout=out, stderr=err, start_new_session=True,
    )
    _procs.append(proc)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"API server exited with {proc.returncode}; see {err.name}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"API server did not listen on port {port} within 60 s; see {err.name}")


def reset_peak(pid: int) -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0); False if not allowed."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


class RssSampler(threading.Thread):
    """Max VmRSS of a process, sampled every 20 ms (a cross-check of VmHWM)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.max, self._halt = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            try:
                self.max = max(self.max, memory_mb(self.pid)["VmRSS"])
            except (OSError, KeyError):
                return
            self._halt.wait(0.02)

    def stop(self) -> float:
        self._halt.set()
        self.join()
        return self.max


# ----------------------------------------------------------------------------- database


def admin_url() -> str:
    return urlsplit(DATABASE_URL)._replace(path="/postgres").geturl()


def database_name() -> str:
    return urlsplit(DATABASE_URL).path.lstrip("/")


async def fresh_database() -> None:
    name = database_name()
    admin = await asyncpg.connect(admin_url())
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


async def database_exists() -> bool:
    admin = await asyncpg.connect(admin_url())
    try:
        return bool(await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database_name()))
    finally:
        await admin.close()


async def drop_database() -> None:
    admin = await asyncpg.connect(admin_url())
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database_name()}" WITH (FORCE)')
    finally:
        await admin.close()


async def load_contacts(conn: asyncpg.Connection, organization_id: str, n: int, small_organization_id: str,
                        small_n: int) -> float:
    """N contacts of one organization and small_n of another, interleaved in creation (so id)
    order as in a shared database, with their tags, by COPY in chunks; returns the seconds."""
    from app.core.ids import new_id

    columns = ("id", "email", "email_key", "first_name", "last_name", "custom_fields", "created_at",
               "updated_at", "organization_id")
    every = max(n // max(small_n, 1), 1)
    start = time.perf_counter()
    small_i = 0
    for first in range(0, n, CHUNK):
        now = datetime.now(timezone.utc)
        contacts, tags = [], []

        def add(i: int, organization: str) -> None:
            contact_id = new_id("ct")
            email = f"user{i}@example.com"
            contacts.append((contact_id, email, email, f"First{i}", "Doe",
                             json.dumps({"plan": plan_of(i), "n": i}), now, now, organization))
            if i % 10 == 0:  # 10 % of the contacts have tags, half of those two
                tags.append((contact_id, organization, "vip"))
                if i % 20 == 0:
                    tags.append((contact_id, organization, "newsletter"))

        for i in range(first, min(n, first + CHUNK)):
            add(i, organization_id)
            if i % every == every - 1 and small_i < small_n:
                add(small_i, small_organization_id)
                small_i += 1
        if first + CHUNK >= n:
            while small_i < small_n:
                add(small_i, small_organization_id)
                small_i += 1
        await conn.copy_records_to_table("contacts", records=contacts, columns=columns)
        await conn.copy_records_to_table("contact_tags", records=tags,
                                         columns=("contact_id", "organization_id", "tag"))
        print(f"  {min(n, first + CHUNK)}/{n}", end="\r", flush=True)
    return time.perf_counter() - start


async def org_counts(conn: asyncpg.Connection, organization_id: str) -> dict[str, int]:
    row = await conn.fetchrow(
        "SELECT count(*) AS all, count(*) FILTER (WHERE custom_fields @> '{\"plan\": \"pro\"}') AS pro"
        " FROM contacts WHERE organization_id = $1", organization_id)
    return dict(row)


# ----------------------------------------------------------------------------- measurements


@dataclass
class Result:
    case: str
    expected: int
    rows: int = 0
    seconds: float = 0.0
    ttfb: float | None = None
    megabytes: float = 0.0
    server_cpu: float | None = None
    postgres_cpu: float | None = None
    rss_before: float | None = None
    peak: float | None = None  # VmHWM after a reset before this export
    sampled_peak: float | None = None
    baseline: "Result | None" = None
    problems: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


def http_export(base_url: str, key: str, params: list[tuple[str, str]], case: str, expected: int, csv: bool,
                pid: int) -> Result:
    print(f"{case}: {expected} rows expected ...", flush=True)
    result = Result(case, expected)
    result.rss_before = memory_mb(pid)["VmRSS"]
    peak_reset = reset_peak(pid)
    sampler = RssSampler(pid)
    sampler.start()
    cpu_before, pg_before = cpu_seconds(pid), postgres_cpu()
    lines = size = 0
    timeout = httpx.Timeout(600.0, connect=10.0)
    start = time.perf_counter()
    with httpx.Client(timeout=timeout) as client:
        with client.stream("GET", base_url + EXPORT_PATH, params=params,
                           headers={"Authorization": f"Bearer {key}"}) as response:
            if response.status_code != 200:
                result.problems.append(f"HTTP {response.status_code}: {response.read()[:300]!r}")
            else:
                for chunk in response.iter_raw():
                    if result.ttfb is None:
                        result.ttfb = time.perf_counter() - start
                    lines += chunk.count(b"\n")
                    size += len(chunk)
    result.seconds = time.perf_counter() - start
    result.server_cpu = cpu_seconds(pid) - cpu_before
    result.postgres_cpu = postgres_cpu_since(pg_before)
    result.sampled_peak = sampler.stop()
    result.peak = memory_mb(pid)["VmHWM"] if peak_reset else None
    result.rows = lines - 1 if csv and lines else lines
    result.megabytes = size / 1e6
    if result.rows != expected and not result.problems:
        result.problems.append(f"received {result.rows} rows, expected {expected}")
    print(f"  {result.rate:.0f} rows/s, {result.seconds:.1f} s, peak RSS "
          f"{result.peak or result.sampled_peak:.0f} MB (before {result.rss_before:.0f} MB)"
          + (f"  PROBLEMS: {'; '.join(result.problems)}" if result.problems else ""), flush=True)
    return result


BASELINE_CSV = """
SELECT c.id, c.email, c.first_name, c.last_name,
       (SELECT string_agg(t.tag, ';' ORDER BY t.id) FROM contact_tags t WHERE t.contact_id = c.id),
       c.created_at, c.updated_at, c.custom_fields
FROM contacts c WHERE c.organization_id = $1 {extra} ORDER BY c.id
"""
BASELINE_JSON = """
SELECT json_build_object('id', c.id, 'email', c.email, 'firstName', c.first_name, 'lastName', c.last_name,
       'tags', coalesce((SELECT json_agg(t.tag ORDER BY t.id) FROM contact_tags t WHERE t.contact_id = c.id),
                        '[]'::json),
       'customFields', c.custom_fields, 'createdAt', c.created_at, 'updatedAt', c.updated_at)
FROM contacts c WHERE c.organization_id = $1 ORDER BY c.id
"""
PRO = """AND c.custom_fields @> '{"plan": "pro"}'"""


async def copy_baseline(conn: asyncpg.Connection, case: str, query: str, organization_id: str, expected: int,
                        csv: bool) -> Result:
    print(f"baseline {case} ...", flush=True)
    result = Result(case, expected)
    counts = [0, 0]

    async def sink(data: bytes) -> None:
        if result.ttfb is None:
            result.ttfb = time.perf_counter() - start
        counts[0] += data.count(b"\n")
        counts[1] += len(data)

    pg_before = postgres_cpu()
    start = time.perf_counter()
    await conn.copy_from_query(query, organization_id, output=sink, format="csv" if csv else "text")
    result.seconds = time.perf_counter() - start
    result.postgres_cpu = postgres_cpu_since(pg_before)
    result.rows, result.megabytes = counts[0], counts[1] / 1e6
    if result.rows != expected:
        result.problems.append(f"{result.rows} rows, expected {expected}")
    print(f"  {result.rate:.0f} rows/s", flush=True)
    return result


async def cursor_baseline(conn: asyncpg.Connection, organization_id: str, expected: int) -> Result:
    print("baseline asyncpg cursor ...", flush=True)
    result = Result("asyncpg cursor `SELECT *` (prefetch 1000)", expected)
    pg_before = postgres_cpu()
    start = time.perf_counter()
    async with conn.transaction():
        async for _ in conn.cursor("SELECT * FROM contacts WHERE organization_id = $1 ORDER BY id",
                                   organization_id, prefetch=1000):
            if result.ttfb is None:
                result.ttfb = time.perf_counter() - start
            result.rows += 1
    result.seconds = time.perf_counter() - start
    result.postgres_cpu = postgres_cpu_since(pg_before)
    if result.rows != expected:
        result.problems.append(f"{result.rows} rows, expected {expected}")
    print(f"  {result.rate:.0f} rows/s", flush=True)
    return result


# ----------------------------------------------------------------------------- plans


class QueryLog(logging.Handler):
    """Tortoise's asyncpg client logs `"%s: %s", query, values` at DEBUG for every query."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.queries: list[tuple[str, list]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(record.args, tuple) and len(record.args) == 2:
            self.queries.append((record.args[0], list(record.args[1] or [])))

    async def capture(self, coroutine) -> list[tuple[str, list]]:
        logger = logging.getLogger("tortoise.db_client")
        level, propagate = logger.level, logger.propagate
        self.queries = []
        logger.addHandler(self)
        logger.setLevel(logging.DEBUG)
        logger.propagate = False
        try:
            await coroutine
        finally:
            logger.removeHandler(self)
            logger.setLevel(level)
            logger.propagate = propagate
        return self.queries


def literal(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def indexes_used(plan: str) -> str:
    found = re.findall(r"(Index Only Scan|Index Scan Backward|Index Scan|Bitmap Index Scan) (?:using|on) (\S+)", plan)
    seq = re.findall(r"Seq Scan on (\S+)", plan)
    parts = [f"{kind} on `{name}`" for kind, name in dict.fromkeys(found)]
    parts += [f"Seq Scan on `{name}`" for name in dict.fromkeys(seq)]
    return ", ".join(parts) or "no index"


async def explain(sql: str, values: list, generic: bool = False) -> str:
    """EXPLAIN ANALYZE through Tortoise's own connection (same codecs as the server); the
    generic plan through PREPARE + plan_cache_mode = force_generic_plan."""
    from tortoise import Tortoise

    connection = Tortoise.get_connection("default")
    if not generic:
        _, rows = await connection.execute_query("EXPLAIN (ANALYZE, BUFFERS) " + sql, values)
        return "\n".join(row[0] for row in rows)
    conn = await asyncpg.connect(DATABASE_URL)
    try:
        await conn.execute(f"PREPARE bench_q AS {sql}")
        await conn.execute("SET plan_cache_mode = force_generic_plan")
        rows = await conn.fetch(
            f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_q({', '.join(literal(v) for v in values)})")
        return "\n".join(row[0] for row in rows)
    finally:
        await conn.close()


async def drain(stream, pages: int | None = None) -> None:
    async for _ in stream:
        if pages is not None:
            pages -= 1
            if pages <= 0:
                break
    await stream.aclose()


async def plans(principal, small_principal) -> list[tuple[str, str, list, str]]:
    """(title, sql, values, plan text) of the queries worth looking at."""
    from schema.contacts.export import _custom_field_names
    from schema.contacts.export_copy import CHUNK_ROWS, copy_statement
    from schema.contacts.filters import ContactFilters, filtered_contacts
    from schema.contacts.resolvers import list_contacts

    log = QueryLog()
    out = []

    async def add(title: str, sql: str, values: list, generic: bool = False) -> None:
        out.append((title, sql, values, await explain(sql, values, generic)))

    for value in ("pro", "enterprise"):
        queries = await log.capture(list_contacts(principal, 50, None, ContactFilters(custom_fields={"plan": value})))
        await add(f"list endpoint, `customField[plan]={value}` (first page)", *queries[0])
    async def copy_page(title: str, who, format: str, filters) -> None:
        # The SELECT of the export's second COPY (a full CHUNK_ROWS page after the first one):
        # COPY takes no parameters, so asyncpg inlines the values as literals and PostgreSQL
        # plans each page for its values (no generic plan).
        query = await filtered_contacts(who.organization_id, filters)
        fields = await _custom_field_names(who.organization_id) if format == "csv" else []
        after = await query.order_by("id").offset(CHUNK_ROWS - 1).limit(1).values_list("id", flat=True)
        await add(title, *copy_statement(query, format, fields, after[0] if after else "", CHUNK_ROWS))

    queries = await log.capture(_custom_field_names(principal.organization_id))
    await add("export: custom field names (CSV header)", *queries[0])
    await copy_page("export: COPY page 2 (unfiltered, CSV)", principal, "csv", ContactFilters())
    await copy_page("export: COPY page 2, `customField[plan]=pro` (NDJSON)", principal, "ndjson",
                    ContactFilters(custom_fields={"plan": "pro"}))
    await copy_page("export: COPY page 2 (unfiltered, NDJSON) of the SMALL organization", small_principal, "ndjson",
                    ContactFilters())
    return out


async def profile_stream(principal, rows: int) -> str:
    from schema.contacts.export import export_contacts
    from schema.contacts.filters import ContactFilters

    print(f"cProfile of _stream over {rows} rows (CSV, in this process) ...", flush=True)
    stream = await export_contacts(principal, "csv", ContactFilters())
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    await drain(stream)
    profiler.disable()
    seconds = time.perf_counter() - start
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)
    return f"{rows} rows in {seconds:.2f} s under cProfile ({rows / seconds:.0f} rows/s)\n" + text.getvalue()


# ----------------------------------------------------------------------------- report


def fmt(value: float | None, spec: str = ".0f", suffix: str = "") -> str:
    return "–" if value is None else f"{value:{spec}}{suffix}"


def report(n: int, exports: list[Result], baselines: list[Result], base_rss: dict, plan_list, load: str,
           load_seconds: float | None) -> str:
    lines = [
        f"## Viperatron contact export bench — {datetime.now(timezone.utc):%Y-%m-%d %H:%M UTC}",
        "",
        f"N = {n} contacts in the exported organization (N/10 in the small one); rows/s = rows received / "
        "(request sent → last byte).",
        "",
        "| case | rows | seconds | rows/s | vs baseline | target | first byte | MB | server CPU s | PG CPU s "
        "| peak RSS (Δ vs before) | problems |",
        "|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---|---|",
    ]
    for r in exports:
        ratio = f"{r.rate / r.baseline.rate:.2f}" if r.baseline and r.baseline.rate else ""
        target = f"≥ {TARGET_ROWS_PER_SECOND:,} {'PASS' if r.rate >= TARGET_ROWS_PER_SECOND else '**FAIL**'}"
        peak = r.peak if r.peak is not None else r.sampled_peak
        memory = f"{peak:.0f} MB (+{peak - base_rss['VmRSS']:.0f})" if peak else "–"
        lines.append(
            f"| {r.case} | {r.rows} | {r.seconds:.1f} | {r.rate:.0f} | {ratio} | {target} | {fmt(r.ttfb, '.2f', ' s')} "
            f"| {r.megabytes:.0f} | {fmt(r.server_cpu, '.1f')} | {fmt(r.postgres_cpu, '.1f')} | {memory} "
            f"| {'**' + '; '.join(r.problems) + '**' if r.problems else ''} |")
    for r in baselines:
        lines.append(
            f"| baseline: {r.case} | {r.rows} | {r.seconds:.1f} | {r.rate:.0f} | 1.00 | | {fmt(r.ttfb, '.2f', ' s')} "
            f"| {r.megabytes:.0f} | – | {fmt(r.postgres_cpu, '.1f')} | | "
            f"{'**' + '; '.join(r.problems) + '**' if r.problems else ''} |")
    small = next((r for r in exports if r.case.startswith("small")), None)
    full = next((r for r in exports if r.case.startswith("CSV")), None)
    lines.append("")
    if small and full:
        def delta(r: Result) -> float:
            return (r.peak if r.peak is not None else r.sampled_peak) - base_rss["VmRSS"]
        grow = delta(full) - delta(small)
        ok = grow <= MEMORY_GROWTH_MB
        lines.append(
            f"Memory: server RSS before the exports {base_rss['VmRSS']:.0f} MB (peak so far {base_rss['VmHWM']:.0f} MB). "
            f"Peak over that during the {small.rows}-row CSV export: +{delta(small):.0f} MB; during the "
            f"{full.rows}-row one: +{delta(full):.0f} MB → grows by {grow:+.0f} MB for {full.rows / max(small.rows, 1):.0f}× "
            f"the rows — target ≤ {MEMORY_GROWTH_MB} MB {'PASS' if ok else '**FAIL**'}. "
            f"(Peaks are VmHWM reset before each export; sampled VmRSS max: "
            + ", ".join(f"{r.case} {r.sampled_peak:.0f} MB" for r in exports) + ".)")
    lines += [
        "",
        "How: API = `python -m app.cli serve --no-worker` (uvicorn, uvloop, one process); client = httpx "
        "streaming in the bench process, counting newlines, nothing kept. Baselines: one raw asyncpg connection "
        "from the bench process; COPY of the same rows (tags aggregated by a correlated subquery, custom "
        "fields as one jsonb column) in the same id order; *vs baseline* is against the COPY of the same "
        "format/filter. Server CPU = utime+stime of the API process; PG CPU = all postgres processes (shared "
        f"server). *target*: {TARGET_ROWS_PER_SECOND:,} rows/s, below which the export counts as slow. "
        "The export's COPY pages are planned for their values (COPY takes no parameters: asyncpg inlines them). "
        + (f"Loading the contacts (COPY) took {load_seconds:.0f} s. " if load_seconds else "")
        + f"Machine: {os.cpu_count()} cores, shared (1-min load average before the run: {load}).",
    ]
    if plan_list:
        lines += ["", "### Query plans (EXPLAIN ANALYZE of the exact SQL Tortoise sends)", ""]
        for title, sql, values, plan in plan_list:
            shown = [v if len(str(v)) < 60 else str(v)[:57] + "..." for v in values]
            if len(shown) > 6:
                shown = shown[:6] + [f"... {len(values) - 6} more"]
            sql = sql if len(sql) < 400 else sql[:300] + f" ... ({len(sql)} characters)"
            plan = "\n".join(line if len(line) < 300 else line[:250] + " ..." for line in plan.splitlines())
            lines += [f"**{title}** — {indexes_used(plan)}", "", "```sql", sql, f"-- values: {shown}", "```",
                      "```", plan, "```", ""]
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.export", description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", "-n", type=int,
                        default=int(os.environ.get("BENCH_EXPORT_CONTACTS", 1_000_000)))
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database at the end")
    parser.add_argument("--reuse-db", action="store_true",
                        help="reuse the database of a --keep-db run with the same -n (skips the load)")
    parser.add_argument("--profile", action="store_true",
                        help="also cProfile `_stream` in this process over the small organization")
    parser.add_argument("--skip", default="", help="comma-separated cases to skip: small,csv,ndjson,filtered,"
                        "baselines,plans (for experiments)")
    return parser.parse_args()


async def run(args: argparse.Namespace) -> int:
    from app.core import db
    from app.core.principal import Principal
    from app.core.settings import Settings
    from app.web.keys import create_key

    n = args.contacts
    small_n = max(n // 10, 1)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    load = Path("/proc/loadavg").read_text().split()[0]
    settings = Settings(database_url=DATABASE_URL)
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIPERATRON_")}
    env.update(DATABASE_URL=DATABASE_URL, PYTHONUNBUFFERED="1")
    env.pop("REDIS_URL", None)

    reuse = args.reuse_db and await database_exists()
    if not reuse:
        print(f"fresh database {database_name()}; migrating ...", flush=True)
        await fresh_database()
    initialized = False
    exports: list[Result] = []
    baselines: list[Result] = []
    plan_list = []
    profile_text = ""
    load_seconds = None
    try:
        await db.migrate(settings)
        await db.init_db(settings)
        initialized = True
        big_key, big_plain = await create_key("bench", settings, name="export bench", per_minute=10**8, per_day=10**9)
        small_key, small_plain = await create_key("bench-small", settings, name="export bench",
                                                  per_minute=10**8, per_day=10**9)
        conn = await asyncpg.connect(DATABASE_URL)
        try:
            counts = await org_counts(conn, big_key.organization_id)
            if counts["all"] not in (0, n):
                raise SystemExit(f"--reuse-db: the database has {counts['all']} contacts, not {n}")
            if counts["all"] == 0:
                print(f"loading {n} + {small_n} contacts (COPY) ...", flush=True)
                load_seconds = await load_contacts(conn, big_key.organization_id, n, small_key.organization_id,
                                                   small_n)
                print(f"\n  {load_seconds:.0f} s; VACUUM ANALYZE ...", flush=True)
                await conn.execute("VACUUM ANALYZE contacts, contact_tags")
                counts = await org_counts(conn, big_key.organization_id)
            small_counts = await org_counts(conn, small_key.organization_id)

            port = free_port()
            api = start_server(env, port)
            base_url = f"http://127.0.0.1:{port}"
            # Warm-up: imports, pool, first-request paths (a small filtered export of the small org).
            with httpx.Client(timeout=60) as client:
                response = client.get(base_url + EXPORT_PATH, params=[("format", "csv"), ("customField[plan]", "enterprise")],
                                      headers={"Authorization": f"Bearer {small_plain}"})
                if response.status_code != 200:
                    raise SystemExit(f"warm-up export failed: {response.status_code} {response.text[:500]}")
            time.sleep(1.0)
            base_rss = memory_mb(api.pid)
            print(f"API server RSS after warm-up: {base_rss['VmRSS']:.0f} MB", flush=True)

            cases = [  # (skip name, case, key, params, expected rows, csv?)
                ("small", f"small CSV (N/10 = {small_counts['all']})", small_plain, [("format", "csv")],
                 small_counts["all"], True),
                ("csv", "CSV", big_plain, [("format", "csv")], counts["all"], True),
                ("ndjson", "NDJSON", big_plain, [("format", "ndjson")], counts["all"], False),
                ("filtered", "filtered CSV `customField[plan]=pro`", big_plain,
                 [("format", "csv"), ("customField[plan]", "pro")], counts["pro"], True),
            ]
            for name, case, key, params, expected, csv in cases:
                if name not in skip:
                    exports.append(http_export(base_url, key, params, case, expected, csv, api.pid))

            if "baselines" not in skip:
                org = big_key.organization_id
                copy_csv = await copy_baseline(conn, "COPY … CSV", BASELINE_CSV.format(extra=""), org,
                                               counts["all"], True)
                copy_json = await copy_baseline(conn, "COPY json_build_object(…)", BASELINE_JSON, org,
                                                counts["all"], False)
                copy_pro = await copy_baseline(conn, "COPY … CSV `@> {\"plan\": \"pro\"}`",
                                               BASELINE_CSV.format(extra=PRO), org, counts["pro"], True)
                baselines = [copy_csv, copy_json, copy_pro, await cursor_baseline(conn, org, counts["all"])]
                for r in exports:
                    r.baseline = copy_json if r.case == "NDJSON" else copy_pro if r.case.startswith("filtered") \
                        else copy_csv
        finally:
            await conn.close()

        def principal_of(key, organization_name: str) -> Principal:
            return Principal(key_id=key.id, organization_id=key.organization_id, organization_name=organization_name,
                             key_name=key.name, key_prefix=key.prefix, mode=key.mode, per_minute=key.per_minute,
                             per_day=key.per_day)

        principal, small_principal = principal_of(big_key, "bench"), principal_of(small_key, "bench-small")
        if "plans" not in skip:
            print("EXPLAIN ANALYZE ...", flush=True)
            plan_list = await plans(principal, small_principal)
        if args.profile:
            profile_text = await profile_stream(small_principal, small_counts["all"])
    finally:
        stop_all()
        if initialized:
            await db.close_db()
        if not args.keep_db:
            await drop_database()
    text = report(n, exports, baselines, base_rss, plan_list, load, load_seconds)
    print()
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / ("export.md" if not skip and n == 1_000_000 else "export-experiment.md")
    out.write_text(text)
    print(f"written to {out.relative_to(ROOT)}")
    if profile_text:
        (RESULTS / "export-profile.txt").write_text(profile_text)
        print(profile_text[:6000])
        print(f"profile written to {(RESULTS / 'export-profile.txt').relative_to(ROOT)}")
    failed = any(r.problems for r in exports + baselines)
    rows = []
    for r in exports:
        if r.baseline and r.baseline.rate and r.case in ("CSV", "NDJSON"):
            ratio = r.rate / r.baseline.rate
            target = 0.6 if r.case == "CSV" else None
            rows.append(Row(f"{r.case} export of {r.rows:,} contacts vs COPY", f"{r.rate:,.0f} rows/s", ratio,
                            f"≥ {target}×" if target else "", ratio >= target if target else None))
    if rows:
        record("export", rows)
    return 1 if failed else 0


def main() -> int:
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda signum, _: sys.exit(128 + signum))
    args = parse_args()
    try:
        return asyncio.run(run(args))
    finally:
        stop_all()


if __name__ == "__main__":
    sys.exit(main())
