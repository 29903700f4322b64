"""Where a delivery worker's time goes: `app.engines.worker.Worker` run in-process, instrumented.

    python -m bench.profile_worker [-n 3000] [--concurrency 4] [--cprofile]

Same set-up as `bench/delivery.py` (fresh PostgreSQL database, SMTP sink in its own process,
N `queued` messages), but the worker runs inside this process so its steps can be timed
without touching app/ (the names the worker calls are wrapped at run time):

  wall time   per step: calls, mean latency, and the share of the run during which the ONE
              claim loop (`Worker.run` -> `_claim`: the exchange statement that records finishes
              and claims, then starting tasks) was busy — the serial part of a worker; the
              deliveries run `concurrency` at once.
  CPU         with --cprofile, a second pass under cProfile: CPU per step as % of the
              process's profiled time (the rest is the event loop, asyncpg/aiosmtplib protocol
              callbacks, socket I/O).
  py-spy      with --py-spy PATH (e.g. /tmp/pyspy-venv/bin/py-spy), a pass with a real
              `viperatron worker` subprocess sampled by py-spy (--idle --nonblocking, 250 Hz): samples by
              step, split into on-CPU and waiting (epoll). Least distorted of the three.

Env: BENCH_PROFILE_DATABASE_URL (postgres://postgres@127.0.0.1:5432/viperatron_bench_profile).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import sys
import time
from collections import defaultdict
from datetime import datetime, timedelta, timezone

import bench.delivery as d

d.DATABASE_URL = os.environ.get(
    "BENCH_PROFILE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/viperatron_bench_profile"
)


class Timings:
    def __init__(self) -> None:
        self.calls: dict[str, int] = defaultdict(int)
        self.seconds: dict[str, float] = defaultdict(float)
        self.items: dict[str, int] = defaultdict(int)

    def wrap_async(self, name: str, fn, count=None):
        async def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                result = await fn(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - start
                self.calls[name] += 1
            if count:
                self.items[name] += count(result)
            return result

        return wrapper

    def wrap_sync(self, name: str, fn):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - start
                self.calls[name] += 1

        return wrapper


def instrument(timings: Timings, worker, done: asyncio.Event, n: int):
    """Wrap the worker's steps; returns an undo function."""
    import app.engines.delivery_queue as queue
    import app.engines.worker as w

    saved = {
        (queue, "exchange"): queue.exchange,
        (w, "build"): w.build,
        (w, "_outgoing"): w._outgoing,
    }
    finished = [0]
    original_exchange = queue.exchange

    async def exchange(*args, **kwargs):
        result = await original_exchange(*args, **kwargs)
        finished[0] += sum(result.recorded)
        timings.items["finishes recorded"] += sum(result.recorded)
        if finished[0] >= n:
            done.set()
        return result

    queue.exchange = timings.wrap_async("exchange SQL (finish + claim)", exchange, count=lambda r: len(r.claimed))
    w.build = timings.wrap_sync("mime.build", w.build)
    w._outgoing = timings.wrap_async("_outgoing (row -> OutgoingEmail)", w._outgoing)
    worker.transport.send = timings.wrap_async("transport.send (SMTP)", worker.transport.send)
    worker._claim = timings.wrap_async("_claim (whole claim step)", worker._claim, count=int)

    def undo():
        for (module, name), value in saved.items():
            setattr(module, name, value)

    return undo


async def sample_slots(worker, timings: Timings, every: float = 0.002) -> None:
    """Every `every` s: sends running and claims held ready (`Slots`' own counts), for how full
    the slots were kept; from the first claim on."""
    slots = worker._slots
    while not slots.tasks:
        await asyncio.sleep(every)
    while True:
        running, ready = len(slots.tasks), len(slots._ready)
        timings.items["samples"] += 1
        timings.items["running"] += running
        timings.items["ready"] += ready
        timings.items["starved"] += running < worker.concurrency and ready == 0
        await asyncio.sleep(every)


async def one_pass(settings, n: int, concurrency: int, org: str, key: str, sink, profiler=None) -> dict:
    from app.engines.worker import Worker

    await d.empty_queue()
    sink.reset()
    await d.insert_queued(n, org, key, datetime.now(timezone.utc) - timedelta(seconds=1))
    await d.sql("ANALYZE messages, message_recipients, message_events")
    worker = Worker(settings, concurrency=concurrency)
    timings = Timings()
    done = asyncio.Event()
    undo = instrument(timings, worker, done, n)
    cpu0, wall0 = sum(os.times()[:2]), time.perf_counter()
    if profiler:
        profiler.enable()
    task = asyncio.create_task(worker.run())
    occupancy = asyncio.create_task(sample_slots(worker, timings))
    try:
        await asyncio.wait_for(done.wait(), timeout=max(120, n / 10))
    finally:
        occupancy.cancel()
        if profiler:
            profiler.disable()
        wall = time.perf_counter() - wall0
        cpu = sum(os.times()[:2]) - cpu0
        worker.stop()
        await task
        undo()
    stats = sink.stats()
    return {"wall": wall, "cpu": cpu, "timings": timings, "received": stats["count"], "dups": stats["duplicates"]}


