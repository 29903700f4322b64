"""Dashboard first screen in headless Chromium over 1,000,000 events, on PostgreSQL + Redis.

    python -m bench.dashboard [-e 1000000] [-c 100000] [-m 100000] [-a 10000] [--runs 5] [--keep-db] [--reuse-db]

Setup (bench/analytics.py's loader, raw asyncpg COPY): organization `bench` with C contacts, E
events over the last 365 days, M messages and A messages sent by 3 automations; a second
organization `noise` with a tenth of each; VACUUM ANALYZE. Then one `viperatron serve
--no-worker` process (one uvicorn process; no in-process delivery worker, which would start
sending the seeded queued messages) and Debian's headless `chromium` driven over the DevTools
protocol (tests/support/browser.py's client), with the organization's API key put in
localStorage `viperatron:apiKey` before the page's scripts run.

Per page, --runs times each:
- cold: a new Chromium process with a fresh profile (empty HTTP cache, nothing compiled);
- warm: the same tab again, after one untimed visit (HTTP cache filled, as on a reload).

Time = from navigation start (the page's `performance.timeOrigin`) to the first moment the
screen is usable, as seen by a MutationObserver installed before the page's scripts:
- `/dashboard` (redirects to Messages): the Messages table has rows (`main table.list tbody tr`);
- `/dashboard/analytics` (30 days by day, the default): the totals and the charts are drawn
  (`#messages-total` and a `canvas` in `#chart-events`).
GraphQL server time = for each POST /graphql of the visit, the time from the request sent to
the response headers (DevTools `responseReceived` timing: `receiveHeadersEnd - sendEnd`; the
server answers a GraphQL request in one piece, so this is its time plus loopback).
Target: median < 1000 ms. Prints a Markdown table and writes it to bench/results/dashboard.md.

Env: BENCH_DASHBOARD_DATABASE_URL (postgres://postgres@127.0.0.1:5432/viperatron_bench_dashboard),
BENCH_REDIS_URL (redis://127.0.0.1:6379/0), CHROMIUM (a chromium binary).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg

from bench import analytics as seed
from bench.summary import Row, record

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DATABASE_URL = os.environ.get(
    "BENCH_DASHBOARD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/viperatron_bench_dashboard"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
TARGET_MS = 1000
KEY_STORE = "viperatron:apiKey"

# What "usable" means per page: a JS expression true once the first screen is there.
PAGES = {
    "Messages (`/dashboard`, the first screen)": (
        "/dashboard",
        "location.pathname === '/dashboard/messages' && document.querySelectorAll('main table.list tbody tr').length > 0",
    ),
    "Analytics (`/dashboard/analytics`, 30 days)": (
        "/dashboard/analytics",
        "!!document.querySelector('#messages-total') && !!document.querySelector('#chart-events canvas')",
    ),
}


def watcher(key: str) -> str:
    """Run before any script of each document: the key in localStorage, and a MutationObserver
    that stamps `window.__usable` (ms since navigation start) when the page's condition first holds."""
    conditions = json.dumps({path: cond for path, cond in PAGES.values()})
    return f"""
(() => {{
  try {{ localStorage.setItem({json.dumps(KEY_STORE)}, {json.dumps(key)}); }} catch (e) {{}}
  const conditions = Object.values({conditions}).map((c) => new Function("return (" + c + ");"));
  const check = () => {{
    if (window.__usable !== undefined) return;
    if (conditions.some((c) => {{ try {{ return c(); }} catch (e) {{ return false; }} }})) {{
      window.__usable = performance.now();
      observer.disconnect();
    }}
  }};
  const observer = new MutationObserver(check);
  observer.observe(document, {{ childList: true, subtree: true, attributes: true }});
}})();
"""


# ----------------------------------------------------------------------------- data


