"""Hand built messages to an SMTP relay, or to a folder of .eml files when none is set.

`SmtpTransport` keeps a small pool of connected aiosmtplib clients: opening a connection
(TCP + EHLO + maybe TLS and AUTH) costs more than sending a transactional message, so
connections are reused across sends. A connection that fails is closed and the next send
opens a new one. Every send ends in an `Outcome`; nothing is raised for delivery problems:

  sent      the server took the message (for at least one recipient)
  deferred  try again later: 4xx replies, timeouts, refused or dropped connections
  failed    do not retry: 5xx replies (for every recipient, or for MAIL FROM / DATA)

`timeout` (URL) bounds each command's reply; `deadline` bounds the whole send (connecting and
the transaction), so a server that drips its replies cannot hold a send indefinitely.

Accepted URLs: smtp://[user:pass@]host[:25]            plain
               smtp://…?starttls=true                  STARTTLS required
               smtps://[user:pass@]host[:465]          implicit TLS
               optional query: verify=false (self-signed certificates), timeout=SECONDS, pool=N,
               allow_insecure_auth=true, ehlo=NAME (the name said in EHLO),
               pipelining=false (never pipeline, even where the server offers it)
A user name on plain smtp:// is refused (the password would cross the network readable)
unless the URL says allow_insecure_auth=true, e.g. for a relay on localhost.

The EHLO name is `?ehlo=` in the URL, else VIPERATRON_EHLO_NAME, else this machine's fully
qualified name: many receivers score (or refuse) a client that says `localhost`.

Where the server offers PIPELINING (RFC 2920), a message costs two round trips
(app/engines/smtp_pipelining.py); elsewhere three plus one per recipient.
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol
from urllib.parse import parse_qsl, unquote, urlsplit

import aiosmtplib
from aiosmtplib.email import quote_address

from app.core.validation import ascii_domain_address
from app.engines.smtp_pipelining import content, pipelined

SCHEMES = ("smtp", "smtps")
DEFAULT_POOL_SIZE = 4
DEFAULT_TIMEOUT = 30.0
DEFAULT_DEADLINE = 60.0
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_QUERY_KEYS = ("starttls", "verify", "timeout", "pool", "allow_insecure_auth", "ehlo", "pipelining")
# What EHLO may name (RFC 5321 4.1.1.1): a domain, or an address literal ([192.0.2.1], [IPv6:…]).
_EHLO_NAME = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?|\[[A-Za-z0-9:.]+\])$")

# What a broken connection looks like: refused, reset, timed out, TLS failure (OSError);
# an error reply while connecting (greeting, EHLO, STARTTLS, AUTH) also means "not now".
_CONNECTION_ERRORS = (aiosmtplib.SMTPException, OSError, asyncio.TimeoutError)


@dataclass
class Outcome:
    kind: Literal["sent", "deferred", "failed"]
    reply: str  # the server's reply incl. code, or a description of the connection problem
    rejected: dict[str, str] = field(default_factory=dict)  # refused permanently (5xx) at RCPT
    deferred: dict[str, str] = field(default_factory=dict)  # refused temporarily (4xx) at RCPT


class Transport(Protocol):
    async def send(self, sender: str, recipients: list[str], data: bytes, message_id: str) -> Outcome: ...

    async def close(self) -> None: ...


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    implicit_tls: bool
    starttls: bool
    verify: bool
    username: str | None
    password: str | None
    timeout: float
    pool_size: int
    ehlo_name: str | None = None  # `?ehlo=`; None: the transport's default
    pipelining: bool = True  # `?pipelining=false`: one command at a time even where offered

    @property
    def tls_mode(self) -> str:
        return "implicit-tls" if self.implicit_tls else "starttls" if self.starttls else "plain"


def parse_smtp_url(url: str) -> SmtpSettings:
    """Read an SMTP_URL; ValueError (without echoing the URL: it may hold a password)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise ValueError(f"SMTP URL scheme must be one of {', '.join(s + '://' for s in SCHEMES)}")
    if not parts.hostname:
        raise ValueError("SMTP URL has no host")
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    unknown = sorted(set(query) - set(_QUERY_KEYS))
    if unknown:
        raise ValueError(f"unknown SMTP URL parameter {unknown[0]!r}; accepted: {', '.join(_QUERY_KEYS)}")
    implicit_tls = scheme == "smtps"
    starttls = _flag(query, "starttls", False)
    if implicit_tls and starttls:
        raise ValueError("smtps:// is already TLS; starttls=true is for smtp:// only")
    try:
        port = parts.port or (465 if implicit_tls else 25)
        timeout = float(query.get("timeout", DEFAULT_TIMEOUT))
        pool_size = int(query.get("pool", DEFAULT_POOL_SIZE))
    except ValueError:
        raise ValueError("SMTP URL has a bad port, timeout or pool value") from None
    if timeout <= 0 or pool_size < 1:
        raise ValueError("SMTP URL timeout and pool must be positive")
    allow_insecure_auth = _flag(query, "allow_insecure_auth", False)
    if parts.username and not (implicit_tls or starttls or allow_insecure_auth):
        raise ValueError(
            "SMTP URL has a user name but no TLS, so the password would be sent in the clear: use "
            "smtps:// or ?starttls=true, or add ?allow_insecure_auth=true if the path is trusted"
        )
    ehlo_name = query.get("ehlo") or None
    if ehlo_name is not None:
        check_ehlo_name(ehlo_name, "SMTP URL parameter ehlo")
    return SmtpSettings(
        host=parts.hostname,
        port=port,
        implicit_tls=implicit_tls,
        starttls=starttls,
        verify=_flag(query, "verify", True),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        timeout=timeout,
        pool_size=pool_size,
        ehlo_name=ehlo_name,
        pipelining=_flag(query, "pipelining", True),
    )


