"""Bounces and complaints after acceptance, over SMTP: the worker sends with a VERP return path
to the test SMTP server, then DSNs (RFC 3464, one in Postfix's exact layout) and ARF complaints
go over SMTP (aiosmtplib) to the inbound listener (app/engines/inbound.py)."""

from __future__ import annotations

import dataclasses
import logging
import uuid

import aiosmtplib
import pytest

from app.core.verp import make_token, read_token, return_path
from app.engines.inbound import InboundServer
from app.engines.webhooks import verify
from models import Domain, Message, MessageEvent, Suppression
from tests.helpers import delivery_worker, send_ok, webhook_runner
from tests.support.reports import arf_report, postfix_dsn, rfc3464_dsn

SECRET = "test-secret-key"  # tests/conftest.py's settings


@pytest.fixture
async def inbound(settings):
    listener = InboundServer(settings, host="127.0.0.1", port=0)
    await listener.start()
    yield listener
    await listener.stop()


async def deliver(smtp_url_worker, message_id: str, smtp_sink):
    await smtp_url_worker.drain()
    [received] = smtp_sink.received_by_id(message_id)
    return received


def returned_headers(received) -> str:
    return received.data.split(b"\r\n\r\n", 1)[0].decode("ascii")


async def post_report(inbound: InboundServer, rcpt: str, data: bytes) -> None:
    """Send `data` from the null sender <> (as bounces are) to `rcpt`; raises on a refusal."""
    async with aiosmtplib.SMTP(hostname="127.0.0.1", port=inbound.port, timeout=10) as smtp:
        await smtp.sendmail("", [rcpt], data)


async def rcpt_reply(inbound: InboundServer, rcpt: str) -> int:
    async with aiosmtplib.SMTP(hostname="127.0.0.1", port=inbound.port, timeout=10) as smtp:
        await smtp.mail("")
        try:
            return (await smtp.rcpt(rcpt)).code
        except aiosmtplib.SMTPRecipientRefused as exc:
            return exc.code


async def events(message_id: str) -> list[tuple[str, str]]:
    return [(e.status, e.detail) for e in await MessageEvent.filter(message_id=message_id).order_by("id")]


async def sending_domain(client, key, return_path_published: bool = True) -> str:
    """A sending domain of the key's organization (`acme-….com`), its bounce MX found or not."""
    name = f"acme-{uuid.uuid4().hex[:10]}.com"
    response = await client.post("/api/v1/domains", json={"name": name}, headers=key.headers)
    assert response.status_code == 201, response.text
    status = "verified" if return_path_published else "pending"
    await Domain.filter(id=response.json()["id"]).update(record_status={"return_path": status})
    return name


def test_tokens_are_signed_lower_case_and_read_in_any_case():
    message_id = "msg_0abcdefghijklmnopqrstuvwx"
    token = make_token(SECRET, message_id)
    assert token == token.lower() and len(token) == 42 and all(c.isalnum() or c == "-" for c in token)
    address = return_path(SECRET, message_id, "Bounces.Acme.com")
    assert address == f"bounces+{token}@bounces.acme.com"
    assert read_token(SECRET, address) == message_id
    assert read_token(SECRET, address.upper()) == message_id  # an MTA that upper- or lower-cases
    assert read_token("another-key", address) is None
    forged = address.replace(token[-3:] + "@", ("aaa" if token[-3:] != "aaa" else "bbb") + "@")
    assert read_token(SECRET, forged) is None
    other = make_token(SECRET, "msg_1abcdefghijklmnopqrstuvwx")
    assert read_token(SECRET, f"bounces+{token[:25]}-{other[26:]}@x.test") is None  # a tag of another message
    assert read_token(SECRET, "hello@acme.com") is None and make_token(SECRET, "ct_0abc") is None


async def test_mail_from_a_sending_domain_returns_to_its_bounce_domain(client, key, worker, smtp_sink):
    domain = await sending_domain(client, key)
    message_id = await send_ok(client, key, to="jane@example.com", text="hi", **{"from": f"Acme <hello@news.{domain}>"})
    received = await deliver(worker, message_id, smtp_sink)
    assert received.mail_from == f"bounces+{make_token(SECRET, message_id)}@bounces.{domain}"
    assert read_token(SECRET, received.mail_from) == message_id
    assert str(received.message["From"]) == f"Acme <hello@news.{domain}>"  # the From is untouched


