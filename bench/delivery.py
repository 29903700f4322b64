"""`make bench-delivery` (also part of `make bench`): delivery throughput of `viperatron worker`.

    python -m bench.delivery [--messages 8000] [--concurrency 4,8] [--rounds 3] [--idle-seconds 10]

One run, on PostgreSQL (a fresh database, migrated, dropped at the end), against an SMTP sink
in its own process (`bench/smtp_sink.py`: a light asyncio protocol standing for a relay on
another machine; accepts and counts everything, records Message-IDs to count duplicate
deliveries). At the first concurrency, raw bytes, 1 worker and 2 workers run `--rounds` times,
interleaved; the table shows each one's median round and the targets the medians of the
per-round ratios. Measures:

  raw loop    the reference: aiosmtplib over ONE reused connection, N messages built with
              `email.message.EmailMessage` (default policy), `send_message` one after another;
              no database. Timed from the first build to the last 250 (connect excluded).
  raw bytes   the target's reference: the same messages built beforehand, aiosmtplib `sendmail`
              over C connections at once (one command at a time: aiosmtplib does not pipeline).
  raw bytes, pipelined
              for comparison: the same bytes over C bare asyncio streams with PIPELINING, which
              the sink offers and the workers use (MAIL FROM + RCPT TO + DATA in one write).
  1 worker    N messages inserted as `queued`, ONE `viperatron worker --concurrency C` process.
  2 workers   the same with two worker processes on the same database.
  default cap one worker at the first concurrency with the default per-organization cap.
  idle CPU    one worker with default settings and nothing to do, CPU% from /proc/<pid>/stat
              (utime + stime) over --idle-seconds.

The bench has one organization. Its worker runs set VIPERATRON_ORG_MAX_IN_FLIGHT to the
concurrency, as docs/limits.md advises a single-organization installation, so the worker
sends over as many SMTP connections at once as the raw-bytes loop uses; by default one slot
stays open to other organizations (3 of 4), which the "default cap" row shows.

How a worker run is timed (no process start-up, no insert time in the number):
  1. the worker processes start with an empty queue; we wait for their "delivery worker
     started" log line, then one more second (first claim, first purge, now idle-polling);
  2. the N messages are inserted (ORM bulk_create: Message + MessageRecipient rows) with
     `due_at = T0`, a few seconds in the future, and the tables ANALYZEd; the insert must
     finish before T0, so the workers see nothing until T0;
  3. the clock starts at T0 and stops at the later of the sink's last accepted message and
     the last `sent_at` written by a worker (all rows must be `sent`): msg/s = N / (end - T0).
For these runs the workers idle-poll every 50 ms (VIPERATRON_IDLE_POLL_SECONDS=0.05; the
default is 1 s) so that at most ~50 ms of poll latency is counted, and two workers start
working at the same moment; it only matters when the queue is empty (start and tail).
The idle-CPU measurement uses the default settings.

Content (same for the raw loop and the workers): From "Acme <hello@acme.com>", one To, an
ASCII subject, an html and a text part (so no text is derived from html), no attachments.

Env: BENCH_DELIVERY_DATABASE_URL (postgres://postgres@127.0.0.1:5432/viperatron_bench_delivery),
BENCH_DELIVERY_MESSAGES (8000: with the light sink a case of 3,000 lasted ~1.5 s), BENCH_DELIVERY_CONCURRENCY (4,8),
BENCH_DELIVERY_ROUNDS (3), BENCH_DELIVERY_IDLE_SECONDS (10).
Prints a Markdown table and writes it to bench/results/delivery.md; the headline ratios (1 worker vs
raw bytes, 2 workers vs 1, at the first concurrency) go to bench/results/summary/delivery.json
(`python -m bench.summary`).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import email.policy
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

import aiosmtplib
import asyncpg
import dkim

from bench.summary import Row, busy_percent, cpu_seconds, machine_ticks, postgres_cpu, postgres_cpu_since, record

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = ROOT / ".venv" / "bin" / "python"
if not PYTHON.exists():
    PYTHON = Path(sys.executable)
DATABASE_URL = os.environ.get(
    "BENCH_DELIVERY_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/viperatron_bench_delivery"
)
TARGET_ONE_VS_RAW = 0.7
TARGET_ONE_VS_BYTES = 0.5  # vs pre-built bytes over as many connections as the worker's concurrency
TARGET_TWO_VS_ONE = 1.3
TARGET_IDLE_CPU = 1.0  # percent
BENCH_POLL_SECONDS = "0.05"
BENCH_SECRET = "bench-secret-key"
SMTP_POLICY = email.policy.SMTP  # CRLF line endings, as sent

FROM = "Acme <hello@acme.com>"
SUBJECT = "Welcome to Acme"
HTML = (
    "<h1>Hi Jane</h1><p>Thanks for signing up. "
    '<a href="https://acme.com/verify?u=12345">Verify your email address</a> to get started.</p>'
    "<p>— The Acme team</p>"
)
TEXT = (
    "Hi Jane\n\nThanks for signing up. Verify your email address to get started:\n"
    "https://acme.com/verify?u=12345\n\n— The Acme team\n"
)

_procs: list[subprocess.Popen] = []


def recipient(i: int) -> str:
    return f"customer{i}@example.com"


# ----------------------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc: subprocess.Popen, timeout: float = 20) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


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


@dataclass
class Snapshot:
    wall: float
    procs: dict[int, float]
    postgres: dict[int, float]
    machine: tuple[int, int]

    def postgres_since(self, before: "Snapshot") -> float:
        """CPU seconds of postgres processes between `before` and this (new backends from 0)."""
        return postgres_cpu_since(before.postgres, self.postgres)

    @classmethod
    def take(cls, pids: list[int]) -> "Snapshot":
        return cls(time.time(), {pid: cpu_seconds(pid) for pid in pids}, postgres_cpu(), machine_ticks())


class SinkProcess:
    """bench/smtp_sink.py in its own process; one JSON line per command."""

    def __init__(self) -> None:
        self.port = free_port()  # aiosmtpd's Controller cannot take port 0
        self.proc = subprocess.Popen(
            [str(PYTHON), "-m", "bench.smtp_sink", str(self.port)], cwd=ROOT,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, start_new_session=True,
        )
        _procs.append(self.proc)
        ready = self.proc.stdout.readline()
        if not ready or not json.loads(ready).get("ready"):
            raise SystemExit(f"SMTP sink did not start (exit code {self.proc.poll()})")

    def command(self, command: str) -> dict:
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit(f"SMTP sink died (exit code {self.proc.poll()})")
        return json.loads(line)

    def stats(self) -> dict:
        return self.command("stats")

    def reset(self) -> None:
        self.command("reset")


def start_workers(count: int, concurrency: int | None, env: dict, tag: str) -> list[subprocess.Popen]:
    RESULTS.mkdir(parents=True, exist_ok=True)
    procs, logs = [], []
    for index in range(count):
        log_path = RESULTS / f"delivery-worker-{tag}-{index}.log"
        log = open(log_path, "w")
        args = [str(PYTHON), "-m", "app.cli", "worker"]
        if concurrency:
            args += ["--concurrency", str(concurrency)]
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        _procs.append(proc)
        procs.append(proc)
        logs.append(log_path)
    deadline = time.monotonic() + 60
    for proc, log_path in zip(procs, logs):
        while "delivery worker started" not in log_path.read_text():
            if proc.poll() is not None:
                raise SystemExit(f"worker exited with {proc.returncode}; see {log_path}")
            if time.monotonic() > deadline:
                raise SystemExit(f"worker did not start within 60 s; see {log_path}")
            time.sleep(0.05)
    time.sleep(1.0)  # first (empty) claim and purge done: idle-polling now
    return procs


# ----------------------------------------------------------------------------- database


def admin_url() -> str:
    return urlsplit(DATABASE_URL)._replace(path="/postgres").geturl()


def database_name() -> str:
    return urlsplit(DATABASE_URL).path.lstrip("/")


async def fresh_database(synchronous_commit: str | None) -> None:
    name = database_name()
    admin = await asyncpg.connect(admin_url())
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
        if synchronous_commit:
            await admin.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = {synchronous_commit}')
    finally:
        await admin.close()


async def drop_database() -> None:
    admin = await asyncpg.connect(admin_url())
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database_name()}" WITH (FORCE)')
    finally:
        await admin.close()


async def insert_queued(n: int, organization_id: str, api_key_id: str, due_at: datetime) -> None:
    """N `queued` messages due at `due_at`, with their recipient rows, in one transaction."""
    from tortoise.transactions import in_transaction

    from app.core.ids import new_id
    from models import Message, MessageRecipient

    messages, recipients = [], []
    for i in range(n):
        message_id = new_id("msg")
        to = recipient(i)
        messages.append(Message(
            id=message_id, organization_id=organization_id, api_key_id=api_key_id, to=[to], cc=[], bcc=[],
            reply_to=[], from_address=FROM, subject=SUBJECT, html=HTML, text=TEXT, headers={}, tags=[],
            metadata={}, variables={}, attachment_count=0, status="queued", sandbox=False, send_at=None,
            due_at=due_at,
        ))
        recipients.append(MessageRecipient(message_id=message_id, organization_id=organization_id, kind="to",
                                           email_key=to.lower()))
    async with in_transaction():
        await Message.bulk_create(messages, batch_size=1000)
        await MessageRecipient.bulk_create(recipients, batch_size=1000)


async def sql(query: str, *args) -> list[dict]:
    from tortoise import Tortoise

    _, rows = await Tortoise.get_connection("default").execute_query(query, list(args))
    return [dict(row) for row in rows]


async def empty_queue() -> None:
    await sql("TRUNCATE messages CASCADE")


async def dkim_domain(settings, organization_id: str) -> tuple[bytes, bytes, bytes]:
    """A sending domain acme.com for the organization (through the resolver, as the API makes
    one); (selector, domain, private key PEM) for the raw loop to sign with the same key."""
    from app.core.principal import Principal
    from schema.domains.resolvers import DomainCreate, create_domain, signing_key

    principal = Principal(key_id=None, organization_id=organization_id, organization_name="bench", key_name="bench",
                          key_prefix="", mode="live", per_minute=0, per_day=0)
    await create_domain(settings, principal, DomainCreate(name="acme.com"))
    key = await signing_key(settings, organization_id, "acme.com")
    return key.selector.encode(), key.domain.encode(), key.private_pem


# ----------------------------------------------------------------------------- measurements


@dataclass
class Result:
    case: str
    n: int
    seconds: float
    processes: int = 0
    concurrency: int | None = None
    client_cpu: float = 0.0  # the raw loop's or the workers' CPU seconds
    sink_cpu: float = 0.0
    postgres_cpu: float = 0.0
    machine_busy: float = 0.0  # percent of all cores
    received: int = 0
    sent_rows: int = 0
    duplicates: int = 0
    claims: int = 0  # `sending` events: > n means some message was claimed twice
    lag: float | None = None  # T0 -> first claim
    problems: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.n / self.seconds if self.seconds > 0 else 0.0


def raw_message(i: int, run: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = FROM
    msg["To"] = recipient(i)
    msg["Subject"] = SUBJECT
    msg["Date"] = datetime.now(timezone.utc)
    msg["Message-ID"] = f"<raw{i}.{run}@acme.com>"
    msg.set_content(TEXT)
    msg.add_alternative(HTML, subtype="html")
    return msg


async def raw_loop(sink: SinkProcess, n: int, signing=None) -> Result:
    """`signing`: (selector, domain, PEM) — then each message is DKIM-signed with dkimpy
    (relaxed/relaxed, the same headers the worker signs) and sent as bytes."""
    print(f"raw loop: {n} messages over one aiosmtplib connection{' (DKIM-signed)' if signing else ''} ...", flush=True)
    sink.reset()
    client = aiosmtplib.SMTP(hostname="127.0.0.1", port=sink.port, timeout=30)
    await client.connect()
    try:
        before = Snapshot.take([sink.proc.pid])
        cpu_before = sum(os.times()[:2])
        start = time.perf_counter()
        for i in range(n):
            if signing is None:
                await client.send_message(raw_message(i, "r"))
                continue
            data = raw_message(i, "r").as_bytes(policy=SMTP_POLICY)
            selector, domain, pem = signing
            signature = dkim.sign(data, selector, domain, pem, canonicalize=(b"relaxed", b"relaxed"),
                                  include_headers=[b"from", b"to", b"subject", b"date", b"message-id",
                                                   b"mime-version", b"content-type"])
            await client.sendmail("hello@acme.com", [recipient(i)], signature + data)
        seconds = time.perf_counter() - start
        cpu_after = sum(os.times()[:2])
        after = Snapshot.take([sink.proc.pid])
    finally:
        await client.quit()
    stats = sink.stats()
    result = Result("raw", n, seconds, processes=1, client_cpu=cpu_after - cpu_before,
                    received=stats["count"], duplicates=stats["duplicates"])
    fill_cpu(result, before, after, [sink.proc.pid], [])
    if stats["count"] != n:
        result.problems.append(f"sink received {stats['count']} of {n}")
    print(f"  {result.rate:.0f} msg/s", flush=True)
    return result


async def pipelined_bytes_loop(sink: SinkProcess, n: int, connections: int) -> Result:
    """For comparison only: the same pre-built bytes over `connections` bare asyncio streams,
    pipelined as the worker pipelines (MAIL FROM + RCPT TO + DATA in one write, then the
    content): what SMTP itself costs the sink, with no client library in the way."""
    print(f"raw bytes loop, pipelined: {n} pre-built messages over {connections} connections ...", flush=True)
    sink.reset()
    # As on the wire: leading dots doubled, the lone dot at the end (no line starts with one here).
    wire = [raw_message(i, "p").as_bytes(policy=SMTP_POLICY).replace(b"\r\n.", b"\r\n..") + b".\r\n"
            for i in range(n)]
    streams = []
    for _ in range(connections):
        reader, writer = await asyncio.open_connection("127.0.0.1", sink.port)
        await reader.readline()
        writer.write(b"EHLO bench.local\r\n")
        while (await reader.readline())[3:4] == b"-":
            pass
        streams.append((reader, writer))

    async def send_share(k: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for i in range(k, n, connections):
            writer.write(b"MAIL FROM:<hello@acme.com>\r\nRCPT TO:<%s>\r\nDATA\r\n" % recipient(i).encode())
            replies = [await reader.readline() for _ in range(3)]
            if replies[2][:3] != b"354":
                raise RuntimeError(f"sink refused: {replies!r}")
            writer.write(wire[i])
            await reader.readline()

    try:
        before = Snapshot.take([sink.proc.pid])
        cpu_before = sum(os.times()[:2])
        start = time.perf_counter()
        await asyncio.gather(*(send_share(k, r, w) for k, (r, w) in enumerate(streams)))
        seconds = time.perf_counter() - start
        cpu_after = sum(os.times()[:2])
        after = Snapshot.take([sink.proc.pid])
    finally:
        for _, writer in streams:
            writer.close()
    return _loop_result("raw bytes, pipelined", sink, n, connections, seconds, cpu_after - cpu_before,
                        before, after)


async def bytes_loop(sink: SinkProcess, n: int, connections: int) -> Result:
    """The tighter reference: the N messages built beforehand (not timed) as bytes, sent with
    `sendmail` over `connections` aiosmtplib connections at once — what a worker of that
    concurrency would do if building, claiming and recording cost nothing."""
    print(f"raw bytes loop: {n} pre-built messages over {connections} connections ...", flush=True)
    sink.reset()
    built = [raw_message(i, "b").as_bytes(policy=SMTP_POLICY) for i in range(n)]
    clients = [aiosmtplib.SMTP(hostname="127.0.0.1", port=sink.port, timeout=30) for _ in range(connections)]
    for client in clients:
        await client.connect()
    try:
        before = Snapshot.take([sink.proc.pid])
        cpu_before = sum(os.times()[:2])
        start = time.perf_counter()

        async def send_share(k: int, client: aiosmtplib.SMTP) -> None:
            for i in range(k, n, connections):
                await client.sendmail("hello@acme.com", [recipient(i)], built[i])

        await asyncio.gather(*(send_share(k, c) for k, c in enumerate(clients)))
        seconds = time.perf_counter() - start
        cpu_after = sum(os.times()[:2])
        after = Snapshot.take([sink.proc.pid])
    finally:
        for client in clients:
            await client.quit()
    return _loop_result("raw bytes", sink, n, connections, seconds, cpu_after - cpu_before, before, after)


def _loop_result(case: str, sink: SinkProcess, n: int, connections: int, seconds: float, client_cpu: float,
                 before: Snapshot, after: Snapshot) -> Result:
    """A reference loop's result, checked against what the sink received."""
    stats = sink.stats()
    result = Result(case, n, seconds, processes=1, concurrency=connections, client_cpu=client_cpu,
                    received=stats["count"], duplicates=stats["duplicates"])
    fill_cpu(result, before, after, [sink.proc.pid], [])
    if stats["count"] != n:
        result.problems.append(f"sink received {stats['count']} of {n}")
    print(f"  {result.rate:.0f} msg/s", flush=True)
    return result


