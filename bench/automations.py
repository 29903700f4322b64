"""`make bench-automations`: automation throughput (runs/s of a one-step `addTag` automation) on PostgreSQL.

    python -m bench.automations [-n 4000] [--rounds 3] [--sql STATEMENT] [--keep-db] [--profile out.prof]

One run on a fresh PostgreSQL database (migrated, dropped at the end unless --keep-db):

  set-up      organization `bench` + key, N contacts (COPY, untimed), one enabled automation
              created by the resolver `schema.automations.resolvers.create_automation`:
              trigger `order.placed`, steps [{"type": "addTag", "tag": "buyer"}].
  ingestion   N `order.placed` events, one per contact, through the resolver the REST batch
              route calls (`schema.events.resolvers.parse_batch` + `ingest_batch`), batches of 500: each
              batch stores its events and starts their runs in one transaction (N `pending`
              runs). Timed, but not the headline.
  raw         the baseline: asyncpg alone, one connection, a loop doing per run, in ONE
              transaction, what the runner writes: claim one run (app/engines/automations.py's claim
              SQL, `FOR UPDATE SKIP LOCKED`, returning the run's contact; without the runner's
              asynchronous commit of the claim: the one commit here waits for the disk), INSERT the
              tag ON CONFLICT DO NOTHING, touch the contact's `updated_at`, mark the run
              `completed` at step 1 and INSERT its step log. The automation's steps are read
              once. No ORM, no fencing re-checks, no separate claim/step/finish transactions.
  raw × 4     the same loop on four connections at once (four coroutines in this process).
  ours        `app.engines.automations.AutomationRunner(concurrency=1).drain()` (claim_due +
              run_claimed, one run at a time) in this process.
  ours, c=4   one runner with concurrency 4 (the default: four loops claiming at once).
  raw × 2     the raw loop on two connections (the baseline of one runner process below).
  ours, 1 × 2 one runner process (`--child`) with concurrency 2, timed like the next case.
  ours, 2 × 2 two runner processes (`--child`) with concurrency 2 each, started on the same
              signal; timed from the first start to the last finish. Its ratio to `ours, 1 × 2`
              is the gain of a second runner process. For both process cases the table also
              gives how busy the machine was (all cores) and the CPU a run of the runner
              processes (their own count) and of PostgreSQL (every postgres process).

Every runner runs with its per-organization cap at its concurrency
(VIPERATRON_ORG_MAX_IN_FLIGHT): the bench has one organization, and the default cap
(concurrency − 1, a slot kept for other organizations) would give it one loop fewer than the
raw baseline it is compared with.

The seven cases are measured `--rounds` times, interleaved; the table gives each case's median
runs/s and, as its ratio, the median of the per-round ratios ours / raw at the same
parallelism (as many runner loops as raw connections; cases seconds apart, so a burst of load
on the shared machine hits both sides of a ratio alike). Before every case the run state is
reset to what ingestion left: automation_runs, automation_step_logs and contact_tags are
truncated, the same N runs are copied back as `pending` (same ids, events, contacts, due_at),
then VACUUM ANALYZE. After every case it is checked that every run is `completed` at step 1
after exactly one claim (attempts = 1), that there are exactly N step logs, one per run, and
that every contact has exactly one tag, `buyer`.

N = 4,000 by default: each case then lasts a few seconds, long enough that a burst of load on the
shared machine moves a ratio less (2,000 runs took ~1.5 s a case). The claim uses the partial index
idx_automation_runs_claimable (migration 7); before it, a claim sorted every claimable run
(~9 ms with 20,000 claimable) and runs/s fell with N. The table states the claim's plan and
time with all N runs claimable.

`--sql` runs extra SQL after migrating (experiments, e.g. an index) and writes the table to
bench/results/automations-experiment.md instead. `--profile PATH` adds a pass of the in-process runner
(`--concurrency`, default 1) under cProfile, prints the functions with the most own time and writes the
stats to PATH (`python -m pstats PATH`; the table's numbers come from the unprofiled passes).

Env: BENCH_AUTOMATIONS_DATABASE_URL (postgres://postgres@127.0.0.1:5432/viperatron_bench_automations),
BENCH_AUTOMATIONS (N, 4000), BENCH_AUTOMATIONS_ROUNDS (3). Prints a Markdown table and writes it to bench/results/automations.md.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import dataclasses
import json
import os
import pstats
import statistics
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg

from app.engines.automations import CLAIM_RUNS, CLAIMABLE, claim_sql
from app.engines.leases import pick_params, pick_sql
from bench.summary import Row, busy_percent, machine_ticks, postgres_cpu, postgres_cpu_since, record

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = ROOT / ".venv" / "bin" / "python"
if not PYTHON.exists():
    PYTHON = Path(sys.executable)
DATABASE_URL = os.environ.get(
    "BENCH_AUTOMATIONS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/viperatron_bench_automations"
)
BATCH = 500
TAG = "buyer"
STEPS = [{"type": "addTag", "tag": TAG}]
LEASE_SECONDS = 300.0

# The runner's own claim statement (it returns what the step needs: one round trip), without
# its asynchronous commit: the raw loop claims, applies and completes in one transaction, and
# that transaction's commit waits for the disk, as the runner's step does.
RAW_CLAIM = pick_sql("automation_runs", CLAIMABLE, True, CLAIM_RUNS.format(lease_only=""), limit=1)
RAW_TAG = """
INSERT INTO contact_tags (contact_id, organization_id, tag) VALUES ($1, $2, $3)
ON CONFLICT (contact_id, tag) DO NOTHING
"""
RAW_TOUCH = "UPDATE contacts SET updated_at = $2 WHERE id = $1"
RAW_FINISH = """
UPDATE automation_runs SET current_step = $2, step_attempts = 0, status = 'completed', due_at = $3, updated_at = $3
WHERE id = $1
"""
RAW_LOG = """
INSERT INTO automation_step_logs (run_id, step_index, type, status, detail, at)
VALUES ($1, $2, $3, 'completed', $4, $5)
"""
RAW_1 = "raw asyncpg loop, 1 connection"
OURS_1 = "ours: 1 runner, concurrency 1, in-process"
RAW_2 = "raw asyncpg loop, 2 connections (one process)"
RAW_4 = "raw asyncpg loop, 4 connections (one process)"
OURS_4 = "ours: 1 runner, concurrency 4 (the default), in-process"
OURS_P1 = "ours: 1 runner process, concurrency 2"
OURS_2 = "ours: 2 runner processes, concurrency 2 each"
# ratio: ours / raw at the same parallelism (the same number of loops claiming at once)
BASELINE = {RAW_1: RAW_1, OURS_1: RAW_1, RAW_4: RAW_4, OURS_4: RAW_4, RAW_2: RAW_2, OURS_P1: RAW_2, OURS_2: RAW_4}
RUN_COLUMNS = ("id", "automation_id", "organization_id", "event_id", "contact_id", "status", "current_step",
               "due_at", "attempts", "step_attempts", "created_at", "updated_at")


def admin_url() -> str:
    return urlsplit(DATABASE_URL)._replace(path="/postgres").geturl()


def database_name() -> str:
    return urlsplit(DATABASE_URL).path.lstrip("/")


async def admin(statement: str) -> None:
    conn = await asyncpg.connect(admin_url())
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


# ----------------------------------------------------------------------------- set-up


async def add_contacts(conn: asyncpg.Connection, org: str, n: int) -> None:
    from app.core.ids import new_id

    at = datetime.now(timezone.utc)
    rows = [(new_id("ct"), org, f"customer{i}@example.com", f"customer{i}@example.com", "{}", at, at)
            for i in range(n)]
    await conn.copy_records_to_table(
        "contacts", records=rows,
        columns=("id", "organization_id", "email", "email_key", "custom_fields", "created_at", "updated_at"),
    )


def make_events(n: int) -> list[dict]:
    return [
        {"email": f"customer{i}@example.com", "eventType": "order.placed", "eventId": f"order-{i}",
         "value": f"{10 + i % 90}.99", "currency": "USD", "properties": {"orderId": f"ord_{i}"}}
        for i in range(n)
    ]


async def ingest(principal, events: list[dict]) -> tuple[float, int]:
    """The events through the REST batch route's resolver, batches of BATCH; (seconds, accepted)."""
    from schema.events.resolvers import ingest_batch, parse_batch

    accepted = 0
    started = time.perf_counter()
    for start in range(0, len(events), BATCH):
        result = await ingest_batch(principal, parse_batch(events[start : start + BATCH]))
        accepted += result.accepted
    return time.perf_counter() - started, accepted


