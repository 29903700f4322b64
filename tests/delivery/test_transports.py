"""app.engines.transports against a real SMTP server (tests/support/smtp_server.py), never a mock."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
from pathlib import Path

import pytest
import uvloop

from app.engines.transports import FileOutbox, SmtpTransport, make_transport, parse_smtp_url, smtp_url_summary
from tests.helpers import free_port
from tests.support.smtp_server import SmtpSink, make_self_signed_cert

SENDER = "hello@acme.com"


@pytest.fixture(params=[True, False], ids=["pipelining", "one-command-at-a-time"])
def smtp_sink(request):
    """Every test here runs against a server offering PIPELINING (the transaction in two round
    trips) and one that does not (aiosmtplib's one command at a time)."""
    sink = SmtpSink(pipelining=request.param)
    sink.start()
    yield sink
    sink.stop()


def message(n: int = 1) -> bytes:
    return (
        f"From: {SENDER}\r\nTo: a@example.com\r\nSubject: test {n}\r\n"
        f"Message-ID: <msg_{n}@acme.com>\r\n\r\nbody {n}\r\n"
    ).encode()


async def test_sends_and_reuses_one_connection(smtp_transport, smtp_sink):
    for n in range(5):
        outcome = await smtp_transport.send(SENDER, ["a@example.com"], message(n), f"msg_{n}")
        assert outcome.kind == "sent"
        assert outcome.reply.startswith("250")
    received = smtp_sink.wait_for(5)
    assert [r.message["Subject"] for r in received] == [f"test {n}" for n in range(5)]
    assert received[0].mail_from == SENDER and received[0].rcpt_tos == ["a@example.com"]
    assert smtp_sink.connections == 1


async def test_concurrent_sends_stay_within_the_pool(smtp_sink):
    smtp = SmtpTransport(smtp_sink.url, pool_size=2, timeout=5)
    try:
        outcomes = await asyncio.gather(
            *(smtp.send(SENDER, ["a@example.com"], message(n), f"msg_{n}") for n in range(12))
        )
    finally:
        await smtp.close()
    assert {o.kind for o in outcomes} == {"sent"}
    assert len(smtp_sink.wait_for(12)) == 12
    assert 1 <= smtp_sink.connections <= 2


async def test_temporary_data_refusal_is_deferred_and_connection_reused(smtp_transport, smtp_sink):
    smtp_sink.script_data("451 4.3.0 Try again later")
    outcome = await smtp_transport.send(SENDER, ["a@example.com"], message(), "msg_1")
    assert outcome.kind == "deferred"
    assert outcome.reply == "451 4.3.0 Try again later"

    again = await smtp_transport.send(SENDER, ["a@example.com"], message(), "msg_1")
    assert again.kind == "sent"
    assert len(smtp_sink.wait_for(1)) == 1
    assert smtp_sink.connections == 1  # RSET kept the connection usable


async def test_permanent_data_refusal_fails(smtp_transport, smtp_sink):
    smtp_sink.script_data("550 5.7.1 Rejected as spam")
    outcome = await smtp_transport.send(SENDER, ["a@example.com"], message(), "msg_1")
    assert (outcome.kind, outcome.reply) == ("failed", "550 5.7.1 Rejected as spam")


@pytest.mark.parametrize(
    ("reply", "kind"), [("451 4.7.1 Greylisted", "deferred"), ("553 5.7.1 Sender not allowed", "failed")]
)
async def test_mail_from_refusal(smtp_transport, smtp_sink, reply, kind):
    smtp_sink.script_mail(reply)
    outcome = await smtp_transport.send(SENDER, ["a@example.com"], message(), "msg_1")
    assert (outcome.kind, outcome.reply) == (kind, reply)
    assert (await smtp_transport.send(SENDER, ["a@example.com"], message(), "msg_1")).kind == "sent"


async def test_all_recipients_refused_permanently_fails(smtp_transport, smtp_sink):
    smtp_sink.reject_rcpt.update({"a@example.com": "550 5.1.1 No such user", "b@example.com": "550 5.1.1 No such user"})
    outcome = await smtp_transport.send(SENDER, ["a@example.com", "b@example.com"], message(), "msg_1")
    assert outcome.kind == "failed"
    assert outcome.reply == "550 5.1.1 No such user"
    assert outcome.rejected == {"a@example.com": "550 5.1.1 No such user", "b@example.com": "550 5.1.1 No such user"}
    assert outcome.deferred == {}
    assert smtp_sink.messages == []


async def test_one_recipient_refused_still_sends_to_the_other(smtp_transport, smtp_sink):
    smtp_sink.reject_rcpt["b@example.com"] = "550 5.1.1 No such user"
    outcome = await smtp_transport.send(SENDER, ["a@example.com", "b@example.com"], message(), "msg_1")
    assert outcome.kind == "sent"
    assert outcome.rejected == {"b@example.com": "550 5.1.1 No such user"}
    assert smtp_sink.wait_for(1)[0].rcpt_tos == ["a@example.com"]


async def test_temporary_and_permanent_recipient_refusals_defer(smtp_transport, smtp_sink):
    smtp_sink.reject_rcpt.update({"a@example.com": "450 4.2.1 Mailbox busy", "b@example.com": "550 5.1.1 No such user"})
    outcome = await smtp_transport.send(SENDER, ["a@example.com", "b@example.com"], message(), "msg_1")
    assert outcome.kind == "deferred"
    assert outcome.reply == "450 4.2.1 Mailbox busy"
    assert outcome.deferred == {"a@example.com": "450 4.2.1 Mailbox busy"}
    assert outcome.rejected == {"b@example.com": "550 5.1.1 No such user"}


async def test_server_down_defers_then_reconnects(smtp_transport, smtp_sink):
    assert (await smtp_transport.send(SENDER, ["a@example.com"], message(1), "msg_1")).kind == "sent"
    smtp_sink.stop()
    down = await smtp_transport.send(SENDER, ["a@example.com"], message(2), "msg_2")
    assert down.kind == "deferred"
    assert "refused" in down.reply

    smtp_sink.start()
    up = await smtp_transport.send(SENDER, ["a@example.com"], message(3), "msg_3")
    assert up.kind == "sent"
    assert [r.message["Subject"] for r in smtp_sink.wait_for(2)] == ["test 1", "test 3"]


async def test_connection_dropped_while_idle_is_replaced_without_deferring(smtp_transport, smtp_sink):
    assert (await smtp_transport.send(SENDER, ["a@example.com"], message(1), "msg_1")).kind == "sent"
    smtp_sink.stop()  # the pooled connection is cut (like a server's idle timeout)…
    smtp_sink.start()  # …and the server is back before the next send
    outcome = await smtp_transport.send(SENDER, ["a@example.com"], message(2), "msg_2")
    assert outcome.kind == "sent"
    assert smtp_sink.connections == 2


async def test_no_server_defers():
    smtp = SmtpTransport(f"smtp://127.0.0.1:{free_port()}", timeout=2)
    outcome = await smtp.send(SENDER, ["a@example.com"], message(), "msg_1")
    await smtp.close()
    assert outcome.kind == "deferred"
    assert outcome.reply.startswith("connection refused")


async def test_silent_server_times_out_as_deferred():
    with socket.socket() as listener:  # accepts TCP (backlog) but never greets
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        smtp = SmtpTransport(f"smtp://127.0.0.1:{listener.getsockname()[1]}?timeout=0.3")
        outcome = await smtp.send(SENDER, ["a@example.com"], message(), "msg_1")
        await smtp.close()
    assert outcome.kind == "deferred"
    assert "timeout" in outcome.reply.lower() or "timed out" in outcome.reply.lower()


async def test_auth_with_url_decoded_credentials():
    sink = SmtpSink(credentials=("user@acme.com", "p@ss:w/rd"))
    sink.start()
    try:
        # The test server has no TLS: plain AUTH must be allowed explicitly.
        good = SmtpTransport(
            f"smtp://user%40acme.com:p%40ss%3Aw%2Frd@127.0.0.1:{sink.port}?allow_insecure_auth=true", timeout=5
        )
        assert (await good.send(SENDER, ["a@example.com"], message(), "msg_1")).kind == "sent"
        await good.close()
        assert sink.wait_for(1)[0].auth_user == "user@acme.com"

        bad = SmtpTransport(f"smtp://user%40acme.com:wrong@127.0.0.1:{sink.port}?allow_insecure_auth=true", timeout=5)
        outcome = await bad.send(SENDER, ["a@example.com"], message(), "msg_2")
        await bad.close()
        assert outcome.kind == "deferred"  # a configuration problem: keep the message
        assert outcome.reply.startswith("535")
    finally:
        sink.stop()


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    return make_self_signed_cert(tmp_path_factory.mktemp("tls"))


@pytest.mark.parametrize("pipelining", [True, False], ids=["pipelining", "one-command-at-a-time"])
@pytest.mark.parametrize("implicit", [True, False], ids=["smtps", "starttls"])
async def test_tls_modes(tls_files, implicit, pipelining):
    await _tls_round(tls_files, implicit, pipelining)


@pytest.mark.parametrize("pipelining", [True, False], ids=["pipelining", "one-command-at-a-time"])
@pytest.mark.parametrize("implicit", [True, False], ids=["smtps", "starttls"])
def test_tls_modes_on_uvloop(tls_files, implicit, pipelining):
    """`viperatron worker` runs on uvloop, whose TLS (and STARTTLS upgrade) is its own."""
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(_tls_round(tls_files, implicit, pipelining))


async def _tls_round(tls_files, implicit: bool, pipelining: bool) -> None:
    sink = SmtpSink(tls=tls_files, implicit_tls=implicit, pipelining=pipelining)
    sink.start()
    try:
        url = sink.url + ("?verify=false" if implicit else "?starttls=true&verify=false")
        smtp = SmtpTransport(url, timeout=5)
        for n in (1, 2):  # the second on the same connection: it came back in step from the first
            assert (await smtp.send(SENDER, ["a@example.com"], message(n), f"msg_{n}")).kind == "sent"
        await smtp.close()
        received = sink.wait_for(2)
        assert all(r.tls for r in received) and [r.message["Subject"] for r in received] == ["test 1", "test 2"]
        assert sink.connections == 1

        checked = SmtpTransport(url.replace("verify=false", "verify=true"), timeout=5)
        outcome = await checked.send(SENDER, ["a@example.com"], message(), "msg_2")
        await checked.close()
        assert outcome.kind == "deferred"  # self-signed: refused unless verify=false
        assert "certificate" in outcome.reply.lower()
    finally:
        sink.stop()


async def test_file_outbox_writes_a_parseable_eml(tmp_path: Path):
    outbox = FileOutbox(str(tmp_path / "outbox"))
    outcome = await outbox.send(SENDER, ["a@example.com"], message(7), "msg_7")
    path = tmp_path / "outbox" / "msg_7.eml"
    assert outcome.kind == "sent" and outcome.reply == "250 written to the outbox as msg_7.eml"
    assert str(tmp_path) not in outcome.reply  # no server path
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert parsed["Subject"] == "test 7"
    assert [p.name for p in (tmp_path / "outbox").iterdir()] == ["msg_7.eml"]  # no temp file left
    with pytest.raises(ValueError):
        await outbox.send(SENDER, ["a@example.com"], message(), "../escape")


def test_make_transport_picks_by_url(tmp_path):
    assert isinstance(make_transport(None, str(tmp_path)), FileOutbox)
    assert isinstance(make_transport("", str(tmp_path)), FileOutbox)
    smtp = make_transport("smtp://127.0.0.1:2525", str(tmp_path), pool_size=7)
    assert isinstance(smtp, SmtpTransport) and smtp.pool_size == 7


def test_bad_scheme_names_the_accepted_ones():
    with pytest.raises(ValueError, match="smtp://.*smtps://"):
        SmtpTransport("http://mail.example.com")


@pytest.mark.parametrize(
    "url",
    [
        "smtp://",
        "smtp://host?starttls=maybe",
        "smtps://host?starttls=true",
        "smtp://host?pool=0",
        "smtp://host?timeout=soon",
        "smtp://host?tls=on",
        "smtp://host:notaport",
    ],
)
def test_bad_urls_are_refused(url):
    with pytest.raises(ValueError):
        parse_smtp_url(url)


def test_url_forms():
    plain = parse_smtp_url("smtp://u%20ser:p%2Fw@mail.example.com?allow_insecure_auth=true")
    assert (plain.host, plain.port, plain.tls_mode) == ("mail.example.com", 25, "plain")
    assert (plain.username, plain.password) == ("u ser", "p/w")
    starttls = parse_smtp_url("smtp://mail.example.com:587?starttls=true&timeout=5&pool=8")
    assert (starttls.port, starttls.tls_mode, starttls.timeout, starttls.pool_size) == (587, "starttls", 5.0, 8)
    implicit = parse_smtp_url("SMTPS://mail.example.com?verify=false")
    assert (implicit.port, implicit.tls_mode, implicit.verify, implicit.username) == (465, "implicit-tls", False, None)
    assert plain.pipelining is True  # used wherever the server offers it
    assert parse_smtp_url("smtp://mail.example.com?pipelining=false").pipelining is False
    with pytest.raises(ValueError, match="pipelining must be true or false"):
        parse_smtp_url("smtp://mail.example.com?pipelining=maybe")


@pytest.mark.parametrize("url", ["smtp://user:s3cr3t@mail.example.com", "smtp://user@mail.example.com:587"])
def test_auth_without_tls_is_refused_unless_allowed(url, tmp_path):
    with pytest.raises(ValueError, match="in the clear.*allow_insecure_auth=true") as refused:
        make_transport(url, str(tmp_path))
    assert "s3cr3t" not in str(refused.value)
    with pytest.raises(ValueError, match="allow_insecure_auth must be true or false"):
        parse_smtp_url(url + "?allow_insecure_auth=maybe")
    assert parse_smtp_url(url + "?allow_insecure_auth=true").tls_mode == "plain"
    assert parse_smtp_url(url + "?starttls=true").username == "user"
    assert parse_smtp_url(url.replace("smtp://", "smtps://")).username == "user"
    assert parse_smtp_url("smtp://mail.example.com").username is None  # no auth: plain is fine


def test_summary_never_shows_secrets():
    summary = smtp_url_summary("smtps://apikey:s3cr3t@smtp.example.com:465")
    assert summary == "smtp.example.com:465 (implicit-tls, auth)"
    assert "s3cr3t" not in summary and "apikey" not in summary
    assert "s3cr3t" not in smtp_url_summary("ftp://apikey:s3cr3t@host")
    assert smtp_url_summary(None) == "file outbox"