def fill_cpu(result: Result, before: Snapshot, after: Snapshot, sink_pids: list[int], worker_pids: list[int]) -> None:
    for pid in sink_pids:
        result.sink_cpu += after.procs[pid] - before.procs[pid]
    for pid in worker_pids:
        result.client_cpu += after.procs[pid] - before.procs[pid]
    result.postgres_cpu = after.postgres_since(before)
    result.machine_busy = busy_percent(before.machine, after.machine)


async def worker_run(sink: SinkProcess, n: int, processes: int, concurrency: int, env: dict, org: str, key: str,
                     lead: float, default_cap: bool = False) -> Result:
    """`default_cap`: the default per-organization cap (concurrency − 1) instead of the
    single-organization setting (the concurrency)."""
    case = f"{processes} worker{'s' if processes > 1 else ''}" + (", default cap" if default_cap else "")
    print(f"{case}, concurrency {concurrency}: {n} messages ...", flush=True)
    await empty_queue()
    sink.reset()
    settings = {"VIPERATRON_IDLE_POLL_SECONDS": BENCH_POLL_SECONDS}
    if not default_cap:
        settings["VIPERATRON_ORG_MAX_IN_FLIGHT"] = str(concurrency)
    workers = start_workers(processes, concurrency, {**env, **settings},
                            f"c{concurrency}-{processes}w" + ("-default-cap" if default_cap else ""))
    pids = [w.pid for w in workers]
    try:
        t0 = time.time() + lead
        await insert_queued(n, org, key, datetime.fromtimestamp(t0, timezone.utc))
        await sql("ANALYZE messages, message_recipients, message_events")
        margin = t0 - time.time()
        if margin < 0.2:
            raise SystemExit(f"inserting {n} messages took too long (T0 passed): raise --lead (now {lead} s)")
        await asyncio.sleep(margin)
        before = Snapshot.take([sink.proc.pid, *pids])
        # Wait for the sink to have every message, then for every row to be `sent`.
        timeout = max(120.0, n / 10)
        deadline = time.monotonic() + timeout
        problems = []
        while (stats := sink.stats())["count"] < n:
            if time.monotonic() > deadline:
                problems.append(f"timeout after {timeout:.0f} s: sink has {stats['count']} of {n}")
                break
            if any(w.poll() is not None for w in workers):
                problems.append("a worker process exited during the run")
                break
            await asyncio.sleep(0.01)
        while not problems:
            row = (await sql("SELECT count(*) FILTER (WHERE status = 'sent') AS sent FROM messages"))[0]
            if row["sent"] >= n:
                break
            if time.monotonic() > deadline:
                problems.append(f"timeout after {timeout:.0f} s: {row['sent']} of {n} rows sent")
                break
            await asyncio.sleep(0.01)
        after = Snapshot.take([sink.proc.pid, *pids])
    finally:
        for w in workers:
            stop(w)
    stats = sink.stats()
    row = (await sql(
        "SELECT count(*) FILTER (WHERE status = 'sent') AS sent, max(sent_at) AS last_sent,"
        " (SELECT count(*) FROM message_events WHERE status = 'sending') AS claims,"
        " (SELECT min(at) FROM message_events WHERE status = 'sending') AS first_claim FROM messages"
    ))[0]
    end = max(stats["last"] or 0.0, row["last_sent"].timestamp() if row["last_sent"] else 0.0)
    if problems:
        end = after.wall
    result = Result(case, n, end - t0, processes=processes, concurrency=concurrency, received=stats["count"],
                    sent_rows=row["sent"], duplicates=stats["duplicates"], claims=row["claims"],
                    lag=row["first_claim"].timestamp() - t0 if row["first_claim"] else None, problems=problems)
    fill_cpu(result, before, after, [sink.proc.pid], pids)
    if stats["count"] != n:
        result.problems.append(f"sink received {stats['count']} (expected {n})")
    if stats["no_id"]:
        result.problems.append(f"{stats['no_id']} messages without Message-ID")
    print(f"  {result.rate:.0f} msg/s" + (f"  PROBLEMS: {'; '.join(result.problems)}" if result.problems else ""),
          flush=True)
    return result