async def reset(conn: asyncpg.Connection, runs: list[tuple]) -> None:
    """Back to what ingestion left: the same runs, all `pending`, no tags, no step logs."""
    await conn.execute("TRUNCATE automation_step_logs, automation_runs, contact_tags")
    await conn.copy_records_to_table("automation_runs", records=runs, columns=RUN_COLUMNS)
    await conn.execute("VACUUM ANALYZE automation_runs, automation_step_logs, contact_tags, contacts")


async def verify(conn: asyncpg.Connection, org: str, n: int) -> list[str]:
    problems = []
    row = await conn.fetchrow(
        "SELECT count(*) AS runs, count(*) FILTER (WHERE status = 'completed') AS completed,"
        " count(*) FILTER (WHERE current_step <> 1) AS wrong_step,"
        " count(*) FILTER (WHERE attempts <> 1) AS reclaimed FROM automation_runs")
    if row["runs"] != n or row["completed"] != n:
        problems.append(f"{row['completed']} of {row['runs']} runs completed (expected {n})")
    if row["wrong_step"]:
        problems.append(f"{row['wrong_step']} runs not at step 1")
    if row["reclaimed"]:
        problems.append(f"{row['reclaimed']} runs claimed more than once")
    row = await conn.fetchrow(
        "SELECT count(*) AS logs, count(DISTINCT run_id) AS runs,"
        " count(*) FILTER (WHERE status <> 'completed' OR step_index <> 0 OR type <> 'addTag') AS odd"
        " FROM automation_step_logs")
    if row["logs"] != n or row["runs"] != n or row["odd"]:
        problems.append(f"{row['logs']} step logs for {row['runs']} runs, {row['odd']} unexpected (expected {n})")
    row = await conn.fetchrow(
        "SELECT count(*) AS contacts,"
        " count(*) FILTER (WHERE (SELECT array_agg(t.tag) FROM contact_tags t WHERE t.contact_id = c.id)"
        "                  IS DISTINCT FROM ARRAY[$2::varchar]) AS wrong"
        " FROM contacts c WHERE c.organization_id = $1", org, TAG)
    if row["contacts"] != n or row["wrong"]:
        problems.append(f"{row['wrong']} of {row['contacts']} contacts do not have exactly the tag `{TAG}`")
    return problems


