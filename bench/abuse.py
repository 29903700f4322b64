"""`make bench-abuse`: does one organization's hostile traffic slow another's requests?

The real server (`viperatron serve`, worker in-process) on a fresh PostgreSQL database with
Redis (or SQLite with `--sqlite`). The victim is organization B listing one contact
(`GET /api/v1/contacts?limit=1`), a few times a second. It is measured with no other
traffic, then while organization A (and an unauthenticated caller) does each of these, from
another process, and then all of them at once:

- an unauthenticated 1 MiB GraphQL query, over and over;
- a 100-alias `contacts(first: 100) { events(first: 100) }` GraphQL query;
- a send whose template nests two `range(100000)` loops;
- events that start automation runs whose webhook receiver drips one byte every 3 s.

The attacker runs on one core (the last one), so it cannot take the whole machine from the
server as it could not from another machine. Prints the victim's median and p99 in each phase and the p99's ratio to the idle p99 (target:
≤ 3×), and what the abusive requests got back.

Env: BENCH_DATABASE_URL (a database of that name is dropped and created), BENCH_REDIS_URL,
BENCH_PHASE_SECONDS (8).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/viperatron_bench_abuse")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
PHASE_SECONDS = float(os.environ.get("BENCH_PHASE_SECONDS", "8"))
VICTIM_INTERVAL = 0.05  # 20 victim requests a second
TARGET_RATIO = 3.0

UNAUTHENTICATED_QUERY = "{ " + "viewer { organization { id } } " * 34_000 + "}"  # ~1 MiB
NESTED_QUERY = "{ %s }" % " ".join(
    f"a{i}: contacts(first: 100) {{ edges {{ node {{ id events(first: 100) {{ edges {{ node {{ id }} }} }} }} }} }}"
    for i in range(100)
)
KINDS = {
    "unauthenticated": "unauthenticated 1 MiB query",
    "nested": "100-alias nested query",
    "template": "nested-loop template",
    "webhook": "slow webhook receiver",
}
LOOP_TEMPLATE = "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ----------------------------------------------------------------------------- the slow receiver


async def drip_receiver(port: int) -> asyncio.base_events.Server:
    """An HTTP receiver that reads the request, then answers one byte every 3 s."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
            for _ in range(1000):
                await writer.drain()
                await asyncio.sleep(3)
                writer.write(b"x")
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:
            # The benchmark is over and its loop closes with this reply half sent. Ending
            # normally spares a traceback per connection: Python 3.11's stream callback asks
            # a cancelled handler for its exception, which raises again.
            pass
        finally:
            writer.close()

    return await asyncio.start_server(handle, "127.0.0.1", port)


# ----------------------------------------------------------------------------- abusers


async def _loop(name: str, stop_at: float, call, outcomes: Counter, parallel: int = 2) -> None:
    async def one() -> None:
        while time.monotonic() < stop_at:
            try:
                outcomes[f"{name}: {await call()}"] += 1
            except httpx.HTTPError as exc:
                outcomes[f"{name}: {type(exc).__name__}"] += 1

    await asyncio.gather(*(one() for _ in range(parallel)))


def _attacker_cpus() -> set[int]:
    """One core: the attacker cannot take the whole machine from the server, as it could not
    from another machine (the server, the victim and the databases may use every core)."""
    return {sorted(os.sched_getaffinity(0))[-1]}


def abuse(base: str, key_a: str, kinds: list[str], seconds: float, results) -> None:
    """Runs in its own process, on one core, so its client work does not share the victim's
    event loop and leaves the server at least the other cores."""
    os.sched_setaffinity(0, _attacker_cpus())

    async def main() -> None:
        outcomes: Counter = Counter()
        headers = {"Authorization": f"Bearer {key_a}"}
        stop_at = time.monotonic() + seconds
        async with httpx.AsyncClient(base_url=base, timeout=60) as client:

            # Bodies encoded once: the generator shares the machine with the server, and 1 MiB of
            # JSON encoding per request would be its own load, not the server's.
            json_type = {"Content-Type": "application/json"}
            unauthenticated_body = json.dumps({"query": UNAUTHENTICATED_QUERY}).encode()
            nested_body = json.dumps({"query": NESTED_QUERY}).encode()

            async def unauthenticated() -> int:
                return (await client.post("/graphql", content=unauthenticated_body, headers=json_type)).status_code

            async def nested() -> str:
                response = await client.post("/graphql", content=nested_body, headers={**headers, **json_type})
                errors = response.json().get("errors") or [{}]
                return f"{response.status_code} {errors[0].get('extensions', {}).get('code', 'ok')}"

            async def template() -> str:
                body = {"to": "someone@example.com", "from": "a@acme.com", "subject": "loops", "html": LOOP_TEMPLATE}
                response = await client.post("/api/v1/delivery/send", json=body, headers=headers)
                details = response.json().get("error", {}).get("details") or [{}]
                return f"{response.status_code} {details[0].get('code', '')}".strip()

            async def slow_webhook() -> int:
                events = [{"email": f"drip{i}@example.com", "eventType": "drip"} for i in range(20)]
                response = await client.post("/api/v1/pipelines/events/batch", json={"events": events}, headers=headers)
                await asyncio.sleep(1)
                return response.status_code

            calls = {"unauthenticated": unauthenticated, "nested": nested, "template": template, "webhook": slow_webhook}
            await asyncio.gather(*(_loop(kind, stop_at, calls[kind], outcomes) for kind in kinds))
        results.put(dict(outcomes))

    asyncio.run(main())


