"""A real HTTP server on 127.0.0.1 that records what webhook calls it gets and answers with
scripted statuses (the next status in `script`, then 200). It can be slow: `delay_seconds`
before answering, or `drip_seconds` between the bytes of its answer (a receiver that keeps
the connection busy without ever finishing)."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.helpers import free_port


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int

    def json(self):
        return json.loads(self.body)


@dataclass
class WebhookReceiver:
    port: int
    script: list[int] = field(default_factory=list)
    failure_body: bytes = b"receiver is down"
    received: list[Received] = field(default_factory=list)
    delay_seconds: float = 0.0
    drip_seconds: float = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/orders"


@pytest.fixture
def webhook_receiver():
    receiver = WebhookReceiver(port=free_port())

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status = receiver.script.pop(0) if receiver.script else 200
            receiver.received.append(Received(self.path, dict(self.headers.items()), body, status))
            answer = b'{"ok":true}' if status < 300 else receiver.failure_body
            time.sleep(receiver.delay_seconds)
            if receiver.drip_seconds:
                self.drip(status, answer)
                return
            self.send_response(status)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def drip(self, status: int, answer: bytes) -> None:
            """The whole answer, status line included, one byte at a time."""
            raw = f"HTTP/1.1 {status} OK\r\nContent-Length: {len(answer)}\r\n\r\n".encode() + answer
            self.close_connection = True
            try:
                for i in range(len(raw)):
                    self.wfile.write(raw[i:i + 1])
                    time.sleep(receiver.drip_seconds)
            except OSError:
                pass  # the caller hung up

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", receiver.port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