async def claim_plan(conn: asyncpg.Connection) -> str:
    """The runner's claim of up to 4 runs (app.engines.automations.claim_sql) with every run
    claimable: its plan nodes and execution time, EXPLAIN ANALYZE inside a transaction that is
    rolled back."""
    query = claim_sql(4, postgres=True)
    at = datetime.now(timezone.utc)
    transaction = conn.transaction()
    await transaction.start()
    try:
        (report,) = json.loads(await conn.fetchval(
            "EXPLAIN (ANALYZE, FORMAT JSON) " + query,
            *pick_params(at, 4, at + timedelta(seconds=LEASE_SECONDS), None, None)))
    finally:
        await transaction.rollback()
    def find(node: dict, kind: str) -> dict | None:
        if node["Node Type"] == kind:
            return node
        return next(filter(None, (find(child, kind) for child in node.get("Plans", []))), None)

    nodes, node = [], find(report["Plan"], "Limit") or report["Plan"]  # the picking subquery
    while node is not None:
        name = node["Node Type"]
        if node.get("Index Name"):
            name += f" using {node['Index Name']}"
        nodes.append(name)
        node = (node.get("Plans") or [None])[0]
    return f"{' → '.join(nodes)}, {report['Execution Time']:.2f} ms"


# ----------------------------------------------------------------------------- cases


async def raw_loop(conn: asyncpg.Connection, steps: dict[str, list[dict]]) -> int:
    done = 0
    while True:
        at = datetime.now(timezone.utc)
        async with conn.transaction():
            run = await conn.fetchrow(RAW_CLAIM, *pick_params(at, 1, at + timedelta(seconds=LEASE_SECONDS), None, None))
            if run is None:
                return done
            index = run["current_step"]
            for index, step in enumerate(steps[run["automation_id"]][index:], start=index):
                if step["type"] != "addTag":
                    raise RuntimeError(f"raw loop: step type {step['type']} not supported")
                await conn.execute(RAW_TAG, run["contact_id"], run["organization_id"], step["tag"])
                await conn.execute(RAW_TOUCH, run["contact_id"], at)
                await conn.execute(RAW_LOG, run["id"], index, step["type"], f"tag `{step['tag']}` added", at)
            await conn.execute(RAW_FINISH, run["id"], index + 1, at)
        done += 1