async def idle_cpu(env: dict, seconds: float) -> tuple[float, float]:
    """CPU% of one worker with default settings and an empty queue; and of PostgreSQL meanwhile."""
    print(f"idle worker (default settings): CPU over {seconds:.0f} s ...", flush=True)
    await empty_queue()
    (worker,) = start_workers(1, None, env, "idle")
    try:
        time.sleep(1.0)  # start_workers already waited 1 s after start-up
        before = Snapshot.take([worker.pid])
        await asyncio.sleep(seconds)
        after = Snapshot.take([worker.pid])
    finally:
        stop(worker)
    wall = after.wall - before.wall
    percent = 100.0 * (after.procs[worker.pid] - before.procs[worker.pid]) / wall
    pg_percent = 100.0 * after.postgres_since(before) / wall
    print(f"  {percent:.2f} % CPU", flush=True)
    return percent, pg_percent


# ----------------------------------------------------------------------------- report


def verdict(value: float, target: float, above: bool = True) -> str:
    ok = value >= target if above else value < target
    return f"{'≥' if above else '<'} {target:g} {'PASS' if ok else '**FAIL**'}"


@dataclass
class Rounds:
    """The headline ratios of each round (cases measured seconds apart, interleaved)."""

    one_vs_bytes: list[float] = field(default_factory=list)
    two_vs_one: list[float] = field(default_factory=list)

    @staticmethod
    def text(ratios: list[float]) -> str:
        return f"{statistics.median(ratios):.2f} (rounds {' / '.join(f'{r:.2f}' for r in ratios)})"


