"""CPU per request of the API's hot POST paths, served in this process without an HTTP server.

    python -m bench.inprocess [-n 6400] [--paths rest,graphql,contacts] [--rounds 2]

The app (PostgreSQL + Redis, a fresh database) gets ASGI requests straight from 32 concurrent
tasks, as wrk's 32 connections would send them; each path is measured `--rounds` times,
interleaved, after a warm-up. Reported: requests a second and this process's CPU time a request
(`time.process_time`, which leaves out what PostgreSQL, Redis and other processes spend, and
time the host takes the cores away). Without the server, wrk and the baseline sharing the
machine, the CPU figure moves much less than `make bench`'s ratios: use it to compare two
versions of the code, run one after the other.

Env: BENCH_DATABASE_URL, BENCH_REDIS_URL (as bench/run.py).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import time
import uuid

from app.core.settings import Settings
from app.main import create_app
from bench.run import CONTACT, DATABASE_URL, GRAPHQL, REDIS_URL, SEND, fresh_database, viperatron

CONCURRENCY = 32
PATHS = {  # name: (path, body for request i)
    "rest": ("/api/v1/delivery/send", lambda i: SEND),
    "graphql": ("/graphql", lambda i: GRAPHQL),
    "contacts": ("/api/v1/contacts", lambda i: {**CONTACT, "email": f"c{i}-{uuid.uuid4().hex[:8]}@example.com"}),
}


async def _request(app, key: str, path: str, body: bytes, statuses: dict[int, int]) -> None:
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
        "headers": [(b"host", b"bench"), (b"content-type", b"application/json"),
                    (b"authorization", f"Bearer {key}".encode()), (b"content-length", str(len(body)).encode())],
        "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
    }
    messages = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict:
        if messages:
            return messages.pop()
        await asyncio.Event().wait()  # the client never disconnects
        return {}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            statuses[message["status"]] = statuses.get(message["status"], 0) + 1

    await app(scope, receive, send)


async def _load(app, key: str, name: str, count: int, start: int) -> tuple[float, float, dict[int, int]]:
    """(requests a second, CPU µs a request, statuses) for `count` requests of one path."""
    path, body_of = PATHS[name]
    statuses: dict[int, int] = {}
    per_task = count // CONCURRENCY

    async def task(k: int) -> None:
        for j in range(per_task):
            body = json.dumps(body_of(start + k * per_task + j)).encode()
            await _request(app, key, path, body, statuses)

    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(task(k) for k in range(CONCURRENCY)))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    done = per_task * CONCURRENCY
    return done / wall, cpu * 1e6 / done, statuses


async def _bench(names: list[str], count: int, rounds: int, key: str) -> None:
    app = create_app(Settings.from_env())
    async with app.router.lifespan_context(app):
        for name in names:  # warm-up: caches, prepared statements, pool
            await _load(app, key, name, CONCURRENCY * 20, 10_000_000)
        print("| path | round | req/s | CPU µs a request | statuses |")
        print("|---|---:|---:|---:|---|")
        for round_no in range(1, rounds + 1):
            for name in names:
                rate, cpu, statuses = await _load(app, key, name, count, round_no * 1_000_000)
                print(f"| {name} | {round_no} | {rate:,.0f} | {cpu:,.0f} | {statuses} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=6400, help="requests per path and round")
    parser.add_argument("--paths", default="rest,graphql,contacts")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    names = [n for n in args.paths.split(",") if n]
    unknown = set(names) - set(PATHS)
    if unknown:
        raise SystemExit(f"unknown paths: {', '.join(sorted(unknown))} (known: {', '.join(PATHS)})")
    os.environ.update(DATABASE_URL=DATABASE_URL, REDIS_URL=REDIS_URL)  # the app's settings read them
    asyncio.run(fresh_database())
    viperatron("migrate", env=dict(os.environ))
    out = viperatron("keys", "create", "--org", "bench", "--per-minute", "100000000", "--per-day", "1000000000",
                     env=dict(os.environ))
    key = re.search(r"et_(?:live|test)_\w+", out).group(0)
    asyncio.run(_bench(names, args.n, args.rounds, key))


if __name__ == "__main__":
    main()
