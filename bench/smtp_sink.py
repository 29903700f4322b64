"""A light SMTP sink for `bench/delivery.py`, run as its own process.

    python -m bench.smtp_sink PORT

Accepts every message and counts it. It stands for a relay on another machine, so it should
cost this machine as little CPU as it can: it is an asyncio protocol on uvloop that answers
the commands a client sends in one go with one write, and finds the end of a message's content
with one `bytes.find`. aiosmtpd, which the tests use, spent ~550 µs of CPU a message here — as
much as the worker it measured — on a coroutine per command line, and took that CPU from the
two cores the worker, PostgreSQL and the load share.

It speaks the part of SMTP (RFC 5321) a sending client uses: the greeting, EHLO (offering
PIPELINING, RFC 2920, as Postfix, Exim, Gmail and Amazon SES do, 8BITMIME, SMTPUTF8 and SIZE)
and HELO, MAIL, RCPT, DATA, RSET, NOOP and QUIT; anything else gets 502. It does not check
the order of commands or the addresses: every message is accepted. The parent talks to it over
stdin/stdout, one line each way:

    stats  -> {"count": …, "unique": …, "duplicates": …, "no_id": …, "first": t, "last": t, "cpu": s}
    reset  -> {"ok": true}
    (EOF)  -> exit

`first`/`last` are wall-clock (time.time()) instants of the first/last message accepted, so
the parent can line them up with timestamps written by the workers into PostgreSQL.
`duplicates` counts Message-IDs received more than once (the worker is at-least-once).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
import threading
import time
from collections import Counter

import uvloop

_MESSAGE_ID = re.compile(rb"(?im)^message-id:[ \t]*(\S+)")
_EHLO = b"250-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 33554432\r\n"
_REPLIES = {b"HELO": b"250 sink\r\n", b"MAIL": b"250 OK\r\n", b"RCPT": b"250 OK\r\n",
            b"RSET": b"250 OK\r\n", b"NOOP": b"250 OK\r\n", b"EHLO": _EHLO}
_END = b"\r\n.\r\n"  # the end of a message's content (RFC 5321 4.1.1.4)


class Sink:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.count = 0
        self.no_id = 0
        self.ids: Counter[bytes] = Counter()
        self.first: float | None = None
        self.last: float | None = None

    def accept(self, content: bytes) -> None:
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


class Session(asyncio.Protocol):
    """One client connection: commands line by line, or a message's content after DATA."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.buffer = b""
        self.in_data = False
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:
        self.transport = transport
        transport.write(b"220 sink ESMTP\r\n")

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer + data
        replies, start, closing = [], 0, False
        while start < len(buffer):
            if self.in_data:
                # The content starts right after the 354; an empty one ends at its first line.
                if buffer.startswith(b".\r\n", start):
                    end, content = start + 3, b""
                else:
                    found = buffer.find(_END, start)
                    if found < 0:
                        break
                    end, content = found + len(_END), buffer[start:found + 2]
                self.sink.accept(content)
                replies.append(b"250 OK\r\n")
                self.in_data, start = False, end
                continue
            found = buffer.find(b"\r\n", start)
            if found < 0:
                break
            verb = buffer[start:start + 4].upper()
            start = found + 2
            if verb == b"DATA":
                replies.append(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                self.in_data = True
            elif verb == b"QUIT":
                replies.append(b"221 Bye\r\n")
                closing = True
                break
            else:
                replies.append(_REPLIES.get(verb, b"502 Command not implemented\r\n"))
        self.buffer = buffer[start:]
        if replies:
            self.transport.write(b"".join(replies))
        if closing:
            self.transport.close()


def serve(sink: Sink, port: int, ready: threading.Event) -> None:
    loop = uvloop.new_event_loop()
    asyncio.set_event_loop(loop)
    loop.run_until_complete(loop.create_server(lambda: Session(sink), "127.0.0.1", port, backlog=128))
    ready.set()
    loop.run_forever()


def main() -> int:
    port = int(sys.argv[1])
    sink = Sink()
    ready = threading.Event()
    threading.Thread(target=serve, args=(sink, port, ready), daemon=True).start()
    if not ready.wait(30):
        return 1
    print(json.dumps({"ready": True, "port": port}), flush=True)
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