def median_result(results: list[Result]) -> Result:
    """The round whose rate is the median: the table shows one measured case, not a blend."""
    return sorted(results, key=lambda r: r.rate)[len(results) // 2]


def report(raw: Result, runs: dict[int, dict[int, Result]], idle: tuple[float, float], args, load: str,
           default_concurrency: int, reference: Result | None = None, default_cap: Result | None = None,
           pipelined: Result | None = None, rounds: Rounds | None = None) -> str:
    rounds = rounds or Rounds()
    lines = [
        f"## Viperatron delivery bench — {datetime.now(timezone.utc):%Y-%m-%d %H:%M UTC}",
        "",
        f"N = {raw.n} messages per case; msg/s = N / seconds. At concurrency {default_concurrency}, raw bytes, "
        f"1 worker and 2 workers ran {args.rounds} rounds, interleaved: each row shows the round with the "
        "median rate, each target the median of the per-round ratios.",
        "",
        "| case | concurrency | msg/s | vs raw | vs 1 worker | target | seconds | CPU µs/msg sender · sink · PG "
        "| machine busy | received · sent rows · dups · claims | first claim after T0 |",
        "|---|---:|---:|---:|---:|---|---:|---|---:|---|---:|",
    ]

    def row(r: Result, vs_one: Result | None, target: str) -> str:
        per = lambda seconds: f"{1e6 * seconds / r.n:.0f}"  # noqa: E731
        ratio_one = f"{r.rate / vs_one.rate:.2f}" if vs_one else ""
        checks = f"{r.received} · {r.sent_rows if r.processes and r.concurrency else '–'} · {r.duplicates}"
        checks += f" · {r.claims}" if r.concurrency else " · –"
        if r.problems:
            checks += " **" + "; ".join(r.problems) + "**"
        lag = f"{1000 * r.lag:.0f} ms" if r.lag is not None else ""
        return (f"| {r.case} | {r.concurrency or '–'} | {r.rate:.0f} | {r.rate / raw.rate:.2f} | {ratio_one} "
                f"| {target} | {r.seconds:.2f} | {per(r.client_cpu)} · {per(r.sink_cpu)} · {per(r.postgres_cpu)} "
                f"| {r.machine_busy:.0f} % | {checks} | {lag} |")

    lines.append(row(raw, None, "reference"))
    if reference is not None:
        lines.append(row(reference, None, "tighter reference"))
    if pipelined is not None:
        lines.append(row(pipelined, None, "for comparison (bare streams, PIPELINING)"))
    for concurrency, by_count in runs.items():
        one = by_count.get(1)
        for count, r in by_count.items():
            target = ""
            if concurrency == default_concurrency:
                if count == 1:
                    target = "vs raw " + verdict(r.rate / raw.rate, TARGET_ONE_VS_RAW)
                    if rounds.one_vs_bytes:
                        target += f"; vs raw bytes {Rounds.text(rounds.one_vs_bytes)} " + verdict(
                            statistics.median(rounds.one_vs_bytes), TARGET_ONE_VS_BYTES)
                    if pipelined is not None:
                        target += f"; vs pipelined {r.rate / pipelined.rate:.2f}"
                elif one:
                    # A second worker can only use what the first leaves of the machine (roughly: the
                    # host's speed also moves between the two cases).
                    two_vs_one = statistics.median(rounds.two_vs_one) if rounds.two_vs_one else r.rate / one.rate
                    target = (f"vs 1 worker {Rounds.text(rounds.two_vs_one)} " if rounds.two_vs_one else
                              "vs 1 worker ") + verdict(two_vs_one, TARGET_TWO_VS_ONE) + (
                        f" (one worker kept the machine {one.machine_busy:.0f} % busy, leaving a second "
                        f"~{100 / one.machine_busy:.2f}×)" if one.machine_busy else "")
            lines.append(row(r, one if count > 1 else None, target))
        if default_cap is not None and concurrency == default_concurrency:
            note = f"{concurrency - 1} of {concurrency} slots for one organization"
            if reference is not None:
                note = f"vs raw bytes {default_cap.rate / reference.rate:.2f} ({note})"
            lines.append(row(default_cap, None, note))
    idle_percent, idle_pg = idle
    lines += [
        "",
        f"Idle worker (default settings, empty queue, {args.idle_seconds:g} s): **{idle_percent:.2f} % CPU** "
        f"— target < {TARGET_IDLE_CPU:g} % {'PASS' if idle_percent < TARGET_IDLE_CPU else '**FAIL**'} "
        f"(all PostgreSQL processes meanwhile: {idle_pg:.2f} %, shared server).",
    ]
    best = {}
    for concurrency, by_count in runs.items():
        for count, r in by_count.items():
            if not r.problems and (count not in best or r.rate > best[count].rate):
                best[count] = r
    if len(runs) > 1 and best:
        lines.append("Best concurrency: " + ", ".join(
            f"{count} worker{'s' if count > 1 else ''}: {r.concurrency} ({r.rate:.0f} msg/s)"
            for count, r in sorted(best.items())) + ".")
    lines += [
        "",
        "How: the SMTP sink (bench/smtp_sink.py, an asyncio protocol on uvloop) is its own process. *raw* = "
        "aiosmtplib `send_message` of "
        "`EmailMessage` (default policy) objects, one after another over one connection, no database "
        "(connect excluded). *raw bytes* = the same messages pre-built, aiosmtplib `sendmail` over C "
        "connections (one command at a time: aiosmtplib does not pipeline); *raw bytes, pipelined* = the same "
        "bytes over C bare asyncio streams, MAIL FROM + RCPT TO + DATA written at once. The sink offers "
        "PIPELINING, as most relays do, and the workers use it. "
        "*workers* = `python -m app.cli worker --concurrency C` processes started on an "
        "empty queue and idle first; N `queued` rows (Message + MessageRecipient, ORM bulk_create) are inserted "
        f"with `due_at` = T0 a few seconds ahead; timed from T0 to the later of the sink's last message and "
        f"the last `sent_at` (every row `sent`). Workers idle-poll every {BENCH_POLL_SECONDS} s in these runs "
        "(default 1 s) so start-up latency stays out of the number. The bench has one organization: workers "
        "run with VIPERATRON_ORG_MAX_IN_FLIGHT = C (the single-organization setting, as many SMTP connections "
        "at once as the raw-bytes loop), except the *default cap* row (C − 1). "
        "CPU µs/msg = utime+stime over the timed interval / N: *sender* is the raw loop or the sum of the "
        "workers, *PG* all postgres processes (shared server: other users' queries count too). "
        "*claims* = `sending` events (> N: a message was claimed twice); *dups* = Message-IDs the sink got "
        "more than once.",
        f"Machine: {os.cpu_count()} cores, shared (1-min load average before the run: {load}); PostgreSQL "
        f"synchronous_commit = {args.synchronous_commit or 'server default'}.",
    ]
    if args.no_pipelining:
        lines.append("Experiment — workers told not to pipeline (SMTP URL `?pipelining=false`).")
    if args.sql:
        lines.append("Experiment — extra SQL after migrating: " + "; ".join(f"`{s}`" for s in args.sql) + ".")
    return "\n".join(lines) + "\n"


def record_summary(by_count: dict[int, Result], reference: Result | None, concurrency: int,
                   default_cap: Result | None = None, pipelined: Result | None = None,
                   rounds: Rounds | None = None) -> None:
    """The headline ratios for `python -m bench.summary` (bench/summary.py): medians of the rounds."""
    rows = []
    rounds = rounds or Rounds()
    one, two = by_count.get(1), by_count.get(2)
    if one is not None and reference is not None:
        ratio = statistics.median(rounds.one_vs_bytes) if rounds.one_vs_bytes else one.rate / reference.rate
        rows.append(Row(measure=f"1 worker vs raw bytes (concurrency {concurrency}, the organization's cap at it)",
                        value=f"{one.rate:,.0f} msg/s", ratio=ratio, target=f"≥ {TARGET_ONE_VS_BYTES:g}×",
                        met=ratio >= TARGET_ONE_VS_BYTES))
    if one is not None and pipelined is not None:
        rows.append(Row(measure=f"1 worker vs raw bytes pipelined over bare streams (concurrency {concurrency})",
                        value=f"{pipelined.rate:,.0f} msg/s raw", ratio=one.rate / pipelined.rate))
    if default_cap is not None and reference is not None:
        rows.append(Row(measure=f"1 worker vs raw bytes, default cap ({concurrency - 1} of {concurrency} slots for "
                                "one organization)", value=f"{default_cap.rate:,.0f} msg/s",
                        ratio=default_cap.rate / reference.rate))
    if one is not None and two is not None:
        ratio = statistics.median(rounds.two_vs_one) if rounds.two_vs_one else two.rate / one.rate
        rows.append(Row(measure=f"2 workers vs 1 (concurrency {concurrency})", value=f"{two.rate:,.0f} msg/s",
                        ratio=ratio, target=f"≥ {TARGET_TWO_VS_ONE:g}×", met=ratio >= TARGET_TWO_VS_ONE))
    if rows:
        record("delivery", rows)


# ----------------------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.delivery", description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", "-n", type=int, default=int(os.environ.get("BENCH_DELIVERY_MESSAGES", 8000)))
    parser.add_argument("--concurrency", default=os.environ.get("BENCH_DELIVERY_CONCURRENCY", "4,8"),
                        help="comma-separated worker concurrencies to try; the first one is checked "
                             "against the targets (default 4,8)")
    parser.add_argument("--workers", default="1,2", help="worker process counts to try (default 1,2)")
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_DELIVERY_ROUNDS", 3)),
                        help="rounds of raw bytes, 1 and 2 workers at the first concurrency, interleaved (default 3)")
    parser.add_argument("--idle-seconds", type=float,
                        default=float(os.environ.get("BENCH_DELIVERY_IDLE_SECONDS", 10)))
    parser.add_argument("--lead", type=float, default=None,
                        help="seconds between starting the insert and T0 (default: 3 s + 1 s per 2000 msgs)")
    parser.add_argument("--synchronous-commit", choices=["on", "off"], default=None,
                        help="set it on the bench database (diagnostic; default: the server's setting)")
    parser.add_argument("--sql", action="append", default=[], metavar="STATEMENT",
                        help="extra SQL run after migrating, for experiments (e.g. an index); repeatable")
    parser.add_argument("--no-pipelining", action="store_true",
                        help="workers send one SMTP command at a time (SMTP URL ?pipelining=false; experiment)")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database at the end")
    parser.add_argument("--dkim", action="store_true",
                        help="the organization has a sending domain for acme.com: workers DKIM-sign every message, "
                             "and the raw loop signs each one with dkimpy too")
    return parser.parse_args()


