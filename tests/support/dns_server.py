"""A small authoritative DNS server on 127.0.0.1 (dnslib) for domain checks and DKIM
verifiers: tests publish TXT and MX records into it and point resolvers at `address`."""

from __future__ import annotations

import threading

import pytest
from dnslib import MX, QTYPE, RR, TXT
from dnslib.server import BaseResolver, DNSServer

from tests.helpers import free_port


class _Zone(BaseResolver):
    def __init__(self) -> None:
        self.records: dict[tuple[str, str], list] = {}
        self.lock = threading.Lock()

    def resolve(self, request, handler):
        reply = request.reply()
        name = str(request.q.qname).rstrip(".").lower()
        kind = QTYPE[request.q.qtype]
        with self.lock:
            rdatas = list(self.records.get((name, kind), []))
        for rdata in rdatas:
            reply.add_answer(RR(request.q.qname, request.q.qtype, rdata=rdata, ttl=1))
        return reply


class DnsServer:
    def __init__(self) -> None:
        self.port = free_port()
        self._zone = _Zone()
        self._server = DNSServer(self._zone, port=self.port, address="127.0.0.1")

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        self._server.start_thread()

    def stop(self) -> None:
        self._server.stop()

    def txt(self, name: str, value: str) -> None:
        """Publish a TXT record; a long value is split into 255-octet strings, as DNS needs."""
        chunks = [value[i:i + 255] for i in range(0, len(value), 255)]
        self._add(name, "TXT", TXT(chunks))

    def mx(self, name: str, priority: int, host: str) -> None:
        self._add(name, "MX", MX(host, priority))

    def clear(self) -> None:
        with self._zone.lock:
            self._zone.records.clear()

    def _add(self, name: str, kind: str, rdata) -> None:
        with self._zone.lock:
            self._zone.records.setdefault((name.rstrip(".").lower(), kind), []).append(rdata)


@pytest.fixture(scope="module")
def dns_server():
    """A DnsServer for the module's tests (import this fixture into the test module)."""
    server = DnsServer()
    server.start()
    yield server
    server.stop()
