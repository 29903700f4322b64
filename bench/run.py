"""`make bench`: req/s and p99 of our hot endpoints vs a bare FastAPI + asyncpg baseline.

PostgreSQL + Redis, one fresh database, both servers under identical uvicorn settings, the same
wrk load for every endpoint. Prints a Markdown table and writes it to bench/results/latest.md.

The five endpoints are measured in BENCH_ROUNDS rounds (3), one after another in each round, so
a burst of noise on the shared machine lands on one round rather than on one endpoint. Each
ratio is taken within its round (against that round's baseline); the table shows the median
round of each endpoint (its req/s, p99 and CPU) and every round's ratio.

Env: BENCH_DATABASE_URL, BENCH_REDIS_URL, BENCH_SECONDS (10), BENCH_WARMUP (2), BENCH_ROUNDS (3).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg

from bench.summary import Row, cpu_seconds, memory_mb, record

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/viperatron_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "2"))
ROUNDS = max(1, int(os.environ.get("BENCH_ROUNDS", "3")))
THREADS, CONNECTIONS = 2, 32
UVICORN = ["--host", "127.0.0.1", "--workers", "1", "--log-level", "warning", "--no-access-log"]
TARGETS = {"a": 0.6, "b": 0.35, "c": 0.4, "e": 0.5}  # req/s ratio vs (d)
P99_TARGET = 2.0  # p99 at most twice the baseline's
RSS_TARGET_MB = 200

SEND = {
    "to": "customer@example.com",
    "subject": "Welcome to Acme",
    "html": "<h1>Hi {{firstName}}</h1><p>Thanks for signing up.</p>",
    "from": "hello@acme.com",
}
SEND_MUTATION = (
    "mutation($input: SendEmailInput!) { sendEmail(input: $input) "
    "{ messageId status userErrors { field code message } } }"
)
GRAPHQL = {"query": SEND_MUTATION, "variables": {"input": {**SEND, "to": [SEND["to"]]}}}
EVENT = {  # the reference's event example
    "email": "jane@example.com",
    "eventType": "order.placed",
    "value": 129.00,
    "currency": "USD",
    "properties": {"orderId": "ord_1a2b3c", "sku": "ACME-TEE-L"},
}
CONTACT = {  # wrk (load.lua) sends it with a unique email per request
    "email": "smoke@example.com",
    "firstName": "Jane",
    "lastName": "Doe",
    "tags": ["newsletter", "early-access"],
    "customFields": {"plan": "pro"},
}

_procs: list[subprocess.Popen] = []


# ----------------------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(name: str, target: str, port: int, env: dict) -> subprocess.Popen:
    RESULTS.mkdir(parents=True, exist_ok=True)
    log = open(RESULTS / f"{name}.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", target, "--port", str(port), *UVICORN],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    _procs.append(proc)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{name} server exited with {proc.returncode}; see {log.name}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{name} server did not listen on port {port} within 60 s; see {log.name}")


def stop_all() -> None:
    for proc in _procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in _procs:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ----------------------------------------------------------------------------- setup


async def fresh_database() -> None:
    parts = urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    admin = await asyncpg.connect(parts._replace(path="/postgres").geturl())
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    conn = await asyncpg.connect(DATABASE_URL)
    try:  # the baseline's own table
        await conn.execute(
            "CREATE TABLE bare_messages (id bigserial PRIMARY KEY, to_address text NOT NULL,"
            " from_address text NOT NULL, subject text NOT NULL, html text, text text,"
            " created_at timestamptz NOT NULL DEFAULT now())"
        )
    finally:
        await conn.close()


def viperatron(*args: str, env: dict) -> str:
    done = subprocess.run([str(BIN / "viperatron"), *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"viperatron {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def smoke(url: str, body: dict, key: str) -> None:
    """One request before the load, so a broken setup fails loudly instead of benching 4xx."""
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json", "Authorization": f"Bearer {key}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            payload = json.loads(response.read())
    except urllib.error.HTTPError as error:
        raise SystemExit(f"smoke request to {url} failed: {error.code} {error.read().decode()[:500]}")
    graphql_data = (payload.get("data") or {}) if "query" in body else {}
    if payload.get("errors") or any(field.get("userErrors") for field in graphql_data.values()):
        raise SystemExit(f"smoke request to {url} returned errors: {json.dumps(payload)[:500]}")


# ----------------------------------------------------------------------------- load


def wrk(url: str, body: dict, key: str, mode: str, seconds: int, tag: str) -> dict:
    env = {**os.environ, "BENCH_BODY": json.dumps(body), "BENCH_KEY": key, "BENCH_MODE": mode, "BENCH_TAG": tag}
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s", "--latency",
               "-s", str(ROOT / "bench" / "load.lua"), url]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    found = re.search(r"^BENCH_JSON (.*)$", done.stdout, re.M)
    if done.returncode or not found:
        raise SystemExit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    result = json.loads(found.group(1))
    sample = re.search(r"^BENCH_SAMPLE (.*)$", done.stdout, re.M)
    result["sample"] = sample.group(1) if sample else ""
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def measure(name: str, endpoint: str, url: str, body: dict, key: str, mode: str, pid: int, round_: int = 0) -> dict:
    print(f"  ({name}) {endpoint}: warm-up {WARMUP}s, load {SECONDS}s ...", flush=True)
    if WARMUP:
        wrk(url, body, key, mode, WARMUP, f"w{name}{round_}")
    cpu_before = cpu_seconds(pid)
    result = wrk(url, body, key, mode, SECONDS, f"m{name}{round_}")
    # The server's own CPU per request: steadier than req/s on a machine shared with wrk and
    # PostgreSQL, and what a faster path must lower.
    result["cpu_ms"] = (cpu_seconds(pid) - cpu_before) * 1000 / max(1, result["requests"])
    errors = result["failed"] + result["socket_errors"]
    print(f"    {result['rps']:.0f} req/s, p99 {result['p99_us'] / 1000:.1f} ms, {result['cpu_ms']:.3f} ms CPU/request"
          + (f", {errors} ERRORS {result['by_status']} socket={result['socket_errors']}" if errors else ""))
    if result["sample"]:
        print(f"    sample failure: {result['sample']}")
    return result


# ----------------------------------------------------------------------------- report


def median_rounds(rounds: list[dict[str, dict]], endpoints: dict[str, str]) -> dict[str, tuple[str, dict]]:
    """Per endpoint, the round with the median ratio to that round's baseline (for the baseline
    itself, its median req/s), with every round's ratio (`ratios`); on the baseline, the median
    of the rounds' worst-p99 ratios."""
    results = {}
    for name, endpoint in endpoints.items():
        by_ratio = sorted(rounds, key=lambda r: r[name]["rps"] / (1 if name == "d" else r["d"]["rps"]))
        middle = by_ratio[len(by_ratio) // 2]
        chosen = {**middle[name], "ratio": middle[name]["rps"] / middle["d"]["rps"],
                  "ratios": [r[name]["rps"] / r["d"]["rps"] for r in rounds]}
        results[name] = (endpoint, chosen)
    p99_ratios = sorted(max(r[n]["p99_us"] for n in r if n != "d") / r["d"]["p99_us"] for r in rounds)
    worst = sorted(max(r[n]["p99_us"] for n in r if n != "d") for r in rounds)
    results["d"][1]["p99_ratio"] = p99_ratios[len(p99_ratios) // 2]
    results["d"][1]["worst_p99_us"] = worst[len(worst) // 2]
    results["d"][1]["p99_ratios"] = [max(r[n]["p99_us"] for n in r if n != "d") / r["d"]["p99_us"] for r in rounds]
    return results


def report(results: dict[str, tuple[str, dict]], api_mem: dict, bare_mem: dict, load: str) -> str:
    lines = [
        f"## Viperatron bench — {datetime.now(timezone.utc):%Y-%m-%d %H:%M UTC}",
        "",
        "| | endpoint | req/s | p99 ms | ratio vs (d) | ratio by round | target | server CPU ms/request | errors |",
        "|---|---|---:|---:|---:|---|---|---:|---|",
    ]
    any_errors = False
    for name, (endpoint, r) in results.items():
        ratio = r["ratio"]
        target = TARGETS.get(name)
        verdict = f"≥ {target} {'PASS' if ratio >= target else '**FAIL**'}" if target else ""
        errors = r["failed"] + r["socket_errors"]
        any_errors |= bool(errors)
        error_text = "0" if not errors else f"**{errors}** {r['by_status']} socket={r['socket_errors']}"
        by_round = " / ".join(f"{x:.2f}" for x in r["ratios"])
        lines.append(f"| ({name}) | {endpoint} | {r['rps']:.0f} | {r['p99_us'] / 1000:.1f} | {ratio:.2f} "
                     f"| {by_round} | {verdict} | {r['cpu_ms']:.3f} | {error_text} |")
    peak = api_mem["VmHWM"]
    base = results["d"][1]
    p99_ratio = base["p99_ratio"]
    lines += [
        "",
        f"Worst p99 of (a)–(e) vs (d)'s, median of the rounds: **{p99_ratio:.2f}×** "
        f"({' / '.join(f'{x:.2f}' for x in base['p99_ratios'])}) — target ≤ {P99_TARGET}× "
        f"{'PASS' if p99_ratio <= P99_TARGET else '**FAIL**'}.",
        "",
        f"API server RSS: peak (VmHWM) **{peak:.0f} MB**, now {api_mem['VmRSS']:.0f} MB — "
        f"target < {RSS_TARGET_MB} MB {'PASS' if peak < RSS_TARGET_MB else '**FAIL**'}. "
        f"Bare app peak: {bare_mem['VmHWM']:.0f} MB.",
        "",
        f"Setup: PostgreSQL + Redis on 127.0.0.1; both servers `uvicorn {' '.join(UVICORN)}` "
        "(loop/http auto: uvloop + httptools); bare app asyncpg pool max 5 (= Tortoise default). "
        f"Load: `wrk -t{THREADS} -c{CONNECTIONS} -d{SECONDS}s --timeout 10s` after a {WARMUP}s warm-up per endpoint, "
        f"{len(base['ratios'])} rounds; "
        f"wrk, server and PostgreSQL share {os.cpu_count()} cores (1-min load average before the run: {load}). "
        "(c) uses a new email per request (all creates).",
    ]
    if any_errors:
        lines += ["", "**⚠ This run had failed requests: its numbers are not valid.**"]
    return "\n".join(lines) + "\n"


def record_summary(results: dict[str, tuple[str, dict]], peak_mb: float) -> None:
    base = results["d"][1]
    rows = []
    for name, (endpoint, r) in results.items():
        if name == "d":
            continue
        ratio = r["ratio"]
        rows.append(Row(f"{endpoint} vs bare FastAPI + asyncpg (median of {len(r['ratios'])} rounds)",
                        f"{r['rps']:,.0f} req/s", ratio, f"≥ {TARGETS[name]}×", ratio >= TARGETS[name]))
    worst, p99_ratio = base["worst_p99_us"], base["p99_ratio"]
    rows.append(Row("worst p99 vs the baseline's", f"{worst / 1000:.0f} ms", p99_ratio, f"≤ {P99_TARGET}×",
                    p99_ratio <= P99_TARGET))
    rows.append(Row("API server peak RSS", f"{peak_mb:.0f} MB", None, f"< {RSS_TARGET_MB} MB", peak_mb < RSS_TARGET_MB))
    record("http", rows)


def main() -> int:
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install -y wrk")
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda signum, _: sys.exit(128 + signum))
    load = Path("/proc/loadavg").read_text().split()[0]
    env = {**os.environ, "DATABASE_URL": DATABASE_URL, "REDIS_URL": REDIS_URL, "PYTHONUNBUFFERED": "1"}
    try:
        print(f"fresh database {urlsplit(DATABASE_URL).path.lstrip('/')}; migrating ...", flush=True)
        asyncio.run(fresh_database())
        viperatron("migrate", env=env)
        out = viperatron("keys", "create", "--org", "bench", "--per-minute", "100000000",
                         "--per-day", "1000000000", env=env)
        key = re.search(r"et_(?:live|test)_\w+", out).group(0)

        api_port, bare_port = free_port(), free_port()
        api = start_server("api", "bench.serve_api:app", api_port, env)
        bare = start_server("bare", "bench.bare_app:app", bare_port, env)
        api_url, bare_url = f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{bare_port}"
        cases = {  # name: (endpoint, url, body, wrk mode)
            "d": ("bare FastAPI + asyncpg `POST /send`", f"{bare_url}/send", SEND, ""),
            "a": ("REST `POST /api/v1/delivery/send`", f"{api_url}/api/v1/delivery/send", SEND, ""),
            "b": ("GraphQL `sendEmail`", f"{api_url}/graphql", GRAPHQL, "graphql"),
            "c": ("REST `POST /api/v1/contacts`", f"{api_url}/api/v1/contacts", CONTACT, "contacts"),
            "e": ("REST `POST /api/v1/pipelines/events`", f"{api_url}/api/v1/pipelines/events", EVENT, ""),
        }
        for _, url, body, _ in cases.values():
            smoke(url, body, key)
        rounds: list[dict[str, dict]] = []
        for round_ in range(ROUNDS):
            print(f"round {round_ + 1} of {ROUNDS}", flush=True)
            measured = {}
            for name, (endpoint, url, body, mode) in cases.items():
                pid = bare.pid if name == "d" else api.pid
                measured[name] = measure(name, endpoint, url, body, key, mode, pid, round_)
            rounds.append(measured)
        results = median_rounds(rounds, {name: endpoint for name, (endpoint, *_) in cases.items()})
        api_mem = memory_mb(api.pid)
        memory_mb_peak = api_mem["VmHWM"]
        text = report(results, api_mem, memory_mb(bare.pid), load)
    finally:
        stop_all()
    print()
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.md").write_text(text)
    record_summary(results, memory_mb_peak)
    print(f"written to {(RESULTS / 'latest.md').relative_to(ROOT)}")
    return 1 if any(r["failed"] or r["socket_errors"] for _, r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
