"""A minimal SMTP sink for `bench/delivery.py`, run as its own process.

    python -m bench.smtp_sink PORT

Accepts every message (aiosmtpd on uvloop, in a thread) and counts it. It offers PIPELINING
(RFC 2920), as Postfix, Exim, Gmail and Amazon SES do: aiosmtpd reads commands line by line, so
it handles pipelined ones, but does not say so by itself. The parent talks to it over
stdin/stdout, one line each way:

    stats  -> {"count": …, "unique": …, "duplicates": …, "no_id": …, "first": t, "last": t, "cpu": s}
    reset  -> {"ok": true}
    (EOF)  -> exit

`first`/`last` are wall-clock (time.time()) instants of the first/last message accepted, so
the parent can line them up with timestamps written by the workers into PostgreSQL.
`duplicates` counts Message-IDs received more than once (the worker is at-least-once).
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections import Counter

import uvloop
from aiosmtpd.controller import Controller

_MESSAGE_ID = re.compile(rb"(?im)^message-id:[ \t]*(\S+)")


class Sink:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.count = 0
        self.no_id = 0
        self.ids: Counter[bytes] = Counter()
        self.first: float | None = None
        self.last: float | None = None

    async def handle_EHLO(self, server, session, envelope, hostname, responses) -> list[str]:
        session.host_name = hostname
        responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_DATA(self, server, session, envelope) -> str:
        content = envelope.content
        end = content.find(b"\r\n\r\n")
        found = _MESSAGE_ID.search(content, 0, end if end >= 0 else len(content))
        if found:
            self.ids[found.group(1)] += 1
        else:
            self.no_id += 1
        now = time.time()
        if self.first is None:
            self.first = now
        self.last = now
        self.count += 1
        return "250 OK"

    def stats(self) -> dict:
        times = os.times()
        return {
            "count": self.count,
            "unique": len(self.ids),
            "duplicates": sum(n - 1 for n in self.ids.values() if n > 1),
            "no_id": self.no_id,
            "first": self.first,
            "last": self.last,
            "cpu": times.user + times.system,
        }


def main() -> int:
    port = int(sys.argv[1])
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port, loop=uvloop.new_event_loop(), ready_timeout=30)
    controller.start()
    print(json.dumps({"ready": True, "port": port}), flush=True)
    try:
        for line in sys.stdin:
            command = line.strip()
            if command == "stats":
                reply = sink.stats()
            elif command == "reset":
                sink.reset()
                reply = {"ok": True}
            else:
                reply = {"error": f"unknown command {command!r}"}
            print(json.dumps(reply), flush=True)
    finally:
        controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