async def test_without_a_published_bounce_mx_the_default_bounce_domain_or_the_from_address(
    client, key, worker_settings, smtp_sink
):
    domain = await sending_domain(client, key, return_path_published=False)
    plain = delivery_worker(worker_settings)
    with_default = delivery_worker(dataclasses.replace(worker_settings, bounce_domain="bounces.viperatron.test"))
    try:
        first = await send_ok(client, key, to="jane@example.com", text="hi", **{"from": f"hello@{domain}"})
        received = await deliver(plain, first, smtp_sink)
        assert received.mail_from == f"hello@{domain}"  # neither: as before
        second = await send_ok(client, key, to="jane@example.com", text="hi", **{"from": "hello@elsewhere.com"})
        received = await deliver(with_default, second, smtp_sink)
        assert received.mail_from == f"bounces+{make_token(SECRET, second)}@bounces.viperatron.test"
    finally:
        await plain.transport.close()
        await with_default.transport.close()


async def test_a_postfix_bounce_marks_the_message_bounced_and_suppresses_the_address(
    client, key, worker, smtp_sink, inbound
):
    domain = await sending_domain(client, key)
    message_id = await send_ok(client, key, to="nobody@example.net", text="hi", **{"from": f"hello@{domain}"})
    received = await deliver(worker, message_id, smtp_sink)
    # Postfix writes the return path as it got it; some MTAs lower- or upper-case it.
    await post_report(inbound, received.mail_from.upper(),
                      postfix_dsn(received.mail_from, "nobody@example.net", returned_headers(received)))

    message = await Message.get(id=message_id)
    assert message.status == "bounced" and "5.1.1" in message.last_reply
    [suppression] = await Suppression.filter(organization_id=key.organization_id)
    assert (suppression.email, suppression.reason, suppression.message_id) == ("nobody@example.net", "bounced", message_id)
    assert suppression.detail.startswith("smtp; 550 5.1.1 <nobody@example.net>: Recipient address rejected")
    status, detail = (await events(message_id))[-1]
    assert status == "bounced" and "nobody@example.net bounced (5.1.1) at mx.example.net" in detail
    view = (await client.get(f"/api/v1/delivery/messages/{message_id}", headers=key.headers)).json()
    assert view["status"] == "bounced" and view["events"][-1]["status"] == "bounced"

    later = await send_ok(client, key, to="nobody@example.net", text="again", **{"from": f"hello@{domain}"})
    await worker.drain()
    assert (await Message.get(id=later)).status == "suppressed" and smtp_sink.received_by_id(later) == []


async def test_a_delay_notice_only_adds_an_event_and_a_failure_suppresses_only_its_recipient(
    client, key, worker, smtp_sink, inbound
):
    domain = await sending_domain(client, key)
    message_id = await send_ok(client, key, to=["ann@example.net", "bob@example.net"], text="hi",
                               **{"from": f"hello@{domain}"})
    received = await deliver(worker, message_id, smtp_sink)
    headers = returned_headers(received)
    delayed = {"final": "ann@example.net", "action": "delayed", "status": "4.4.7",
               "diagnostic": "451 4.4.7 Mailbox temporarily unavailable"}
    await post_report(inbound, received.mail_from, rfc3464_dsn(received.mail_from, [delayed], headers))
    assert (await Message.get(id=message_id)).status == "sent"
    assert await Suppression.filter(organization_id=key.organization_id).count() == 0
    status, detail = (await events(message_id))[-1]
    assert status == "sent" and detail.startswith("ann@example.net delayed (4.4.7): smtp; 451 4.4.7")

    # Bob's server forwarded to another address, which failed: Original-Recipient names ours.
    failed = {"final": "robert@elsewhere.com", "original": "BOB@example.net", "action": "failed", "status": "5.2.1",
              "diagnostic": "550 5.2.1 Mailbox disabled"}
    await post_report(inbound, received.mail_from, rfc3464_dsn(received.mail_from, [failed, delayed], headers))
    assert (await Message.get(id=message_id)).status == "bounced"
    rows = await Suppression.filter(organization_id=key.organization_id)
    assert [(r.email, r.reason, r.detail) for r in rows] == [
        ("bob@example.net", "bounced", "smtp; 550 5.2.1 Mailbox disabled")
    ]


