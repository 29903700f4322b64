"""`make bench-first-send`: seconds from `git clone` to the first 202 of the README's curl.

What a newcomer does, timed phase by phase: clone the repository into a temporary folder, run
`make serve PORT=<a free port>` there (a new .venv, the install, the server's first start), read
the API key it prints on stdout, then run the README's send curl with that key and that port.
Package caches are whatever this machine has (pip's and npm's); run it twice to time warm caches.

Standard library only, so any python3 runs it before anything is installed. Prints a Markdown
table; exits 1 if the curl did not answer 202 or the target (--target, 30 s) was missed.

    python3 bench/first_send.py [--source URL_OR_PATH] [--rev REV] [--target 30] [--keep]

--source defaults to this checkout (its committed HEAD, cloned over file:// like a remote);
--rev checks out another commit after the clone (e.g. to time an older Makefile).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEY_LINE = re.compile(r"^et_(live|test)_[A-Za-z0-9]{32}$")
LISTENING = re.compile(r"Uvicorn running on http://[^:]+:(\d+)")
SEND_URL = "/api/v1/delivery/send"
LOCAL = "http://127.0.0.1:8000"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "?"


def readme_send_curl(readme: str) -> str:
    """The README's first `curl … /api/v1/delivery/send` command, continuation lines and the
    quoted JSON body included."""
    lines = readme.splitlines()
    for i, line in enumerate(lines):
        if line.lstrip().startswith("curl ") and SEND_URL in line:
            command: list[str] = []
            for part in lines[i:]:
                command.append(part)
                text = "\n".join(command)
                if text.count("'") % 2 == 0 and not part.rstrip().endswith("\\"):
                    return text
    raise SystemExit("no `curl … /api/v1/delivery/send` command in README.md")


class Output:
    """Lines of make's stdout and stderr, each with the time it arrived."""

    def __init__(self, process: subprocess.Popen, log: Path) -> None:
        self.lines: list[tuple[float, str, str]] = []
        self.changed = threading.Condition()
        self.log = log.open("w")
        self.started = time.monotonic()
        for name, stream in (("stdout", process.stdout), ("stderr", process.stderr)):
            threading.Thread(target=self._read, args=(name, stream), daemon=True).start()

    def _read(self, name: str, stream) -> None:
        for raw in stream:
            line = raw.decode(errors="replace").rstrip("\n")
            with self.changed:
                self.lines.append((time.monotonic(), name, line))
                self.log.write(f"{time.monotonic() - self.started:7.2f} {name}: {line}\n")
                self.log.flush()
                self.changed.notify_all()

    def first(self, test, stream: str | None = None) -> tuple[float, str] | None:
        for at, name, line in list(self.lines):
            if (stream is None or name == stream) and test(line):
                return at, line
        return None

    def wait_for(self, test, stream: str | None, timeout: float, process: subprocess.Popen) -> tuple[float, str]:
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                found = self.first(test, stream)
                if found:
                    return found
                if process.poll() is not None:
                    self.changed.wait(0.5)  # let the readers drain
                    found = self.first(test, stream)
                    if found:
                        return found
                    raise SystemExit(f"make serve exited ({process.returncode}) first; see {self.log.name}")
                if time.monotonic() > deadline:
                    raise SystemExit(f"timed out after {timeout:.0f} s; see {self.log.name}")
                self.changed.wait(0.2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", default=f"file://{ROOT}")
    parser.add_argument("--rev", default=None)
    parser.add_argument("--target", type=float, default=30.0)
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--keep", action="store_true", help="keep the clone and its log")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="viperatron-first-send-"))
    checkout = workdir / "viperatron"
    log = workdir / "make-serve.log"
    load_before = load()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    for name in ("VIRTUAL_ENV", "DATABASE_URL", "REDIS_URL", "SMTP_URL", "OUTBOX_DIR", "MAKEFLAGS", "MFLAGS"):
        env.pop(name, None)
    process = None
    try:
        t0 = time.monotonic()
        subprocess.run(["git", "clone", "--quiet", args.source, str(checkout)], check=True)
        if args.rev:
            subprocess.run(["git", "-C", str(checkout), "checkout", "--quiet", args.rev], check=True)
        cloned = time.monotonic()
        curl = readme_send_curl((checkout / "README.md").read_text())

        port = free_port()
        make_started = time.monotonic()
        process = subprocess.Popen(
            ["make", "serve", f"PORT={port}"], cwd=checkout, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
        )
        out = Output(process, log)
        key_at, key = out.wait_for(KEY_LINE.match, "stdout", args.timeout, process)
        serve_found = out.first(lambda line: "viperatron serve" in line and "bin/" in line)
        npm_found = out.first(lambda line: "npm ci" in line and not line.startswith("npm"))
        serve_at = serve_found[0] if serve_found else key_at
        assets_in_front = bool(npm_found and npm_found[0] < serve_at)
        installed_at = npm_found[0] if assets_in_front else serve_at

        # The key is printed before the server listens: like a person, retry while the port refuses.
        listen_port = port
        command = curl.replace(LOCAL, f"http://127.0.0.1:{listen_port}")
        status, body = "", ""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            announced = out.first(lambda line: bool(LISTENING.search(line)), "stderr")
            if announced:  # an older Makefile ignores PORT=: use the port the server announced
                listen_port = int(LISTENING.search(announced[1]).group(1))
                command = curl.replace(LOCAL, f"http://127.0.0.1:{listen_port}")
            done = subprocess.run(
                ["bash", "-c", command + " -sS -w '\\n%{http_code}'"],
                env={**env, "KEY": key}, capture_output=True, text=True,
            )
            if done.returncode == 7:  # connection refused: not listening yet
                time.sleep(0.05)
                continue
            body, _, status = done.stdout.rpartition("\n")
            break
        sent_at = time.monotonic()
        listening = out.first(lambda line: bool(LISTENING.search(line)), "stderr")

        assets_ready = None
        stamp = checkout / "app" / "static" / "frontend" / "node_modules" / ".installed"
        if not assets_in_front:  # installed in the background: note when the pages have them
            wait_until = time.monotonic() + 180
            while not stamp.exists() and time.monotonic() < wait_until and process.poll() is None:
                time.sleep(0.2)
            assets_ready = time.monotonic() - make_started if stamp.exists() else None

        total = sent_at - t0
        rows = [
            ("git clone", cloned - t0),
            ("venv + pip install", installed_at - make_started),
            ("assets (npm ci) before serving", serve_at - npm_found[0] if assets_in_front else 0.0),
            ("server start (migrate, key printed)", key_at - serve_at),
            ("first 202 (README curl; waits for the port)", sent_at - key_at),
        ]
        print(f"First send: `git clone` to the README curl's 202 (load before: {load_before}; after: {load()})\n")
        print("| phase | seconds |")
        print("|---|---:|")
        for name, seconds in rows:
            print(f"| {name} | {seconds:.1f} |")
        verdict = "met" if status == "202" and total <= args.target else "missed"
        print(f"| **total** | **{total:.1f}** (target ≤ {args.target:.0f}: {verdict}) |")
        if listening:
            print(f"\nserver listening {listening[0] - make_started:.1f} s after `make serve` started", end="")
        if not assets_in_front:
            ready = f"{assets_ready:.1f} s" if assets_ready is not None else "not within 180 s (npm missing?)"
            print(f"; front-end assets (background) ready {ready} after it started", end="")
        print(f"\ncurl answered {status or 'nothing'}: {body.strip()[:120]}")
        return 0 if verdict == "met" else 1
    finally:
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if args.keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