# ----------------------------------------------------------------------------- the victim


async def victim(base: str, key_b: str, seconds: float) -> list[float]:
    latencies = []
    headers = {"Authorization": f"Bearer {key_b}"}
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        stop_at = time.monotonic() + seconds
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            response = await client.get("/api/v1/contacts", params={"limit": 1}, headers=headers)
            latencies.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.text
            await asyncio.sleep(VICTIM_INTERVAL)
    return latencies


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]


async def phase(base: str, key_a: str, key_b: str, kinds: list[str]) -> tuple[list[float], dict]:
    results: multiprocessing.Queue = multiprocessing.Queue()
    process = None
    if kinds:
        process = multiprocessing.Process(target=abuse, args=(base, key_a, kinds, PHASE_SECONDS, results))
        process.start()
        await asyncio.sleep(1)  # let the abuse start before measuring
    latencies = await victim(base, key_b, PHASE_SECONDS - (1 if kinds else 0))
    outcomes = {}
    if process is not None:
        outcomes = await asyncio.to_thread(results.get, True, 120)
        process.join()
    return latencies, outcomes


# ----------------------------------------------------------------------------- setup


def run(cmd: list[str], env: dict) -> str:
    return subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout.strip()


async def fresh_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


async def seed(base: str, key_a: str, key_b: str, receiver_port: int) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        a, b = {"Authorization": f"Bearer {key_a}"}, {"Authorization": f"Bearer {key_b}"}
        for i in range(5):
            await client.post("/api/v1/contacts", json={"email": f"victim{i}@example.com"}, headers=b)
        # A: enough contacts and events for the nested query to have work to do
        for start in range(0, 200, 100):
            events = [{"email": f"c{i}@example.com", "eventType": "seen"} for i in range(start, start + 100)]
            response = await client.post("/api/v1/pipelines/events/batch", json={"events": events}, headers=a)
            response.raise_for_status()
        automation = {
            "name": "drip", "enabled": True, "trigger": {"eventType": "drip"},
            "steps": [{"type": "webhook", "url": f"http://127.0.0.1:{receiver_port}/hook"}],
        }
        response = await client.post("/api/v1/automations", json=automation, headers=a)
        response.raise_for_status()


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", action="store_true", help="SQLite and the in-process limiter")
    parser.add_argument("--only", nargs="*", choices=KINDS, help="run only these kinds of abuse")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="viperatron-abuse-"))
    env = {**os.environ, "OUTBOX_DIR": str(tmp / "outbox"), "VIPERATRON_WEBHOOK_ALLOW_PRIVATE": "true"}
    env.pop("SMTP_URL", None)
    if args.sqlite:
        env["DATABASE_URL"] = f"sqlite://{tmp / 'abuse.db'}"
        env.pop("REDIS_URL", None)
    else:
        await fresh_database(DATABASE_URL)
        env.update(DATABASE_URL=DATABASE_URL, REDIS_URL=REDIS_URL)
    viperatron = [sys.executable, "-m", "app.cli"]
    run([*viperatron, "migrate"], env)
    key_a = run([*viperatron, "keys", "create", "--org", "abuser", "--per-minute", "1000000", "--per-day", "10000000"], env)
    key_b = run([*viperatron, "keys", "create", "--org", "victim", "--per-minute", "1000000", "--per-day", "10000000"], env)

    receiver_port, port = free_port(), free_port()
    receiver = await drip_receiver(receiver_port)
    server = subprocess.Popen(
        [*viperatron, "serve", "--port", str(port), "--no-migrate"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=open(tmp / "server.log", "wb"), start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
        await seed(base, key_a, key_b, receiver_port)

        kinds = args.only or list(KINDS)
        phases = [("idle", []), *((KINDS[kind], [kind]) for kind in kinds), ("all at once", kinds)]
        rows, idle_p99 = [], None
        for name, kinds in phases:
            latencies, outcomes = await phase(base, key_a, key_b, kinds)
            median, tail = statistics.median(latencies), p99(latencies)
            idle_p99 = idle_p99 or tail
            rows.append((name, len(latencies), median, tail, tail / idle_p99, outcomes))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        receiver.close()

    backend = "SQLite, in-process limiter" if args.sqlite else "PostgreSQL + Redis"
    print(f"\nVictim: organization B, GET /api/v1/contacts?limit=1 every {VICTIM_INTERVAL * 1000:.0f} ms ({backend}, "
          f"{PHASE_SECONDS:g} s a phase)\n")
    print("| abuse (organization A) | victim requests | median ms | p99 ms | p99 / idle p99 | abusive requests got |")
    print("|---|---:|---:|---:|---:|---|")
    worst = 0.0
    for name, count, median, tail, ratio, outcomes in rows:
        got = ", ".join(f"{k} ×{v}" for k, v in sorted(outcomes.items())) or "—"
        print(f"| {name} | {count} | {median:.1f} | {tail:.1f} | {ratio:.2f}× | {got} |")
        worst = max(worst, ratio)
    verdict = "met" if worst <= TARGET_RATIO else "MISSED"
    print(f"\nWorst p99 ratio {worst:.2f}× (target ≤ {TARGET_RATIO:g}×): {verdict}")
    return 0 if worst <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