async def prepare(args) -> tuple[str, datetime]:
    """Fresh (or reused) database with the data loaded: the organization's API key."""
    from app.core import db
    from app.core.settings import Settings
    from app.web.keys import create_key
    from schema.analytics.resolvers import rebuild_event_rollups

    seed.DATABASE_URL = DATABASE_URL  # its admin helpers read the module's URL
    name = seed.database_name()
    reuse = args.reuse_db and await seed.database_exists(name)
    if not reuse:
        await seed.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await seed.admin(f'CREATE DATABASE "{name}"')
    settings = Settings(database_url=DATABASE_URL, redis_url=None)
    try:
        await db.migrate(settings)
        await db.init_db(settings)
        key, plaintext = await create_key("bench", settings, name="dashboard bench", per_minute=10**6, per_day=10**9)
        conn = await asyncpg.connect(DATABASE_URL)
        try:
            if reuse:
                now = await conn.fetchval("SELECT max(created_at) FROM contacts")
                print(f"  reusing {name} (data up to {now.isoformat()})", flush=True)
            else:
                noise, _ = await create_key("noise", settings, name="dashboard bench")
                now = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
                start = time.perf_counter()
                await seed.load(conn, key.organization_id, args.contacts, args.events, args.messages,
                                args.automation_messages, now)
                await seed.load(conn, noise.organization_id, args.contacts // 10, args.events // 10,
                                args.messages // 10, args.automation_messages // 10, now)
                # COPY bypasses ingestion, which keeps the event rollups the analytics read: rebuilt
                # from the loaded events (`viperatron analytics rebuild`'s resolver), as bench.analytics does.
                print(f"\n  loaded in {time.perf_counter() - start:.0f} s; rebuilding the rollups ...", flush=True)
                await rebuild_event_rollups([key.organization_id, noise.organization_id])
                print("  VACUUM ANALYZE ...", flush=True)
                await conn.execute("VACUUM ANALYZE contacts, contact_tags, events, messages, automations, event_rollups")
        finally:
            await conn.close()
    finally:
        await db.close_db()
    return plaintext, now


# ----------------------------------------------------------------------------- processes


def start_server(port: int, log: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("SMTP_URL",)}
    env.update(DATABASE_URL=DATABASE_URL, REDIS_URL=REDIS_URL, PYTHONUNBUFFERED="1",
               PYTHONPATH=str(ROOT),  # this checkout's code, even when .venv is another checkout's
               VIPERATRON_SECRET_KEY=os.environ.get("VIPERATRON_SECRET_KEY") or "bench-dashboard-" + "x" * 40)
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "viperatron"), "serve", "--no-worker", "--port", str(port)],
        cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=open(log, "wb"),
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"viperatron serve exited with {proc.returncode}; see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return proc
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"viperatron serve did not answer /healthz within 60 s; see {log}")