def print_wall(result: dict, n: int, concurrency: int) -> None:
    t: Timings = result["timings"]
    wall = result["wall"]
    print(f"\n### wall time, concurrency {concurrency}: {n / wall:.0f} msg/s, {wall:.2f} s, "
          f"worker process CPU {100 * result['cpu'] / wall:.0f} % of one core "
          f"({1e6 * result['cpu'] / n:.0f} µs/msg); sink got {result['received']}, dups {result['dups']}")
    claims = t.calls["_claim (whole claim step)"]
    claimed = t.items["_claim (whole claim step)"]
    exchanges = t.calls["exchange SQL (finish + claim)"]
    print(f"claim steps: {claims} ({claimed} messages claimed, {claimed / max(claims, 1):.2f} per step; "
          f"{t.items['finishes recorded'] / max(exchanges, 1):.2f} finishes recorded per exchange)")
    samples = max(t.items["samples"], 1)
    print(f"slots (sampled every 2 ms): {t.items['running'] / samples:.2f} of {concurrency} sending on average, "
          f"{t.items['ready'] / samples:.2f} claims held ready; a slot free with none ready "
          f"{100 * t.items['starved'] / samples:.0f} % of the time")
    print("| step | calls | mean ms | sum s | sum / wall |")
    print("|---|---:|---:|---:|---:|")
    for name in ("_claim (whole claim step)", "exchange SQL (finish + claim)", "_outgoing (row -> OutgoingEmail)",
                 "mime.build", "transport.send (SMTP)"):
        calls, seconds = t.calls[name], t.seconds[name]
        print(f"| {name} | {calls} | {1000 * seconds / max(calls, 1):.2f} | {seconds:.2f} | {100 * seconds / wall:.0f} % |")
    rest = t.seconds["_claim (whole claim step)"] - t.seconds["exchange SQL (finish + claim)"]
    print(f"| starting tasks, publishing (= _claim − exchange) | {claims} | "
          f"{1000 * rest / max(claims, 1):.2f} | {rest:.2f} | {100 * rest / wall:.0f} % |")
    print("(_claim rows are the serial claim loop: its 'sum / wall' is how busy that loop was; "
          "the other steps overlap across the concurrent deliveries)")


def print_cpu(profiler: cProfile.Profile, n: int) -> None:
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    groups = {  # (file suffix, function name) -> label; inclusive (cumulative) times
        ("app/engines/delivery_queue.py", "exchange"): "exchange SQL (incl. asyncpg call)",
        ("app/engines/worker.py", "_claim"): "_claim (whole claim step)",
        ("app/engines/worker.py", "_outgoing"): "_outgoing",
        ("app/engines/mime.py", "build"): "mime.build",
        ("app/engines/transports.py", "send"): "transport.send (SMTP client side)",
    }
    found: dict[str, float] = {}
    for (filename, _, function), (_, _, _, cumtime, _) in stats.stats.items():
        for (suffix, name), label in groups.items():
            if function == name and filename.endswith(suffix):
                found[label] = found.get(label, 0.0) + cumtime
    print(f"\n### CPU (cProfile, deterministic; its own overhead inflates small calls): "
          f"{total:.2f} s profiled, {1e6 * total / n:.0f} µs/msg")
    print("| step | s | % of profiled |")
    print("|---|---:|---:|")
    for label in groups.values():
        print(f"| {label} | {found.get(label, 0):.2f} | {100 * found.get(label, 0) / total:.0f} % |")
    claim_rest = found.get("_claim (whole claim step)", 0) - found.get("exchange SQL (incl. asyncpg call)", 0)
    print(f"| ↳ starting tasks, publishing (= _claim − exchange) | {claim_rest:.2f} "
          f"| {100 * claim_rest / total:.0f} % |")
    accounted = sum(found.get(k, 0) for k in groups.values() if k != "exchange SQL (incl. asyncpg call)")
    print(f"| rest: event loop, protocol callbacks (asyncpg/aiosmtplib data_received), other "
          f"| {total - accounted:.2f} | {100 * (total - accounted) / total:.0f} % |")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
    print("\ntop 25 by own time:\n" + "\n".join(out.getvalue().splitlines()[6:]))


def classify(stack: str) -> str:
    """A py-spy collapsed stack ("frame;frame;…", root first) -> the worker step it belongs to."""
    def has(name: str, path: str) -> bool:
        return f"{name} ({path}" in stack

    if "select (selectors.py" in stack.rsplit(";", 1)[-1]:
        return "waiting in epoll (idle)"
    if has("_claim", "app/engines/worker.py"):
        if has("exchange", "app/engines/delivery_queue.py"):
            return "exchange SQL (finish + claim)"
        return "claim loop: starting tasks, publishing"
    for name, path, label in (
        ("build", "app/engines/mime.py", "mime.build"),
        ("_outgoing", "app/engines/worker.py", "_outgoing"),
        ("send", "app/engines/transports.py", "transport.send (SMTP client)"),
        ("suppress", "schema/suppressions/resolvers.py", "suppress (bounces)"),
    ):
        if has(name, path):
            return label
    if "asyncpg" in stack:
        return "event loop: asyncpg protocol callbacks"
    if "aiosmtplib" in stack:
        return "event loop: aiosmtplib protocol callbacks"
    if "_run_once" in stack:
        return "event loop: scheduling, socket I/O, other"
    return "other (outside the event loop)"