async def test_a_complaint_marks_the_message_complained_and_suppresses_the_address(
    client, key, worker, smtp_sink, inbound, settings, webhook_receiver, allow_private
):
    hook = (await client.post("/api/v1/webhooks", json={"url": webhook_receiver.url, "events": [
        "message.complained"]}, headers=key.headers)).json()
    domain = await sending_domain(client, key)
    message_id = await send_ok(client, key, to="jane@example.com", text="hi", **{"from": f"hello@{domain}"})
    received = await deliver(worker, message_id, smtp_sink)
    # The provider redacted Original-Rcpt-To: a message with one recipient still names it.
    await post_report(inbound, received.mail_from, arf_report(received.mail_from, None, received.data))
    message = await Message.get(id=message_id)
    assert message.status == "complained"
    [suppression] = await Suppression.filter(organization_id=key.organization_id)
    assert (suppression.email, suppression.reason) == ("jane@example.com", "complained")
    status, detail = (await events(message_id))[-1]
    assert status == "complained" and "jane@example.com reported it as spam (abuse)" in detail
    later = await send_ok(client, key, to="jane@example.com", text="again", **{"from": f"hello@{domain}"})
    await worker.drain()
    assert (await Message.get(id=later)).status == "suppressed"
    # An integrator's endpoint heard of it, signed.
    await webhook_runner(settings).drain()
    [call] = webhook_receiver.received
    assert call.json()["type"] == "message.complained" and call.json()["data"]["suppressed"] == ["jane@example.com"]
    assert verify(hook["secret"], call.headers["Viperatron-Signature"], call.body)


async def test_forged_tokens_and_other_recipients_are_refused_and_unknown_messages_dropped(
    client, key, worker, smtp_sink, inbound, caplog
):
    domain = await sending_domain(client, key)
    message_id = await send_ok(client, key, to="jane@example.com", text="hi", **{"from": f"hello@{domain}"})
    received = await deliver(worker, message_id, smtp_sink)
    good = received.mail_from
    local, _, host = good.partition("@")
    forged = f"{local[:-4]}{'aaaa' if local[-4:] != 'aaaa' else 'bbbb'}@{host}"
    with caplog.at_level(logging.INFO, logger="viperatron"):
        assert await rcpt_reply(inbound, forged) == 550
        assert await rcpt_reply(inbound, f"bounces+{make_token('another-key', message_id)}@{host}") == 550
        assert await rcpt_reply(inbound, f"hello@{domain}") == 550  # no mailbox, no relay
        assert await rcpt_reply(inbound, f"postmaster@bounces.{domain}") == 550
        with pytest.raises(aiosmtplib.SMTPRecipientsRefused):
            await post_report(inbound, forged, postfix_dsn(forged, "jane@example.com", returned_headers(received)))
        # Signed by us, but for a message that no longer exists (erased): accepted and dropped.
        gone = "msg_" + "0" * 25
        gone_path = return_path(SECRET, gone, host)
        await post_report(inbound, gone_path, postfix_dsn(gone_path, "jane@example.com", returned_headers(received)))
        # Not a report at all (an auto-reply): accepted and dropped.
        await post_report(inbound, good, b"From: jane@example.com\r\nSubject: Out of office\r\n\r\nBack Monday.\r\n")
    assert f"refused {forged}" in caplog.text and "forged or damaged" in caplog.text
    assert f"for {gone}, which no longer exists: dropped" in caplog.text
    assert "is not a DSN or complaint report: dropped" in caplog.text
    assert (await Message.get(id=message_id)).status == "sent"
    assert await Suppression.filter(organization_id=key.organization_id).count() == 0


async def test_the_listener_bounds_what_it_reads(inbound):
    path = return_path(SECRET, "msg_" + "0" * 24 + "1", "bounces.example.test")
    with pytest.raises(aiosmtplib.SMTPResponseException) as refused:
        await post_report(inbound, path, b"Subject: big\r\n\r\n" + (b"x" * 900 + b"\r\n") * 1200)
    assert refused.value.code == 552