class Browser:
    """One headless Chromium with a fresh profile, and its one tab (tests/support/browser.py's Page)."""

    def __init__(self, chromium: str, key: str):
        from tests.support.browser import CHROMIUM_FLAGS, Page

        self.profile = Path(tempfile.mkdtemp(prefix="viperatron-bench-chromium-"))
        self.proc = subprocess.Popen(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        port_file = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        ws_url = None
        while ws_url is None:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise SystemExit("Chromium did not start (or exited)")
            try:
                port = int(port_file.read_text().splitlines()[0])
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as resp:
                    ws_url = next((t["webSocketDebuggerUrl"] for t in json.load(resp) if t.get("type") == "page"), None)
            except (OSError, ValueError, IndexError):
                pass
            if ws_url is None:
                time.sleep(0.1)
        self.page = Page(ws_url)
        self.page.call("Network.setCacheDisabled", cacheDisabled=False)  # Page disables it for tests
        self.page.call("Emulation.setDeviceMetricsOverride", width=1400, height=1000, deviceScaleFactor=1,
                       mobile=False)
        self.page.call("Page.addScriptToEvaluateOnNewDocument", source=watcher(key))
        self.responses: dict[str, dict] = {}

    def close(self) -> None:
        from tests.support.browser import _stop

        self.page.close()
        _stop(self.proc)
        shutil.rmtree(self.profile, ignore_errors=True)

    def visit(self, url: str, condition: str) -> tuple[float, list[float]]:
        """Navigate; ms from navigation start to usable, and the server ms of each POST /graphql."""
        page = self.page
        page.call("Page.navigate", url="about:blank")
        page.requests.clear()
        received: list[dict] = []
        original = page._event

        def record(msg: dict) -> None:
            if msg.get("method") == "Network.responseReceived":
                received.append(msg["params"])
            original(msg)

        page._event = record
        try:
            page.call("Page.navigate", url=url)
            deadline = time.monotonic() + 60
            while (usable := page.js("window.__usable")) is None:
                if time.monotonic() > deadline:
                    raise SystemExit(f"{url}: not usable after 60 s ({condition}); page: "
                                     f"{page.js('document.body && document.body.innerText.slice(0, 300)')!r}")
                time.sleep(0.02)
            if page.console_errors:
                raise SystemExit(f"{url}: JavaScript errors: {page.console_errors}")
            posts = {r["requestId"] for r in page.requests
                     if r["request"]["method"] == "POST" and r["request"]["url"].endswith("/graphql")}
            server = []
            for response in received:
                if response["requestId"] in posts:
                    timing = response["response"].get("timing") or {}
                    server.append(timing.get("receiveHeadersEnd", 0) - timing.get("sendEnd", 0))
                    if response["response"]["status"] != 200:
                        raise SystemExit(f"{url}: POST /graphql answered {response['response']['status']}")
            return usable, server
        finally:
            page._event = original


# ----------------------------------------------------------------------------- main


def measure(chromium: str, key: str, origin: str, runs: int) -> list[tuple]:
    rows = []
    for label, (path, condition) in PAGES.items():
        url = origin + path
        cold, cold_server = [], []
        for _ in range(runs):
            browser = Browser(chromium, key)
            try:
                usable, server = browser.visit(url, condition)
            finally:
                browser.close()
            cold.append(usable)
            cold_server.append(server)
        browser = Browser(chromium, key)
        warm, warm_server = [], []
        try:
            browser.visit(url, condition)  # fills the HTTP cache
            for _ in range(runs):
                usable, server = browser.visit(url, condition)
                warm.append(usable)
                warm_server.append(server)
        finally:
            browser.close()
        for mode, times, servers in (("cold", cold, cold_server), ("warm", warm, warm_server)):
            median = statistics.median(times)
            queries = len(servers[0])
            total = statistics.median(sum(s) for s in servers)
            slowest = statistics.median(max(s) for s in servers)
            rows.append((label, mode, median, min(times), max(times), queries, total, slowest))
            print(f"  {label:44} {mode}  {median:7.0f} ms (min {min(times):.0f}, max {max(times):.0f}); "
                  f"{queries} GraphQL requests, server {total:.0f} ms (slowest {slowest:.0f})", flush=True)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-e", "--events", type=int, default=1_000_000)
    parser.add_argument("-c", "--contacts", type=int, default=100_000)
    parser.add_argument("-m", "--messages", type=int, default=100_000)
    parser.add_argument("-a", "--automation-messages", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--reuse-db", action="store_true", help="keep the data of an earlier --keep-db run")
    args = parser.parse_args()

    chromium = next((p for n in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser") if n
                     and (p := shutil.which(n))), None)
    if not chromium:
        raise SystemExit("chromium not found: apt-get install chromium (or set CHROMIUM)")
    if not (ROOT / "app" / "static" / "frontend" / "node_modules" / "preact").is_dir():
        raise SystemExit("the dashboard's front-end packages are not installed: make assets")
    from tests.helpers import free_port

    print(f"database {urlsplit(DATABASE_URL).path.lstrip('/')}: loading ...", flush=True)
    key, _ = asyncio.run(prepare(args))
    RESULTS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    server = start_server(port, RESULTS / "dashboard-server.log")
    load = Path("/proc/loadavg").read_text().split()[0]
    try:
        rows = measure(chromium, key, f"http://127.0.0.1:{port}", args.runs)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        if not args.keep_db:
            asyncio.run(seed.admin(f'DROP DATABASE IF EXISTS "{seed.database_name()}" WITH (FORCE)'))
    lines = [
        f"Dashboard first screen, {datetime.now(timezone.utc):%Y-%m-%d %H:%M UTC}: PostgreSQL + Redis, "
        f"{args.events:,} events, {args.contacts:,} contacts, {args.messages:,} messages "
        f"+ {args.automation_messages:,} sent by automations in the organization (+10 % in another); "
        f"one `viperatron serve --no-worker`, headless Chromium; median of {args.runs} runs; "
        f"load average before: {load}.",
        "",
        f"| page | browser | median ms | min – max | GraphQL requests | their server ms | slowest | < {TARGET_MS} ms |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    failed = False
    for label, mode, median, low, high, queries, total, slowest in rows:
        ok = median < TARGET_MS
        failed |= not ok
        lines.append(f"| {label} | {mode} | {median:.0f} | {low:.0f} – {high:.0f} | {queries} | {total:.0f} | "
                     f"{slowest:.0f} | {'PASS' if ok else '**FAIL**'} |")
    report = "\n".join(lines) + "\n"
    if rows:
        label, mode, median, *_ = max(rows, key=lambda r: r[2])
        record("dashboard", [Row(f"slowest first screen: {label}, {mode}", f"{median:.0f} ms", None,
                                 f"< {TARGET_MS} ms", median < TARGET_MS)])
    (RESULTS / "dashboard.md").write_text(report)
    print("\n" + report)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