async def run(args: argparse.Namespace) -> int:
    from app.core import db
    from app.core.settings import Settings
    from app.web.keys import create_key

    n = args.messages
    concurrencies = [int(c) for c in args.concurrency.split(",") if c.strip()]
    counts = [int(c) for c in args.workers.split(",") if c.strip()]
    lead = args.lead if args.lead is not None else 3.0 + n / 2000
    load = Path("/proc/loadavg").read_text().split()[0]
    settings = Settings(database_url=DATABASE_URL)
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIPERATRON_")}
    env.update(DATABASE_URL=DATABASE_URL, PYTHONUNBUFFERED="1")
    env.pop("REDIS_URL", None)

    checked: list[Result] = []  # every round of the headline cases (the table shows one each)
    print(f"fresh database {database_name()}; migrating ...", flush=True)
    await fresh_database(args.synchronous_commit)
    initialized = False
    try:
        await db.migrate(settings)
        await db.init_db(settings)
        initialized = True
        for statement in args.sql:
            await sql(statement)
        key, _ = await create_key("bench", settings, name="delivery bench")
        org = key.organization_id
        signing = None
        if args.dkim:
            # The organization sends from a domain with a DKIM key: every worker message is signed.
            settings = dataclasses.replace(settings, secret_key=BENCH_SECRET)
            env["VIPERATRON_SECRET_KEY"] = BENCH_SECRET
            signing = await dkim_domain(settings, org)

        sink = SinkProcess()
        env["SMTP_URL"] = f"smtp://127.0.0.1:{sink.port}" + ("?pipelining=false" if args.no_pipelining else "")
        raw = await raw_loop(sink, n, signing)
        pipelined = None if args.dkim else await pipelined_bytes_loop(sink, n, concurrencies[0])
        # The headline cases in rounds, interleaved: the host's speed moves within a run, and one
        # case measured once at a slow moment would decide a ratio.
        references: list[Result] = []
        by_round: dict[int, list[Result]] = {count: [] for count in counts}
        for round_no in range(1, max(1, args.rounds) + 1):
            print(f"round {round_no}:", flush=True)
            if not args.dkim:
                references.append(await bytes_loop(sink, n, concurrencies[0]))
            for count in counts:
                by_round[count].append(await worker_run(sink, n, count, concurrencies[0], env, org, key.id, lead))
        checked.extend([*references, *(r for results in by_round.values() for r in results)])
        reference = median_result(references) if references else None
        runs: dict[int, dict[int, Result]] = {concurrencies[0]: {c: median_result(rs) for c, rs in by_round.items()}}
        ones = by_round.get(1, [])
        rounds = Rounds([o.rate / r.rate for o, r in zip(ones, references)],
                        [t.rate / o.rate for t, o in zip(by_round.get(2, []), ones)])
        for concurrency in concurrencies[1:]:
            for count in counts:
                runs.setdefault(concurrency, {})[count] = await worker_run(
                    sink, n, count, concurrency, env, org, key.id, lead
                )
        default_cap = None
        if 1 in counts:
            default_cap = await worker_run(sink, n, 1, concurrencies[0], env, org, key.id, lead, default_cap=True)
        idle = await idle_cpu(env, args.idle_seconds)
    finally:
        stop_all()
        if initialized:
            await db.close_db()
        if not args.keep_db:
            await drop_database()
    text = report(raw, runs, idle, args, load, concurrencies[0], reference, default_cap, pipelined, rounds)
    if args.dkim:
        text = text.replace("## Viperatron delivery bench", "## Viperatron delivery bench, DKIM on", 1)
    print()
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    experiment = bool(args.sql or args.synchronous_commit or args.no_pipelining)
    name = "delivery-experiment.md" if experiment else "delivery.md"
    out = RESULTS / (name.replace(".md", "-dkim.md") if args.dkim else name)
    out.write_text(text)
    print(f"written to {out.relative_to(ROOT)}")
    if not (args.dkim or experiment):
        record_summary(runs.get(concurrencies[0], {}), reference, concurrencies[0], default_cap, pipelined, rounds)
    failed = raw.problems or any(r.problems or r.duplicates for by in runs.values() for r in by.values())
    failed = failed or any(r.problems or r.duplicates for r in checked)
    failed = failed or bool(default_cap and (default_cap.problems or default_cap.duplicates))
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