def check_ehlo_name(name: str, where: str) -> str:
    if len(name) > 255 or not _EHLO_NAME.match(name):
        raise ValueError(f"{where} must be a host name (mail.example.com) or an address literal ([192.0.2.1])")
    return name


def default_ehlo_name() -> str:
    """This machine's fully qualified name (socket.getfqdn()); its plain host name when that
    says no more than `localhost`."""
    for name in (socket.getfqdn(), socket.gethostname()):
        if name and not name.lower().startswith("localhost") and _EHLO_NAME.match(name):
            return name
    return "localhost"


def _flag(query: dict[str, str], name: str, default: bool) -> bool:
    value = query.get(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ValueError(f"SMTP URL parameter {name} must be true or false")


def smtp_url_summary(url: str | None) -> str:
    """For logs: where mail goes and how, never the password (nor the user name)."""
    if not url:
        return "file outbox"
    try:
        settings = parse_smtp_url(url)
    except ValueError as exc:
        return f"invalid SMTP URL ({exc})"
    auth = ", auth" if settings.username else ""
    verify = "" if settings.verify else ", no certificate check"
    return f"{settings.host}:{settings.port} ({settings.tls_mode}{auth}{verify})"


class SmtpTransport:
    """Sends over a pool of reused SMTP connections, at most `pool_size` at once, each send
    within `deadline` seconds in all."""

    def __init__(
        self, url: str, pool_size: int | None = None, timeout: float | None = None, deadline: float | None = None,
        ehlo_name: str | None = None,
    ):
        settings = parse_smtp_url(url)
        # Values in the URL are the operator's; explicit arguments are the caller's override
        # (except the EHLO name: the URL's, else the argument, i.e. VIPERATRON_EHLO_NAME).
        self.settings = settings
        self.pool_size = pool_size or settings.pool_size
        self.timeout = timeout or settings.timeout
        self.deadline = deadline or DEFAULT_DEADLINE
        if ehlo_name:
            check_ehlo_name(ehlo_name, "VIPERATRON_EHLO_NAME")
        self.ehlo_name = settings.ehlo_name or ehlo_name or default_ehlo_name()
        self._idle: list[aiosmtplib.SMTP] = []  # LIFO: the warmest connection goes first
        self._slots = asyncio.Semaphore(self.pool_size)
        self._closed = False

    def __repr__(self) -> str:
        return f"SmtpTransport({self.settings.host}:{self.settings.port}, {self.settings.tls_mode})"

    async def send(self, sender: str, recipients: list[str], data: bytes, message_id: str) -> Outcome:
        try:
            async with asyncio.timeout(self.deadline):
                return await self._send(sender, recipients, data, message_id)
        except TimeoutError:
            # The server may have accepted it meanwhile: retried later, never at once.
            return Outcome("deferred", f"timeout: no complete SMTP transaction within {self.deadline:g} s")

    async def _send(self, sender: str, recipients: list[str], data: bytes, message_id: str) -> Outcome:
        if not recipients:
            return Outcome("failed", "no recipients")
        async with self._slots:
            client = self._take_idle()
            if client is not None:
                try:
                    return await self._deliver(client, sender, recipients, data)
                except _StaleConnection:
                    pass  # dropped while idle (server timeout, restart): retry on a new one
            try:
                client = await self._connect()
            except _CONNECTION_ERRORS as exc:
                return Outcome("deferred", describe_error(exc))
            try:
                return await self._deliver(client, sender, recipients, data)
            except _StaleConnection as exc:
                return Outcome("deferred", exc.reply)

    async def close(self) -> None:
        """Say QUIT on idle connections; connections in use close when their send ends."""
        self._closed = True
        idle, self._idle = self._idle, []
        await asyncio.gather(*(_quit(client, self.timeout) for client in idle))

    def _take_idle(self) -> aiosmtplib.SMTP | None:
        while self._idle:
            client = self._idle.pop()
            if client.is_connected:
                return client
            client.close()
        return None

    def _release(self, client: aiosmtplib.SMTP) -> None:
        if self._closed or not client.is_connected:
            client.close()
        else:
            self._idle.append(client)

    async def _connect(self) -> aiosmtplib.SMTP:
        s = self.settings
        client = aiosmtplib.SMTP(
            hostname=s.host,
            port=s.port,
            username=s.username,
            password=s.password,
            use_tls=s.implicit_tls,
            start_tls=s.starttls,  # False: no opportunistic upgrade on plain smtp://
            validate_certs=s.verify,
            timeout=self.timeout,
            local_hostname=self.ehlo_name,
        )
        try:
            await client.connect()
            # Plain smtp:// without AUTH says nothing at connect: greet now, so the extensions
            # (SIZE, SMTPUTF8) are known before the first MAIL FROM is written.
            if client.is_ehlo_or_helo_needed:
                await _greet(client)
        except BaseException:
            client.close()
            raise
        return client

    async def _deliver(self, client: aiosmtplib.SMTP, sender: str, recipients: list[str], data: bytes) -> Outcome:
        """One mail transaction; the client goes back to the pool unless its connection broke."""
        try:
            if self.settings.pipelining and client.supports_extension("pipelining"):
                outcome = await _pipelined_transaction(client, sender, recipients, data, self.timeout)
            else:
                outcome = await _transaction(client, sender, recipients, data)
        except (_StaleConnection, asyncio.CancelledError):  # cancelled: the deadline cut it short
            client.close()
            raise
        except _CONNECTION_ERRORS as exc:
            # Past MAIL FROM the server may have acted on part of the transaction: no silent
            # retry here, the caller's retry policy decides.
            client.close()
            return Outcome("deferred", describe_error(exc))
        if outcome.kind != "sent" and not await _reset(client, self.timeout):
            client.close()
        self._release(client)
        return outcome


class _StaleConnection(Exception):
    """The connection was gone before the server accepted anything: safe to retry at once."""

    def __init__(self, reply: str):
        super().__init__(reply)
        self.reply = reply


async def _transaction(client: aiosmtplib.SMTP, sender: str, recipients: list[str], data: bytes) -> Outcome:
    """MAIL FROM, RCPT TO and DATA; domains go on the wire as A-labels (xn--…), and
    `recipients` keep their given form in the outcome (suppressions match on it)."""
    mail_options, encoding = _envelope_options(client, sender, recipients, data)
    if encoding is None:
        return Outcome("failed", _no_smtputf8_reason(sender, recipients))
    try:
        await client.mail(ascii_domain_address(sender), options=mail_options, encoding=encoding)
    except aiosmtplib.SMTPResponseException as exc:
        return Outcome(_kind_of(exc.code), format_reply(exc.code, exc.message))
    except ValueError as exc:  # an address that cannot go on a command line
        return Outcome("failed", f"501 5.1.7 bad sender address: {exc}")
    except _CONNECTION_ERRORS as exc:
        raise _StaleConnection(describe_error(exc)) from exc

    rejected: dict[str, str] = {}
    deferred: dict[str, str] = {}
    for recipient in recipients:
        try:
            await client.rcpt(ascii_domain_address(recipient), encoding=encoding)
        except aiosmtplib.SMTPRecipientRefused as exc:
            refused = deferred if _kind_of(exc.code) == "deferred" else rejected
            refused[recipient] = format_reply(exc.code, exc.message)
        except ValueError as exc:
            rejected[recipient] = f"501 5.1.3 bad recipient address: {exc}"
    if len(rejected) + len(deferred) == len(recipients):
        return _nobody_accepted(rejected, deferred)

    try:
        response = await client.data(data)
    except aiosmtplib.SMTPResponseException as exc:
        return Outcome(_kind_of(exc.code), format_reply(exc.code, exc.message), rejected, deferred)
    return Outcome("sent", format_reply(response.code, response.message), rejected, deferred)


async def _pipelined_transaction(
    client: aiosmtplib.SMTP, sender: str, recipients: list[str], data: bytes, timeout: float
) -> Outcome:
    """The same transaction in two round trips (RFC 2920): MAIL FROM, the RCPT TOs and DATA
    written at once and their replies read in order, then the content if DATA was accepted."""
    mail_options, encoding = _envelope_options(client, sender, recipients, data)
    if encoding is None:
        return Outcome("failed", _no_smtputf8_reason(sender, recipients))
    try:
        mail = _command(b"MAIL FROM:", sender, mail_options, encoding)
    except ValueError as exc:  # an address that cannot go on a command line
        return Outcome("failed", f"501 5.1.7 bad sender address: {exc}")
    rejected: dict[str, str] = {}
    deferred: dict[str, str] = {}
    commands: dict[str, bytes] = {}
    for recipient in recipients:
        try:
            commands[recipient] = _command(b"RCPT TO:", recipient, [], encoding)
        except ValueError as exc:
            rejected[recipient] = f"501 5.1.3 bad recipient address: {exc}"
    if not commands:
        return _nobody_accepted(rejected, deferred)

    async with pipelined(client, timeout) as pipe:
        try:
            pipe.write(mail + b"".join(commands.values()) + b"DATA\r\n")
            mail_reply = await pipe.reply()
        except _CONNECTION_ERRORS as exc:  # nothing was accepted yet: safe to retry at once
            raise _StaleConnection(describe_error(exc)) from exc
        try:
            rcpt_replies = [await pipe.reply() for _ in commands]
            data_reply = await pipe.reply()
        except _CONNECTION_ERRORS:
            if mail_reply.code == 250:
                raise  # deferred by the caller, as without pipelining
            # Refused, then gone (a server shutting down says 421 and closes): its reply says why.
            return Outcome(_kind_of(mail_reply.code), format_reply(mail_reply.code, mail_reply.message))
        for recipient, reply in zip(commands, rcpt_replies):
            if reply.code not in (250, 251):
                refused = deferred if _kind_of(reply.code) == "deferred" else rejected
                refused[recipient] = format_reply(reply.code, reply.message)
        accepted = mail_reply.code == 250 and any(reply.code in (250, 251) for reply in rcpt_replies)
        if data_reply.code == 354 and accepted:
            pipe.write(content(data))
            end_reply = await pipe.reply()
        elif data_reply.code == 354:
            # DATA accepted with nobody to deliver to: an empty message ends it, which the
            # server must not deliver (RFC 2920 3.1).
            pipe.write(b".\r\n")
            await pipe.reply()

    if mail_reply.code != 250:
        return Outcome(_kind_of(mail_reply.code), format_reply(mail_reply.code, mail_reply.message))
    if not accepted:
        return _nobody_accepted(rejected, deferred)
    # Anything but 354 to DATA, even a 250, means the content was never taken (as aiosmtplib's data()).
    reply = end_reply if data_reply.code == 354 else data_reply
    if data_reply.code != 354 or end_reply.code != 250:
        return Outcome(_kind_of(reply.code), format_reply(reply.code, reply.message), rejected, deferred)
    return Outcome("sent", format_reply(reply.code, reply.message), rejected, deferred)


def _nobody_accepted(rejected: dict[str, str], deferred: dict[str, str]) -> Outcome:
    """Every recipient refused: retried only if some refusal was temporary."""
    kind = "deferred" if deferred else "failed"
    return Outcome(kind, next(iter((deferred or rejected).values())), rejected, deferred)


# An address aiosmtplib's parsing (email.utils.parseaddr) would hand back unchanged.
_PLAIN_MAILBOX = re.compile(r"[^\x00-\x20\x7f<>()\[\]\\,;:@\"]+@[^\x00-\x20\x7f<>()\[\]\\,;:@\"]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _command(verb: bytes, address: str, options: list[str], encoding: str) -> bytes:
    """`MAIL FROM:<…> OPTIONS` or `RCPT TO:<…>` as written; ValueError for an address that
    cannot go on a command line (aiosmtplib's own checks, as its mail() and rcpt() make)."""
    address = ascii_domain_address(address)
    mailbox = f"<{address}>" if _PLAIN_MAILBOX.fullmatch(address) else quote_address(address)
    if _CONTROL.search(mailbox):
        raise ValueError("Command arg contains a prohibited control character")
    line = verb + mailbox.encode(encoding)
    for option in options:
        line += b" " + option.encode("ascii")
    return line + b"\r\n"


def _envelope_options(
    client: aiosmtplib.SMTP, sender: str, recipients: list[str], data: bytes
) -> tuple[list[str], str | None]:
    """MAIL FROM options, and the address encoding (None: the message cannot be sent).

    A UTF-8 local part (zoë@…) has no ASCII form, in the envelope or in the headers (app.engines.mime
    then writes them as UTF-8, the only 8-bit bytes a built message has): SMTPUTF8 or nothing."""
    # SIZE lets the server refuse an oversized message before it is transferred.
    options = [f"SIZE={len(data)}"] if client.supports_extension("size") else []
    if _ascii_local_part(sender) and all(_ascii_local_part(r) for r in recipients) and data.isascii():
        return options, "ascii"
    if not client.supports_extension("smtputf8"):
        return options, None
    return [*options, "SMTPUTF8"], "utf-8"


def _ascii_local_part(address: str) -> bool:
    return address.rpartition("@")[0].isascii()


def _no_smtputf8_reason(sender: str, recipients: list[str]) -> str:
    utf8 = [address for address in (sender, *recipients) if not _ascii_local_part(address)]
    which = f"UTF-8 address {utf8[0]}" if utf8 else "UTF-8 address in the headers"
    return f"the SMTP server does not offer SMTPUTF8, which the {which} needs; not retried"


def _kind_of(code: int) -> Literal["deferred", "failed"]:
    # Only 5xx is permanent; 4xx and anything unexpected are worth another try.
    return "failed" if 500 <= code < 600 else "deferred"


async def _greet(client: aiosmtplib.SMTP) -> None:
    try:
        await client.ehlo()
    except aiosmtplib.SMTPHeloError:  # an old server without ESMTP: HELO, no extensions
        await client.helo()


async def _reset(client: aiosmtplib.SMTP, timeout: float) -> bool:
    """RSET after a refused transaction so the connection can carry the next one."""
    try:
        await client.rset(timeout=timeout)
        return True
    except _CONNECTION_ERRORS:
        return False


async def _quit(client: aiosmtplib.SMTP, timeout: float) -> None:
    try:
        await client.quit(timeout=min(timeout, 5))
    except _CONNECTION_ERRORS:
        pass
    finally:
        client.close()


def format_reply(code: int, message: str) -> str:
    return f"{code} {' '.join(message.split())}".strip()


def describe_error(exc: BaseException) -> str:
    """A one-line, human-readable account of a connection problem (for Outcome.reply)."""
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return format_reply(exc.code, exc.message)
    if isinstance(exc, ConnectionRefusedError) or isinstance(exc.__cause__, ConnectionRefusedError):
        return f"connection refused: {exc}"
    if isinstance(exc, (asyncio.TimeoutError, aiosmtplib.SMTPTimeoutError)):
        return f"timeout: {exc}" if str(exc) else "timeout"
    if isinstance(exc, aiosmtplib.SMTPServerDisconnected):
        return f"server disconnected: {exc}"
    return f"{type(exc).__name__}: {exc}"


class FileOutbox:
    """Writes each message to <directory>/<message_id>.eml: the no-SMTP development mode."""

    def __init__(self, directory: str | os.PathLike[str]):
        self.directory = Path(directory)

    def __repr__(self) -> str:
        return f"FileOutbox({str(self.directory)!r})"

    async def send(self, sender: str, recipients: list[str], data: bytes, message_id: str) -> Outcome:
        path = await asyncio.to_thread(self._write, message_id, data)
        # The file name only: a server path is nobody's business outside the server.
        return Outcome("sent", f"250 written to the outbox as {path.name}")

    async def close(self) -> None:
        return None

    def path_for(self, message_id: str) -> Path:
        name = message_id.strip("<>")
        if not name or "/" in name or "\\" in name or name.startswith("."):
            raise ValueError(f"message id cannot name a file: {message_id!r}")
        return self.directory / f"{name}.eml"

    def _write(self, message_id: str, data: bytes) -> Path:
        path = self.path_for(message_id)
        self.directory.mkdir(parents=True, exist_ok=True)
        # Write then rename: a reader never sees a half-written file.
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-", suffix=".eml")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path


def make_transport(
    smtp_url: str | None, outbox_dir: str, pool_size: int | None = None, deadline: float | None = None,
    ehlo_name: str | None = None,
) -> Transport:
    """SMTP when a URL is configured, else the file outbox."""
    if smtp_url:
        return SmtpTransport(smtp_url, pool_size=pool_size, deadline=deadline, ehlo_name=ehlo_name)
    return FileOutbox(outbox_dir)
