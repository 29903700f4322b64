"""One table for `make bench`: every benchmark records its headline ratios here, and the last
step prints them together.

Each benchmark calls `record("delivery", [Row(...), ...])` once it has its figures; that writes
bench/results/summary/<bench>.json (so a benchmark run alone refreshes its own rows). `python -m
bench.summary` prints the Markdown table of every file written since `--since` (a Unix time;
`make bench` passes its start) and writes it to bench/results/summary.md. A ratio is always
measured against a reference taken in the same run of the same benchmark.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

SUMMARY = Path(__file__).resolve().parent / "results" / "summary"


def cpu_times() -> list[int]:
    """The machine's CPU time so far, from /proc/stat's `cpu` line (user … steal), in ticks."""
    return [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]


def machine_ticks() -> tuple[int, int]:
    """(busy, total) ticks of all CPUs so far, from /proc/stat: how busy the machine was between
    two readings is the busy delta over the total delta."""
    values = cpu_times()
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)  # guest time is already in user


def busy_percent(before: tuple[int, int], after: tuple[int, int]) -> float:
    total = after[1] - before[1]
    return 100.0 * (after[0] - before[0]) / total if total else 0.0


CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads) so far, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def postgres_cpu() -> dict[int, float]:
    """utime + stime of every `postgres` process we can see, by pid (server, backends,
    walwriter…; a shared server: other users' queries count too)."""
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            text = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        name, _, rest = text.partition("(")[2].rpartition(")")
        if name == "postgres":
            fields = rest.split()
            found[int(entry.name)] = (int(fields[11]) + int(fields[12])) / CLK_TCK
    return found


def postgres_cpu_since(before: dict[int, float], after: dict[int, float] | None = None) -> float:
    """CPU seconds of postgres processes from `before` to `after` (default: now); new backends
    count from 0, and the CPU of backends that exited in between (e.g. parallel workers) is lost."""
    after = postgres_cpu() if after is None else after
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


def memory_mb(pid: int) -> dict[str, float]:
    """VmHWM (peak resident set) and VmRSS (current), from /proc."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            values[key] = int(rest.split()[0]) / 1024  # kB -> MB
    return values


# Taken when a benchmark starts (it imports this module): `record` reports the steal since.
_STARTED = cpu_times()


def steal_percent(before: list[int], after: list[int]) -> float:
    """CPU steal: time the virtual machine's host gave this machine's cores to others, as a
    share of all CPU time. Ratios hold up when both sides of one saw the same steal; a high or
    uneven share makes a run's figures noisier."""
    deltas = [b - a for a, b in zip(before, after)]
    return 100.0 * deltas[7] / sum(deltas) if sum(deltas) else 0.0


@dataclass
class Row:
    measure: str  # what was measured, e.g. "REST send vs bare FastAPI + asyncpg"
    value: str  # the figure itself, with its unit, e.g. "1,329 req/s" or "412 ms"
    ratio: float | None = None  # vs the same run's reference (None for absolute targets)
    target: str = ""  # e.g. "≥ 0.6×" or "< 200 ms"
    met: bool | None = None  # None: no target


def record(bench: str, rows: list[Row]) -> Path:
    SUMMARY.mkdir(parents=True, exist_ok=True)
    path = SUMMARY / f"{bench}.json"
    path.write_text(json.dumps({"bench": bench, "at": time.time(), "steal": steal_percent(_STARTED, cpu_times()),
                                "rows": [asdict(r) for r in rows]}, indent=1))
    return path


def table(since: float = 0.0) -> tuple[str, bool]:
    lines = [
        "| benchmark | measure | value | ratio | target | met |",
        "|---|---|---:|---:|---|---|",
    ]
    all_met = True
    steals = []
    for path in sorted(SUMMARY.glob("*.json")):
        data = json.loads(path.read_text())
        if data["at"] < since:
            continue
        if data.get("steal") is not None:
            steals.append(f"{data['bench']} {data['steal']:.0f} %")
        for row in map(lambda r: Row(**r), data["rows"]):
            ratio = "" if row.ratio is None else f"{row.ratio:.2f}×"
            met = {None: "", True: "yes", False: "**no**"}[row.met]
            all_met &= row.met is not False
            lines.append(f"| {data['bench']} | {row.measure} | {row.value} | {ratio} | {row.target} | {met} |")
    if steals:
        lines += ["", "CPU steal while each ran (the host giving this machine's cores to others): "
                  + ", ".join(steals) + "."]
    return "\n".join(lines) + "\n", all_met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--since", type=float, default=0.0, help="only results written after this Unix time")
    args = parser.parse_args()
    text, all_met = table(args.since)
    print("\n## All benchmarks, one table\n")
    print(text)
    (SUMMARY.parent / "summary.md").write_text(text)
    return 0 if all_met else 1


if __name__ == "__main__":
    sys.exit(main())