async def raw_case(connections: int) -> tuple[float, int]:
    conns = [await asyncpg.connect(DATABASE_URL) for _ in range(connections)]
    try:
        steps = {r["id"]: json.loads(r["steps"]) for r in await conns[0].fetch("SELECT id, steps FROM automations")}
        started = time.perf_counter()
        done = await asyncio.gather(*(raw_loop(c, steps) for c in conns))
        return time.perf_counter() - started, sum(done)
    finally:
        for c in conns:
            await c.close()


async def ours_in_process(settings, concurrency: int) -> tuple[float, Counter]:
    from app.engines.automations import AutomationRunner

    settings = dataclasses.replace(settings, org_max_in_flight=concurrency)
    started = time.perf_counter()
    outcomes = await AutomationRunner(settings, concurrency=concurrency).drain()
    seconds = time.perf_counter() - started
    return seconds, Counter(outcomes)


def ours_processes(count: int, concurrency: int) -> tuple[float, Counter, float, float, float]:
    """`count` child processes (`--child`), each one AutomationRunner.drain(), started on one signal.
    Also how busy the whole machine was meanwhile (percent of all cores), and the CPU seconds the
    runner processes and PostgreSQL spent meanwhile."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIPERATRON_")}
    env.update(DATABASE_URL=DATABASE_URL, PYTHONUNBUFFERED="1")
    env.pop("REDIS_URL", None)
    procs = [
        subprocess.Popen([str(PYTHON), "-m", "bench.automations", "--child", "--concurrency", str(concurrency)],
                         cwd=ROOT, env=env,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for _ in range(count)
    ]
    try:
        for proc in procs:
            if proc.stdout.readline().strip() != "ready":
                raise SystemExit(f"runner process did not start (exit code {proc.poll()})")
        ticks, postgres = machine_ticks(), postgres_cpu()
        for proc in procs:
            proc.stdin.write("go\n")
            proc.stdin.flush()
        reports = []
        for proc in procs:
            line = proc.stdout.readline()
            if not line:
                raise SystemExit(f"runner process died (exit code {proc.poll()})")
            reports.append(json.loads(line))
        busy, postgres_seconds = busy_percent(ticks, machine_ticks()), postgres_cpu_since(postgres)
        for proc in procs:
            proc.stdin.close()  # the children close their connections only now, once counted
    except BaseException:
        for proc in procs:
            proc.kill()
        raise
    finally:
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    seconds = max(r["end"] for r in reports) - min(r["start"] for r in reports)
    outcomes = Counter()
    for r in reports:
        outcomes.update(r["outcomes"])
    return seconds, outcomes, busy, sum(r["cpu"] for r in reports), postgres_seconds


async def child(concurrency: int) -> None:
    """One runner process: init, say `ready`, wait for `go`, drain, report one JSON line (with the
    CPU seconds it spent draining), close its connections at the end of its input."""
    from app.core import db
    from app.core.settings import Settings
    from app.engines.automations import AutomationRunner

    settings = Settings(database_url=DATABASE_URL, org_max_in_flight=concurrency)
    await db.init_db(settings)
    try:
        runner = AutomationRunner(settings, concurrency=concurrency)
        from tortoise import Tortoise

        # The pool's connections open before the clock: as many as the runner's loops use at once.
        connection = Tortoise.get_connection("default")
        await asyncio.gather(*(connection.execute_query("SELECT pg_sleep(0.05)") for _ in range(concurrency)))
        print("ready", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        start, cpu = time.time(), time.process_time()
        outcomes = await runner.drain()
        end, cpu = time.time(), time.process_time() - cpu
        print(json.dumps({"start": start, "end": end, "cpu": cpu, "outcomes": Counter(outcomes)}), flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    finally:
        await db.close_db()


# ----------------------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.automations", description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--runs", type=int, default=int(os.environ.get("BENCH_AUTOMATIONS", 4_000)),
                        help="contacts = events = runs (default 4000)")
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_AUTOMATIONS_ROUNDS", 3)),
                        help="measure every case this many times, interleaved; medians are reported (default 3)")
    parser.add_argument("--sql", action="append", default=[], metavar="STATEMENT",
                        help="extra SQL run after migrating, for experiments (e.g. an index); repeatable")
    parser.add_argument("--profile", metavar="PATH", help="also profile the in-process runner (cProfile stats)")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database at the end")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--concurrency", type=int, default=1,
                        help="the profiled runner's concurrency (default 1; also a `--child`'s)")
    return parser.parse_args()


async def run(args: argparse.Namespace) -> int:
    from app.core import db
    from app.core.principal import Principal
    from app.core.settings import Settings
    from app.web.keys import create_key
    from schema.automations.resolvers import AutomationCreate, create_automation

    n = args.runs
    load = Path("/proc/loadavg").read_text().split()[0]
    settings = Settings(database_url=DATABASE_URL)
    name = database_name()
    print(f"fresh database {name}; migrating ...", flush=True)
    await admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin(f'CREATE DATABASE "{name}"')
    rates: dict[str, list[float]] = {label: [] for label in BASELINE}  # runs/s, one per round
    busy: dict[str, list[float]] = {OURS_P1: [], OURS_2: []}  # the machine, % of all cores
    cpu: dict[str, list[tuple[float, float]]] = {OURS_P1: [], OURS_2: []}  # µs a run: runners, PostgreSQL
    problems: dict[str, list[str]] = {label: [] for label in BASELINE}
    initialized = False
    conn = None
    try:
        await db.migrate(settings)
        await db.init_db(settings)
        initialized = True
        conn = await asyncpg.connect(DATABASE_URL)
        for statement in args.sql:
            await conn.execute(statement)
        key, _ = await create_key("bench", settings, name="automations bench", per_minute=10**8, per_day=10**9)
        org = key.organization_id
        principal = Principal(key.id, org, "bench", "automations bench", "", "live", 10**8, 10**9)
        await add_contacts(conn, org, n)
        await conn.execute("ANALYZE contacts")
        await create_automation(principal, AutomationCreate.model_validate(
            {"name": "Tag buyers", "trigger": {"eventType": "order.placed"}, "steps": STEPS}))

        print(f"ingesting {n:,} events (batches of {BATCH}) ...", flush=True)
        ingest_seconds, accepted = await ingest(principal, make_events(n))
        started = await conn.fetchval("SELECT count(*) FROM automation_runs WHERE status = 'pending'")
        print(f"  {ingest_seconds:.2f} s, {n / ingest_seconds:,.0f} events/s; {started:,} runs pending", flush=True)
        if accepted != n or started != n:
            raise SystemExit(f"ingestion: {accepted} events accepted, {started} runs started (expected {n} each)")
        runs = [tuple(r) for r in await conn.fetch(f"SELECT {', '.join(RUN_COLUMNS)} FROM automation_runs")]

        await reset(conn, runs)
        plan = await claim_plan(conn)
        print(f"claim with {n:,} claimable runs: {plan}", flush=True)

        def processes(count: int, concurrency: int):
            return lambda: asyncio.get_running_loop().run_in_executor(None, ours_processes, count, concurrency)

        measures = {
            RAW_1: lambda: raw_case(1),
            OURS_1: lambda: ours_in_process(settings, 1),
            RAW_4: lambda: raw_case(4),
            OURS_4: lambda: ours_in_process(settings, 4),
            RAW_2: lambda: raw_case(2),
            OURS_P1: processes(1, 2),
            OURS_2: processes(2, 2),
        }
        for round_no in range(1, args.rounds + 1):
            for label, measure in measures.items():
                await reset(conn, runs)
                seconds, outcomes, *machine = await measure()
                if machine:
                    busy[label].append(machine[0])
                    cpu[label].append((machine[1] / n * 1e6, machine[2] / n * 1e6))
                found = await verify(conn, org, n)
                if isinstance(outcomes, Counter) and outcomes != Counter({"completed": n}):
                    found.append(f"runner outcomes {dict(outcomes)}")
                elif isinstance(outcomes, int) and outcomes != n:
                    found.append(f"{outcomes} runs done (expected {n})")
                rates[label].append(n / seconds)
                problems[label].extend(f"round {round_no}: {p}" for p in found)
                print(f"round {round_no}/{args.rounds}  {label:48} {n / seconds:8,.0f} runs/s"
                      + (f"  PROBLEMS: {'; '.join(found)}" if found else ""), flush=True)

        if args.profile:
            await reset(conn, runs)
            print(f"profiling the in-process runner (concurrency {args.concurrency}) ...", flush=True)
            profiler = cProfile.Profile()
            cpu = time.process_time()
            profiler.enable()
            seconds, _ = await ours_in_process(settings, args.concurrency)
            profiler.disable()
            cpu = time.process_time() - cpu
            print(f"  {n / seconds:,.0f} runs/s under the profiler, {cpu / n * 1e3:.2f} ms of this process's CPU per run")
            profiler.dump_stats(args.profile)
            stats = pstats.Stats(profiler)
            stats.sort_stats("tottime").print_stats(25)
            stats.sort_stats("cumulative").print_stats(40)
    finally:
        if conn is not None:
            await conn.close()
        if initialized:
            await db.close_db()
        if not args.keep_db:
            await admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    if args.rounds < 1:
        return 0
    median = {label: statistics.median(values) for label, values in rates.items()}
    # Each round's ratio pairs cases measured a few seconds apart; the median of those.
    ratio = {label: statistics.median(ours / raw for ours, raw in zip(rates[label], rates[BASELINE[label]]))
             for label in rates}
    rounds = f"median of {args.rounds} rounds" if args.rounds > 1 else "one round"

    def per_run(label: str) -> str:
        return " · ".join(f"{statistics.median(c[i] for c in cpu[label]):,.0f} µs" for i in (0, 1))

    lines = [
        f"Automation throughput on PostgreSQL: {n:,} runs of a one-step `addTag` automation "
        f"(one per contact), {rounds}, {datetime.now(timezone.utc):%Y-%m-%d %H:%M UTC}.",
        "",
        "| case | runs/s | (min – max) | ratio vs raw |",
        "|---|---:|---:|---:|",
    ]
    for label in rates:
        flag = f" **{'; '.join(problems[label])}**" if problems[label] else ""
        lines.append(f"| {label}{flag} | {median[label]:,.0f} | {min(rates[label]):,.0f} – {max(rates[label]):,.0f} "
                     f"| {ratio[label]:.2f} |")
    lines += [
        "",
        "Ratio: ours / raw at the same parallelism (as many runner loops as raw connections: 1, 2 or 4), "
        f"per round, {rounds.replace('median of', 'median over')}.",
        f"Concurrency 4 vs 1 in one runner: {median[OURS_4] / median[OURS_1]:.2f}×; "
        f"raw 4 connections vs 1: {median[RAW_4] / median[RAW_1]:.2f}×.",
        f"Two runner processes (concurrency 2 each) vs one: {median[OURS_2] / median[OURS_P1]:.2f}× "
        f"(per round: {', '.join(f'{a / b:.2f}' for a, b in zip(rates[OURS_2], rates[OURS_P1]))}). "
        f"One process kept the machine {statistics.median(busy[OURS_P1]):.0f} % busy (all cores), two "
        f"{statistics.median(busy[OURS_2]):.0f} %: a second process can add at most about "
        f"{100 / statistics.median(busy[OURS_P1]):.2f}× on this machine. CPU a run (runner processes · "
        f"PostgreSQL, medians): one process {per_run(OURS_P1)}, two {per_run(OURS_2)}.",
        f"The claim query (ours; raw's differs only in committing synchronously) with all {n:,} runs "
        f"claimable: {plan}.",
        f"Ingestion (not the headline): {n:,} `order.placed` events through the batch resolver in batches of "
        f"{BATCH}, starting {n:,} runs in the same transactions: {ingest_seconds:.2f} s, "
        f"{n / ingest_seconds:,.0f} events/s.",
        "Checked after every case: all runs `completed` at step 1 after one claim, one step log per run, "
        f"every contact tagged exactly `{TAG}`: "
        + ("yes." if not any(problems.values()) else "**NO** (see the flagged rows)."),
        f"Machine: {os.cpu_count()} cores, shared (1-min load average before the run: {load}).",
    ]
    if args.sql:
        lines.append("Experiment — extra SQL after migrating: " + "; ".join(f"`{s}`" for s in args.sql) + ".")
    text = "\n".join(lines) + "\n"
    print()
    print(text)
    if not args.sql:
        worst = min(ratio[label] for label in (OURS_1, OURS_4) if label in ratio)
        scaling = median[OURS_2] / median[OURS_P1]
        record("automations", [
            Row("runner vs raw asyncpg loop, same parallelism (worse of 1 and 4)", f"{median[OURS_4]:,.0f} runs/s",
                worst, "≥ 0.7×", worst >= 0.7),
            Row("2 runner processes vs 1", f"{median[OURS_2]:,.0f} runs/s", scaling, "≥ 1.3×", scaling >= 1.3),
        ])
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / ("automations-experiment.md" if args.sql else "automations.md")
    out.write_text(text)
    print(f"written to {out.relative_to(ROOT)}")
    return 1 if any(problems.values()) else 0


def main() -> int:
    args = parse_args()
    if args.child:
        asyncio.run(child(args.concurrency))
        return 0
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