async def py_spy_pass(py_spy: str, n: int, concurrency: int, org: str, key: str, sink, env: dict) -> None:
    import subprocess
    from collections import Counter

    await d.empty_queue()
    sink.reset()
    (worker,) = d.start_workers(1, concurrency, {**env, "VIPERATRON_IDLE_POLL_SECONDS": "0.05"}, f"pyspy-c{concurrency}")
    out = d.RESULTS / f"pyspy-c{concurrency}.txt"
    try:
        spy = subprocess.Popen([py_spy, "record", "--pid", str(worker.pid), "--idle", "--nonblocking", "--rate", "250",
                                "--format", "raw", "--output", str(out)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        d._procs.append(spy)
        await asyncio.sleep(1.0)  # py-spy attached
        t0 = time.time() + 2.0 + n / 2000
        await d.insert_queued(n, org, key, datetime.fromtimestamp(t0, timezone.utc))
        await asyncio.sleep(t0 - time.time())
        start = time.time()
        while sink.stats()["count"] < n:
            await asyncio.sleep(0.01)
        wall = time.time() - start
        await asyncio.sleep(0.05)
    finally:
        spy.send_signal(2)  # SIGINT: py-spy writes the file
        spy.wait(timeout=30)
        d.stop(worker)
    samples: Counter[str] = Counter()
    for line in out.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if "_run_once" in stack or "Worker" in stack:
            samples[classify(stack)] += int(count)
    total = sum(samples.values())
    busy = total - samples["waiting in epoll (idle)"]
    print(f"\n### py-spy, one `viperatron worker --concurrency {concurrency}` subprocess: {n / wall:.0f} msg/s "
          f"while sampled; samples whole recording (incl. ~3 s idle before T0)")
    print("| step | samples | % of on-CPU |")
    print("|---|---:|---:|")
    for label, count in samples.most_common():
        share = f"{100 * count / busy:.0f} %" if label != "waiting in epoll (idle)" else "(idle)"
        print(f"| {label} | {count} | {share} |")
    print(f"(raw stacks: {out})")


async def run(args) -> int:
    from app.core import db
    from app.core.settings import Settings
    from app.web.keys import create_key

    await d.fresh_database(args.synchronous_commit)
    initialized = False
    try:
        settings = Settings(database_url=d.DATABASE_URL)
        await db.migrate(settings)
        await db.init_db(settings)
        initialized = True
        for statement in args.sql:
            await d.sql(statement)
        key, _ = await create_key("bench", settings, name="profile")
        sink = d.SinkProcess()
        settings = Settings(database_url=d.DATABASE_URL, smtp_url=f"smtp://127.0.0.1:{sink.port}",
                            idle_poll_seconds=0.05)
        for concurrency in [int(c) for c in args.concurrency.split(",")]:
            result = await one_pass(settings, args.messages, concurrency, key.organization_id, key.id, sink)
            print_wall(result, args.messages, concurrency)
            if args.cprofile:
                profiler = cProfile.Profile()
                result = await one_pass(settings, args.messages, concurrency, key.organization_id, key.id, sink,
                                        profiler)
                print(f"\n(cProfile pass: {args.messages / result['wall']:.0f} msg/s under the profiler)")
                print_cpu(profiler, args.messages)
            if args.py_spy:
                env = {k: v for k, v in os.environ.items() if not k.startswith("VIPERATRON_")}
                env.update(DATABASE_URL=d.DATABASE_URL, SMTP_URL=settings.smtp_url, PYTHONUNBUFFERED="1")
                await py_spy_pass(args.py_spy, args.messages, concurrency, key.organization_id, key.id, sink, env)
    finally:
        d.stop_all()
        if initialized:
            await db.close_db()
        await d.drop_database()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_worker")
    parser.add_argument("--messages", "-n", type=int, default=3000)
    parser.add_argument("--concurrency", default="4", help="comma-separated, e.g. 4,8")
    parser.add_argument("--cprofile", action="store_true", help="add a pass under cProfile (CPU by step)")
    parser.add_argument("--py-spy", metavar="PATH", help="py-spy executable: add a sampled subprocess pass")
    parser.add_argument("--synchronous-commit", choices=["on", "off"], default=None)
    parser.add_argument("--sql", action="append", default=[], metavar="STATEMENT",
                        help="extra SQL run after migrating (experiments, e.g. an index); repeatable")
    args = parser.parse_args()
    try:
        return asyncio.run(run(args))
    finally:
        d.stop_all()


if __name__ == "__main__":
    sys.exit(main())
