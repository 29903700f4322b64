"""SMTP PIPELINING (RFC 2920) in app.engines.transports, against a bare scripted server that
shows which commands reached it together (the aiosmtpd sink cannot tell: it reads line by line).

The server answers a group of commands only once no more arrive within GROUP_WAIT (or at DATA,
which ends a group), so a client waiting for each reply shows up as groups of one command."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field

import pytest
from aiosmtplib.protocol import PERIOD_REGEX, normalize_message_line_endings

from app.engines.smtp_pipelining import content
from app.engines.transports import SmtpTransport

SENDER = "hello@acme.com"
GROUP_WAIT = 0.2
MESSAGE = b"From: hello@acme.com\r\nTo: a@example.com\r\nSubject: hi\r\n\r\n.leading dot\r\nbody\r\n"


@dataclass
class ScriptedServer:
    pipelining: bool = True
    mail: bytes = b"250 2.1.0 Ok"
    rcpt: dict[str, bytes] = field(default_factory=dict)  # address -> reply; others get 250
    data: bytes = b"354 End data with <CR><LF>.<CR><LF>"
    end_of_data: bytes = b"250 2.0.0 Ok: queued as 12345"
    silent_after: int | None = None  # once `answered` reaches it, transaction commands get no reply
    hang_up_when_silent: bool = False  # ...and the connection is closed instead
    answered: int = 0  # MAIL FROM, RCPT TO and DATA commands answered, on every connection
    byte_by_byte: bool = False  # each reply group written one byte at a time
    groups: list[list[str]] = field(default_factory=list)  # per group, the verbs (or "<content>")
    contents: list[bytes] = field(default_factory=list)  # what arrived after each 354
    connections: int = 0

    async def start(self) -> None:
        self._writers: list[asyncio.StreamWriter] = []
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        self._server.close()
        for writer in self._writers:
            writer.close()
        await self._server.wait_closed()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.append(writer)
        writer.write(b"220 scripted ESMTP\r\n")
        data_next = False
        try:
            while True:
                if data_next:
                    data_next = False
                    lines = []
                    while (line := await reader.readline()) != b".\r\n":
                        if not line:
                            return
                        lines.append(line)
                    self.contents.append(b"".join(lines))
                    self.groups.append(["<content>"])
                    await self._send(writer, [self.end_of_data])
                    continue
                group = await self._read_group(reader)
                if not group:
                    return
                self.groups.append([line.strip().split(b" ", 1)[0].split(b":", 1)[0].decode() for line in group])
                replies, silent = [], False
                for line in group:
                    verb = line[:4].upper()
                    if verb in (b"MAIL", b"RCPT", b"DATA"):
                        if self.silent_after is not None and self.answered >= self.silent_after:
                            silent = True
                            break
                        self.answered += 1
                    reply, data_next = self._reply(line, data_next)
                    replies.append(reply)
                await self._send(writer, replies)
                if silent and self.hang_up_when_silent:
                    return
                if group[-1].upper().startswith(b"QUIT"):
                    return
        finally:
            writer.close()

    async def _read_group(self, reader: asyncio.StreamReader) -> list[bytes]:
        line = await reader.readline()
        group = [line] if line else []
        while line and not line.upper().startswith((b"DATA", b"EHLO", b"HELO", b"QUIT")):
            try:
                line = await asyncio.wait_for(reader.readline(), GROUP_WAIT)
            except TimeoutError:
                break
            if line:
                group.append(line)
        return group

    def _reply(self, line: bytes, data_next: bool) -> tuple[bytes, bool]:
        verb = line[:4].upper()
        if verb == b"EHLO":
            extensions = [b"SIZE 1000000", *([b"PIPELINING"] if self.pipelining else [])]
            lines = [b"250-scripted", *(b"250-" + e for e in extensions[:-1]), b"250 " + extensions[-1]]
            return b"\r\n".join(lines), False
        if verb == b"MAIL":
            return self.mail, False
        if verb == b"RCPT":
            address = line.split(b"<", 1)[1].split(b">", 1)[0].decode()
            return self.rcpt.get(address, b"250 2.1.5 Ok"), False
        if verb == b"DATA":
            return self.data, self.data.startswith(b"354")
        if verb == b"QUIT":
            return b"221 Bye", False
        return b"250 Ok", data_next  # RSET, NOOP

    async def _send(self, writer: asyncio.StreamWriter, replies: list[bytes]) -> None:
        if not replies:
            return
        payload = b"".join(reply + b"\r\n" for reply in replies)
        if not self.byte_by_byte:
            writer.write(payload)
            await writer.drain()
            return
        for i in range(len(payload)):
            writer.write(payload[i:i + 1])
            await writer.drain()
            await asyncio.sleep(0)


@pytest.fixture
async def server():
    s = ScriptedServer()
    await s.start()
    yield s
    await s.stop()


async def send(url: str, recipients: list[str], timeout: float = 5, data: bytes = MESSAGE):
    transport = SmtpTransport(url, timeout=timeout)
    try:
        return await transport.send(SENDER, recipients, data, "msg_1")
    finally:
        await transport.close()


async def test_envelope_and_data_go_in_one_group(server):
    outcome = await send(server.url, ["a@example.com", "b@example.com"])
    assert (outcome.kind, outcome.reply) == ("sent", "250 2.0.0 Ok: queued as 12345")
    assert server.groups[1:3] == [["MAIL", "RCPT", "RCPT", "DATA"], ["<content>"]]
    # Dot-stuffed on the wire, as without pipelining (the server sees the doubled dot).
    assert server.contents == [MESSAGE.replace(b"\r\n.leading", b"\r\n..leading")]


async def test_one_command_at_a_time_when_the_server_does_not_offer_it(server):
    server.pipelining = False
    outcome = await send(server.url, ["a@example.com", "b@example.com"])
    assert outcome.kind == "sent"
    assert server.groups[1:6] == [["MAIL"], ["RCPT"], ["RCPT"], ["DATA"], ["<content>"]]


async def test_one_command_at_a_time_when_the_url_says_so(server):
    outcome = await send(server.url + "?pipelining=false", ["a@example.com"])
    assert outcome.kind == "sent"
    assert server.groups[1:5] == [["MAIL"], ["RCPT"], ["DATA"], ["<content>"]]


async def test_replies_split_anywhere_and_multiline_are_read_in_order(server):
    server.byte_by_byte = True
    server.mail = b"250-2.1.0 Sender\r\n250 2.1.0 Ok"
    server.rcpt = {"b@example.com": b"550-5.1.1 No such\r\n550 5.1.1 user here"}
    outcome = await send(server.url, ["a@example.com", "b@example.com", "c@example.com"])
    assert outcome.kind == "sent"
    assert outcome.rejected == {"b@example.com": "550 5.1.1 No such 5.1.1 user here"}
    assert server.groups[1:3] == [["MAIL", "RCPT", "RCPT", "RCPT", "DATA"], ["<content>"]]


async def test_refused_sender_reports_only_the_sender_reply(server):
    # The RCPT TOs written with it get "need MAIL" replies: they must not read as bounces
    # (a rejected recipient is put on the suppression list).
    server.mail = b"553 5.7.1 Sender not allowed"
    server.rcpt = {"a@example.com": b"503 5.5.1 Error: need MAIL command"}
    server.data = b"503 5.5.1 Error: need RCPT command"
    outcome = await send(server.url, ["a@example.com"])
    assert (outcome.kind, outcome.reply, outcome.rejected, outcome.deferred) == (
        "failed", "553 5.7.1 Sender not allowed", {}, {})
    assert server.contents == []


async def test_data_accepted_with_no_recipient_ends_with_an_empty_message_and_the_connection_goes_on(server):
    # RFC 2920 3.1: the server should refuse DATA here; if it accepts, the client sends a lone dot.
    server.rcpt = {"a@example.com": b"550 5.1.1 No such user"}
    transport = SmtpTransport(server.url, timeout=5)
    try:
        refused = await transport.send(SENDER, ["a@example.com"], MESSAGE, "msg_1")
        sent = await transport.send(SENDER, ["b@example.com"], MESSAGE, "msg_2")
    finally:
        await transport.close()
    assert (refused.kind, refused.rejected) == ("failed", {"a@example.com": "550 5.1.1 No such user"})
    assert sent.kind == "sent"
    assert server.contents[0] == b""  # the lone dot: nothing was handed over for a refused recipient
    assert server.connections == 1


async def test_data_refused_in_the_group(server):
    server.data = b"451 4.3.0 Try again later"
    outcome = await send(server.url, ["a@example.com"])
    assert (outcome.kind, outcome.reply) == ("deferred", "451 4.3.0 Try again later")
    assert server.contents == []


async def test_no_reply_on_a_pooled_connection_is_retried_once_on_a_new_one_then_deferred(server):
    transport = SmtpTransport(server.url, timeout=0.5)
    try:
        first = await transport.send(SENDER, ["a@example.com"], MESSAGE, "msg_1")
        server.silent_after = server.answered  # no reply to anything from now on
        stalled = await transport.send(SENDER, ["a@example.com"], MESSAGE, "msg_2")
    finally:
        await transport.close()
    assert first.kind == "sent"
    assert stalled.kind == "deferred" and stalled.reply.startswith("timeout")
    # Nothing was accepted on the pooled connection, so a new one was tried at once.
    assert server.connections == 2
    assert len(server.contents) == 1


async def test_silence_after_the_sender_was_accepted_defers_without_retry_and_drops_the_connection(server):
    server.silent_after = 1  # MAIL FROM answered, then nothing
    transport = SmtpTransport(server.url, timeout=0.5)
    try:
        stalled = await transport.send(SENDER, ["a@example.com"], MESSAGE, "msg_1")
        server.silent_after = None
        after = await transport.send(SENDER, ["a@example.com"], MESSAGE, "msg_2")
    finally:
        await transport.close()
    assert stalled.kind == "deferred" and stalled.reply.startswith("timeout")
    assert after.kind == "sent"
    assert server.connections == 2  # the out-of-step connection was not reused


async def test_a_refused_sender_then_a_hang_up_reports_the_refusal(server):
    # A server shutting down refuses MAIL FROM with 421 and closes the connection (RFC 5321
    # 3.8) before answering the rest of the group: its reply is the outcome, not the hang-up.
    server.mail = b"421 4.3.2 Shutting down"
    server.silent_after, server.hang_up_when_silent = 1, True
    outcome = await send(server.url, ["a@example.com"])
    assert (outcome.kind, outcome.reply, outcome.rejected) == ("deferred", "421 4.3.2 Shutting down", {})


async def test_a_malformed_reply_defers(server):
    server.mail = b"hello there"
    outcome = await send(server.url, ["a@example.com"], timeout=1)
    assert outcome.kind == "deferred"
    assert "Malformed" in outcome.reply


def test_content_is_what_aiosmtplib_writes_for_data():
    """The skipped rewrites never change the bytes: compared with aiosmtplib's own DATA
    transformation over every string of up to 7 characters from a, ., CR and LF."""
    def aiosmtplib_content(data: bytes) -> bytes:
        return PERIOD_REGEX.sub(b"..", normalize_message_line_endings(data)) + b".\r\n"

    alphabet = [b"a", b".", b"\r", b"\n"]
    for length in range(8):
        for letters in itertools.product(alphabet, repeat=length):
            data = b"".join(letters)
            assert content(data) == aiosmtplib_content(data), data
    assert content(MESSAGE) == MESSAGE.replace(b"\r\n.leading", b"\r\n..leading") + b".\r\n"



async def test_data_answered_with_250_is_not_taken_for_sent(server):
    # Only 354 invites the content; a server answering 250 never received it.
    server.data = b"250 2.0.0 Ok"
    outcome = await send(server.url, ["a@example.com"])
    assert (outcome.kind, outcome.reply) == ("deferred", "250 2.0.0 Ok")
    assert server.contents == []


async def test_an_endless_reply_line_is_cut_off():
    """Memory stays bounded whatever the server sends."""
    async def serve(reader, writer):
        writer.write(b"220 flood ESMTP\r\n")
        await reader.readline()
        writer.write(b"250-flood\r\n250 PIPELINING\r\n")
        await reader.readline()  # MAIL FROM …
        writer.write(b"250-" + b"x" * 200_000)
        await writer.drain()
        await reader.read()  # until the client hangs up

    flooding = await asyncio.start_server(serve, "127.0.0.1", 0)
    try:
        outcome = await send(f"smtp://127.0.0.1:{flooding.sockets[0].getsockname()[1]}", ["a@example.com"], timeout=2)
    finally:
        flooding.close()
    assert outcome.kind == "deferred" and "Response too long" in outcome.reply, outcome
