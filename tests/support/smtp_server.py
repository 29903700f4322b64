"""A real SMTP server for tests: aiosmtpd in its own thread on 127.0.0.1.

    `smtp_sink` (a started sink) is a fixture of tests/conftest.py

The sink records every message it accepts and can be scripted to refuse: `reject_rcpt`
(address -> reply at RCPT TO), `script_mail()` / `script_data()` (replies for the next
MAIL FROM / DATA commands), or to be slow: `delay_data_for()` (a pause before the reply to
DATA, as a slow server's content filter would make). `stop()` drops open connections like a crashed server would;
`start()` listens again on the same port. Optional AUTH (`credentials=`) and TLS
(`tls=TlsFiles`: implicit when `implicit_tls=True`, else offered as STARTTLS); SMTPUTF8 is
offered only with `smtputf8=True` (a test asks for it with
`@pytest.mark.parametrize("smtp_sink", [{"smtputf8": True}], indirect=True)`). PIPELINING
(RFC 2920) is offered, as by Postfix and most relays, unless `pipelining=False`.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import shutil
import ssl
import subprocess
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

from tests.helpers import free_port

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    mail_options: list[str]  # e.g. ["SIZE=123", "SMTPUTF8"]
    data: bytes
    message: email.message.Message  # parsed with email.policy.default
    peer: tuple[str, int]  # client address: one per connection
    tls: bool
    auth_user: str | None
    host_name: str | None = None  # what the client said in EHLO/HELO


@dataclass(frozen=True)
class TlsFiles:
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context


def make_self_signed_cert(directory: Path) -> TlsFiles:
    """A throwaway certificate for 127.0.0.1 (needs the openssl CLI: see `require_openssl`)."""
    require_openssl()
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return TlsFiles(cert, key)


def openssl_available() -> bool:
    return shutil.which("openssl") is not None


def require_openssl() -> None:
    """Without the openssl CLI a TLS test is skipped locally; in CI (`CI` set; .ci/run installs
    openssl) it fails instead, so TLS is never left untested there without anyone noticing."""
    if openssl_available():
        return
    if os.environ.get("CI"):
        pytest.fail("the openssl CLI is not installed (CI is set, so this is a failure, not a skip)")
    pytest.skip("needs the openssl CLI")


class _Handler:
    """aiosmtpd hooks; run in the server thread and report to the sink."""

    def __init__(self, sink: SmtpSink):
        self.sink = sink

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        self.sink._saw_connection(session.peer)
        if self.sink.pipelining:  # aiosmtpd reads commands line by line, so it can: it just does not say so
            responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_HELO(self, server, session, envelope, hostname):
        session.host_name = hostname
        self.sink._saw_connection(session.peer)
        return "250 {}".format(server.hostname)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        reply = self.sink._next_mail_reply()
        if reply is not None:
            return reply
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.sink._rcpt_reply(address)
        if reply is not None:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        delay = self.sink._data_delay(envelope.rcpt_tos)
        if delay:
            await asyncio.sleep(delay)  # the server's loop thread: other connections go on
        reply = self.sink._next_data_reply(envelope.rcpt_tos)
        if reply.startswith("250"):
            tls = server.transport.get_extra_info("ssl_object") is not None
            self.sink._store(session, envelope, tls)
        return reply


class _TrackingSMTP(SMTP):
    """Remembers its open connections so `stop()` can drop them."""

    def __init__(self, sink: SmtpSink, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._sink = sink

    def connection_made(self, transport):
        self._sink._open.add(self)
        super().connection_made(transport)

    def connection_lost(self, error):
        self._sink._open.discard(self)
        super().connection_lost(error)


class _Controller(Controller):
    def __init__(self, sink: SmtpSink, **kwargs):
        super().__init__(_Handler(sink), **kwargs)
        self._sink = sink

    def factory(self):
        return _TrackingSMTP(self._sink, self.handler, **self.SMTP_kwargs)


class SmtpSink:
    """Thread-safe record of what a real SMTP server received; see the module docstring."""

    def __init__(
        self,
        port: int | None = None,
        *,
        credentials: tuple[str, str] | None = None,
        tls: TlsFiles | None = None,
        implicit_tls: bool = False,
        smtputf8: bool = False,
        pipelining: bool = True,
    ):
        self.host = HOST
        # Controller(port=0) cannot work: it connects to its own port to check it is up.
        self.port = port or free_port()
        self.credentials = credentials
        self.tls = tls
        self.implicit_tls = implicit_tls
        self.smtputf8 = smtputf8
        self.pipelining = pipelining
        self.messages: list[Received] = []
        self.reject_rcpt: dict[str, str] = {}
        self._mail_replies: deque[str] = deque()
        self._data_replies: deque[str] = deque()
        self._data_replies_for: dict[str, deque[str]] = {}
        self._data_delays: dict[str, float] = {}
        self._peers: list[tuple[str, int]] = []
        self._open: set[_TrackingSMTP] = set()
        self._lock = threading.Condition()
        self._controller: _Controller | None = None

    @property
    def url(self) -> str:
        return f"{'smtps' if self.implicit_tls else 'smtp'}://{self.host}:{self.port}"

    @property
    def connections(self) -> int:
        """Client connections that said EHLO/HELO (the readiness probe does not count)."""
        with self._lock:
            return len(self._peers)

    def start(self) -> None:
        kwargs: dict = {"hostname": self.host, "port": self.port, "ready_timeout": 5, "enable_SMTPUTF8": self.smtputf8}
        if self.credentials:
            kwargs.update(authenticator=self._authenticate, auth_require_tls=False)
        if self.tls and self.implicit_tls:
            kwargs["ssl_context"] = self.tls.server_context()
        elif self.tls:
            kwargs["tls_context"] = self.tls.server_context()
        self._controller = _Controller(self, **kwargs)
        self._controller.start()

    def stop(self) -> None:
        """Stop listening and cut open connections (a restart must look like one)."""
        controller, self._controller = self._controller, None
        if controller is None:
            return

        async def drop_connections():
            for server in list(self._open):
                if server.transport is not None:
                    server.transport.abort()

        asyncio.run_coroutine_threadsafe(drop_connections(), controller.loop).result(5)
        controller.stop()

    def script_mail(self, *replies: str) -> None:
        """Replies for the next MAIL FROM commands, e.g. "451 4.3.0 Try later"."""
        with self._lock:
            self._mail_replies.extend(replies)

    def script_data(self, *replies: str) -> None:
        """Replies for the next DATA commands; once used up, DATA gets "250 OK"."""
        with self._lock:
            self._data_replies.extend(replies)

    def script_data_for(self, address: str, *replies: str) -> None:
        """Replies for the next DATA commands of messages to `address` (other mail is
        unaffected: messages left queued by earlier tests may reach this server too)."""
        with self._lock:
            self._data_replies_for.setdefault(address.lower(), deque()).extend(replies)

    def delay_data_for(self, address: str, seconds: float) -> None:
        """Answer DATA of every message to `address` only after `seconds` (the message is
        accepted then, even if the client has given up meanwhile, as a real server would)."""
        with self._lock:
            self._data_delays[address.lower()] = seconds

    def received_by_id(self, message_id: str) -> list[Received]:
        """What arrived for one of our messages (`msg_…`), by its Message-ID header."""
        with self._lock:
            return [r for r in self.messages if str(r.message["Message-ID"]).startswith(f"<{message_id}@")]

    def wait_for(self, n: int, timeout: float = 10) -> list[Received]:
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.messages) < n:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"{len(self.messages)} of {n} messages arrived in {timeout}s")
                self._lock.wait(remaining)
            return list(self.messages)

    def message_ids(self) -> list[str]:
        with self._lock:
            return [str(received.message["Message-ID"]) for received in self.messages]

    # -- called from the server thread ---------------------------------------------------

    def _saw_connection(self, peer) -> None:
        with self._lock:
            if peer not in self._peers:
                self._peers.append(peer)

    def _next_mail_reply(self) -> str | None:
        with self._lock:
            return self._mail_replies.popleft() if self._mail_replies else None

    def _rcpt_reply(self, address: str) -> str | None:
        with self._lock:
            lowered = {k.lower(): v for k, v in self.reject_rcpt.items()}
            return lowered.get(address.lower())

    def _next_data_reply(self, rcpt_tos: list[str]) -> str:
        with self._lock:
            for address in rcpt_tos:
                scripted = self._data_replies_for.get(address.lower())
                if scripted:
                    return scripted.popleft()
            return self._data_replies.popleft() if self._data_replies else "250 OK"

    def _data_delay(self, rcpt_tos: list[str]) -> float:
        with self._lock:
            return max((self._data_delays.get(a.lower(), 0.0) for a in rcpt_tos), default=0.0)

    def _store(self, session, envelope, tls: bool) -> None:
        data = envelope.original_content or envelope.content
        auth = session.auth_data
        received = Received(
            mail_from=envelope.mail_from,
            rcpt_tos=list(envelope.rcpt_tos),
            mail_options=list(envelope.mail_options),
            data=data,
            message=email.message_from_bytes(data, policy=email.policy.default),
            peer=session.peer,
            tls=tls,
            auth_user=auth.login.decode() if isinstance(auth, LoginPassword) else None,
            host_name=session.host_name,
        )
        with self._lock:
            self.messages.append(received)
            self._lock.notify_all()

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and self.credentials == (
            auth_data.login.decode(),
            auth_data.password.decode(),
        )
        if ok:
            return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)  # aiosmtpd then replies 535


@pytest.fixture
def smtp_sink(request):
    sink = SmtpSink(**getattr(request, "param", {}))
    sink.start()
    yield sink
    sink.stop()
