"""The inbound SMTP listener: receives bounces (DSNs) and complaints (ARF reports) sent back to
return paths `bounces+TOKEN@…` (app/core/verp.py), and hands each to the bounces resolver
(schema/bounces) for the message its token names.

Runs as `viperatron inbound`, or inside `viperatron serve` when VIPERATRON_INBOUND_PORT is set.
It is no open relay and no mailbox: RCPT TO is refused (550) unless the address is a return
path whose token is signed with our key (a forged or damaged one is refused and logged: nothing
is bounced, the sending server deals with the refusal); a message is at most 1 MiB (552 past
it), a connection idles at most 30 s and lasts at most 2 minutes, a message is processed within
30 s. A message is answered 250 once recorded; when recording fails (database down) 451, so the
sender tries again later.
"""

from __future__ import annotations

import asyncio
import logging
import socket

from aiosmtpd.smtp import SMTP, Envelope, Session

from app.core.settings import Settings
from app.core.verp import is_return_path, read_token
from schema.bounces.reports import parse_report
from schema.bounces.resolvers import record_report

log = logging.getLogger("viperatron.inbound")

DEFAULT_PORT = 2525
MAX_MESSAGE_BYTES = 1024 * 1024
MAX_RECIPIENTS = 20
IDLE_SECONDS = 30.0
SESSION_SECONDS = 120.0
PROCESS_SECONDS = 30.0


class _Handler:
    def __init__(self, settings: Settings) -> None:
        self._secret = settings.secret_key or ""

    def message_id(self, address: str) -> str | None:
        return read_token(self._secret, address) if self._secret else None

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options):
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return "452 4.5.3 Too many recipients"
        if self.message_id(address) is None:
            if is_return_path(address):
                log.warning("refused %s from %s (MAIL FROM <%s>): its token is not ours (forged or damaged)",
                            address, session.peer, envelope.mail_from)
            return "550 5.1.1 No such mailbox here: this server receives bounces only"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope):
        raw = envelope.original_content or envelope.content or b""
        message_ids = list(dict.fromkeys(m for m in map(self.message_id, envelope.rcpt_tos) if m))
        try:
            async with asyncio.timeout(PROCESS_SECONDS):
                report = parse_report(raw)
                for message_id in message_ids:
                    recorded = await record_report(message_id, report)
                    log.info("%s report from %s for %s: %s", report.kind, session.peer, message_id, recorded.outcome)
        except Exception:
            log.exception("recording a report from %s for %s failed", session.peer, ", ".join(message_ids))
            return "451 4.3.0 Temporary failure, please try again later"
        return "250 2.0.0 OK"


class _BoundedSMTP(SMTP):
    """aiosmtpd's SMTP with a cap on a connection's whole life (its `timeout` is per line)."""

    def connection_made(self, transport):
        super().connection_made(transport)
        self._life = asyncio.get_running_loop().call_later(SESSION_SECONDS, self._too_long)

    def _too_long(self) -> None:
        if self.transport is not None:
            log.info("%r: connection closed after %g s", self.session.peer if self.session else None, SESSION_SECONDS)
            self.transport.close()

    def connection_lost(self, error):
        life = getattr(self, "_life", None)
        if life is not None:
            life.cancel()
        super().connection_lost(error)


class InboundServer:
    """The listener on `host:port` (port 0: any free one; `port` tells which after `start()`)."""

    def __init__(self, settings: Settings, host: str | None = None, port: int | None = None) -> None:
        self.settings = settings
        self.host = host or settings.inbound_host
        self.port = (settings.inbound_port or DEFAULT_PORT) if port is None else port
        self._handler = _Handler(settings)
        self._server: asyncio.Server | None = None
        self._hostname = settings.ehlo_name or socket.getfqdn()

    def _protocol(self) -> SMTP:
        return _BoundedSMTP(
            self._handler, data_size_limit=MAX_MESSAGE_BYTES, enable_SMTPUTF8=True, hostname=self._hostname,
            ident="Viperatron inbound", timeout=IDLE_SECONDS,
        )

    async def start(self) -> None:
        if not self.settings.secret_key:
            log.warning("VIPERATRON_SECRET_KEY is not set: there are no return paths, every recipient is refused")
        self._server = await asyncio.get_running_loop().create_server(self._protocol, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("inbound SMTP listener (bounces and complaints) on %s:%d", self.host, self.port)

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
            await server.wait_closed()

    async def serve_until(self, stopping: asyncio.Event) -> None:
        await self.start()
        try:
            await stopping.wait()
        finally:
            await self.stop()
