"""The delivery worker: email leaves over real SMTP (an aiosmtpd server on 127.0.0.1), with its
timeline; deferrals and retries, bounces that suppress, sandbox keys, messages that cannot be
built; leases, the SMTP deadline and fair shares between organizations."""

from __future__ import annotations

import base64
import dataclasses
import email
import re
import time
from datetime import datetime, timedelta, timezone
from email.header import decode_header, make_header

import pytest

from app.core.settings import Settings
from app.engines import delivery_queue
from app.engines.leases import per_org_cap
from app.engines.worker import Worker
from models import Message, Suppression
from tests.helpers import delivery_worker, eventually, send_ok, start_loops

# Worker.run() also runs automations: settle runs earlier tests left due.
SEED_SEND = {
    "to": "customer@example.com",
    "subject": "Welcome to Acme",
    "html": "<h1>Hi {{firstName}}</h1><p>Thanks for signing up.</p>",
    "from": "hello@acme.com",
}


async def timeline(client, key, message_id):
    message = (await client.get(f"/api/v1/delivery/messages/{message_id}", headers=key.headers)).json()
    return message, [e["status"] for e in message["events"]]


def part(received, content_type: str) -> str:
    for p in received.message.walk():
        if p.get_content_type() == content_type:
            return p.get_content()
    raise AssertionError(f"no {content_type} part")


async def test_the_seed_send_arrives_rendered_from_the_contact(client, key, worker, smtp_sink):
    await client.post("/api/v1/contacts", json={"email": "customer@example.com", "firstName": "Jane"}, headers=key.headers)
    message_id = await send_ok(client, key, **SEED_SEND)
    await worker.drain()
    [received] = smtp_sink.received_by_id(message_id)
    assert received.rcpt_tos == ["customer@example.com"] and received.mail_from == "hello@acme.com"
    assert received.message.get_content_type() == "multipart/alternative"
    assert "<h1>Hi Jane</h1>" in part(received, "text/html")
    assert "Hi Jane" in part(received, "text/plain")  # derived from the html
    message, statuses = await timeline(client, key, message_id)
    assert statuses == ["queued", "sending", "sent"]
    assert message["status"] == "sent" and message["sentAt"] and message["attempts"] == 1
    assert message["lastReply"].startswith("250")
    assert str(received.message["Message-ID"]) == message["messageIdHeader"]


async def test_everything_given_arrives_as_sent_and_bcc_stays_hidden(client, key, worker, smtp_sink):
    pdf = b"%PDF-1.4 \x00\xff binary"
    message_id = await send_ok(
        client, key,
        to=["ana@example.com"], cc="cc@example.com", bcc=["hidden@example.com"], replyTo="support@acme.com",
        **{"from": "Zoë Müller <hello@acme.com>"},
        subject="Grüße, déjà vu ✓", text="Hallo Ana", html="<p>Hallo <b>Ana</b></p>",
        headers={"X-Campaign": "winter", "List-Unsubscribe": "<https://acme.com/u/1>"},
        attachments=[{"filename": "rechnung.pdf", "content": base64.b64encode(pdf).decode(), "contentType": "application/pdf"}],
        tags=["welcome", "de"], metadata={"orderId": "o-1"},
    )
    await worker.drain()
    [received] = smtp_sink.received_by_id(message_id)
    headers = received.message
    assert set(received.rcpt_tos) == {"ana@example.com", "cc@example.com", "hidden@example.com"}
    assert "hidden@example.com" not in received.data.decode("ascii")  # not in any header
    assert headers["Bcc"] is None
    assert str(make_header(decode_header(headers["Subject"]))) == "Grüße, déjà vu ✓"
    assert headers["From"].addresses[0].display_name == "Zoë Müller"
    assert headers["Cc"] == "cc@example.com" and headers["Reply-To"] == "support@acme.com"
    assert headers["X-Campaign"] == "winter" and headers["List-Unsubscribe"] == "<https://acme.com/u/1>"
    assert headers["Date"] and headers["MIME-Version"] == "1.0"
    [attachment] = [p for p in headers.walk() if p.get_filename()]
    assert attachment.get_filename() == "rechnung.pdf" and attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == pdf
    assert part(received, "text/plain").strip() == "Hallo Ana"
    message, _ = await timeline(client, key, message_id)
    assert message["tags"] == ["welcome", "de"] and message["metadata"] == {"orderId": "o-1"}
    assert message["attachments"] == [{"filename": "rechnung.pdf", "contentType": "application/pdf", "size": len(pdf)}]
    assert message["bcc"] == ["hidden@example.com"] and message["replyTo"] == ["support@acme.com"]


def slow_retries(worker: Worker) -> None:
    """Retries due an hour or more later: never inside the drain() that deferred the message,
    however slow the machine. `make_due` moves a retry's time in the database instead."""
    worker.settings = dataclasses.replace(
        worker.settings, retry_base_seconds=3600, retry_max_interval_seconds=7200, retry_give_up_seconds=86400
    )


async def make_due(message_id: str) -> None:
    """The message waits for its retry (scheduled ahead): make it due now."""
    stored = await Message.get(id=message_id)
    assert stored.due_at > datetime.now(timezone.utc) + timedelta(minutes=30), stored.due_at
    await Message.filter(id=message_id).update(due_at=datetime.now(timezone.utc) - timedelta(seconds=1))


async def test_a_451_defers_and_the_retry_carries_the_same_message_id(client, key, worker, smtp_sink):
    slow_retries(worker)
    smtp_sink.script_data_for("slow@example.com", "451 4.3.0 Try again later")
    message_id = await send_ok(client, key, to="slow@example.com", **{"from": "a@acme.com"}, subject="S", text="T")
    await worker.drain()
    message, statuses = await timeline(client, key, message_id)
    assert statuses == ["queued", "sending", "deferred"]
    assert message["status"] == "deferred" and message["lastReply"].startswith("451 4.3.0 Try again later")
    assert "next attempt at" in message["events"][-1]["detail"]
    assert smtp_sink.received_by_id(message_id) == []
    await make_due(message_id)
    await worker.drain()
    message, statuses = await timeline(client, key, message_id)
    assert statuses == ["queued", "sending", "deferred", "sending", "sent"]
    assert message["attempts"] == 2
    [received] = smtp_sink.received_by_id(message_id)
    assert str(received.message["Message-ID"]) == message["messageIdHeader"]


async def test_a_550_fails_and_suppresses_the_address(client, key, worker, smtp_sink):
    smtp_sink.reject_rcpt["gone@example.com"] = "550 5.1.1 No such user"
    message_id = await send_ok(client, key, to="Gone@Example.com", **{"from": "a@acme.com"}, subject="S", text="T")
    await worker.drain()
    message, statuses = await timeline(client, key, message_id)
    assert statuses == ["queued", "sending", "failed"]
    assert message["lastReply"] == "550 5.1.1 No such user"
    suppression = await Suppression.get(organization_id=key.organization_id, email_key="gone@example.com")
    assert suppression.reason == "bounced" and suppression.message_id == message_id
    # The next send to that address never reaches SMTP.
    again = await send_ok(client, key, to="gone@example.com", **{"from": "a@acme.com"}, subject="S", text="T")
    await worker.drain()
    message, statuses = await timeline(client, key, again)
    assert statuses == ["queued", "sending", "suppressed"] and message["status"] == "suppressed"
    assert message["attempts"] == 1 and message["lastReply"] is None


async def test_one_bounced_recipient_of_two_is_suppressed_and_the_other_gets_it(client, key, worker, smtp_sink):
    smtp_sink.reject_rcpt["bad@example.com"] = "550 5.1.1 No such user"
    message_id = await send_ok(
        client, key, to=["ok@example.com", "bad@example.com"], **{"from": "a@acme.com"}, subject="S", text="T"
    )
    await worker.drain()
    message, _ = await timeline(client, key, message_id)
    assert message["status"] == "sent" and "bad@example.com refused: 550" in message["events"][-1]["detail"]
    assert [r.rcpt_tos for r in smtp_sink.received_by_id(message_id)] == [["ok@example.com"]]
    assert await Suppression.exists(organization_id=key.organization_id, email_key="bad@example.com")


async def test_server_down_defers_and_it_is_delivered_once_back(client, key, worker, smtp_sink):
    slow_retries(worker)
    smtp_sink.stop()
    message_id = await send_ok(client, key, to="later@example.com", **{"from": "a@acme.com"}, subject="S", text="T")
    await worker.drain()
    message, statuses = await timeline(client, key, message_id)
    assert statuses == ["queued", "sending", "deferred"] and message["lastReply"]
    smtp_sink.start()
    await make_due(message_id)
    await worker.drain()
    message, statuses = await timeline(client, key, message_id)
    assert statuses[-1] == "sent"
    assert len(smtp_sink.received_by_id(message_id)) == 1


async def test_test_mode_keys_never_reach_the_smtp_server(client, make_key, worker, smtp_sink):
    test_key = await make_key(test=True)
    assert test_key.plaintext.startswith("et_test_")
    message_id = await send_ok(client, test_key, to="real@example.com", **{"from": "a@acme.com"}, subject="S", text="T")
    await worker.drain()
    message, statuses = await timeline(client, test_key, message_id)
    assert message["status"] == "sent" and message["sandbox"] is True
    assert statuses == ["queued", "sending", "sent"] and "sandbox" in message["events"][-1]["detail"]
    assert smtp_sink.received_by_id(message_id) == []
    assert all("real@example.com" not in r.rcpt_tos for r in smtp_sink.messages)


async def test_the_worker_gives_up_after_the_configured_time(client, key, worker, smtp_sink):
    import dataclasses

    worker.settings = dataclasses.replace(worker.settings, retry_give_up_seconds=0.0)
    smtp_sink.script_data_for("never@example.com", "421 4.7.0 Try again later")
    message_id = await send_ok(client, key, to="never@example.com", **{"from": "a@acme.com"}, subject="S", text="T")
    await worker.drain()
    message, statuses = await timeline(client, key, message_id)
    assert statuses == ["queued", "sending", "failed"]
    assert message["events"][-1]["detail"].startswith("gave up after 1 attempts: 421")


async def test_a_killed_workers_claim_is_taken_over_after_the_lease(client, key, worker, smtp_sink):
    message_id = await send_ok(client, key, to="lease@example.com", **{"from": "a@acme.com"}, subject="S", text="T")
    # A worker that dies right after claiming (the claim takes every organization's due
    # messages: it has no organization filter). Its lease is long, so no drain takes the
    # message over however slow the machine; the lease then runs out in the database.
    claims = await delivery_queue.claim(1000, lease_seconds=3600)
    assert message_id in [c.id for c in claims]
    await worker.drain()
    assert smtp_sink.received_by_id(message_id) == []  # still leased
    assert (await timeline(client, key, message_id))[1] == ["queued", "sending"]
    await Message.filter(id=message_id).update(due_at=datetime.now(timezone.utc) - timedelta(seconds=1))
    await worker.drain()
    message, statuses = await timeline(client, key, message_id)
    assert statuses == ["queued", "sending", "sending", "sent"] and message["attempts"] == 2
    # The dead worker's late report cannot overwrite the newer attempt.
    stale = next(c for c in claims if c.id == message_id)
    assert await delivery_queue.finish(stale, "failed", "late") is False
    # Nor can it renew a lease that is no longer its own.
    assert await delivery_queue.renew({stale.id: stale.attempt}, 60) == 0
    assert (await Message.get(id=message_id)).status == "sent"


async def test_idn_domains_go_out_as_a_labels(client, key, worker, smtp_sink):
    message_id = await send_ok(
        client, key, to="user@bücher.de", cc="Ann@Straße.example", replyTo="help@bücher.de",
        **{"from": "Zoë <hello@bücher.de>"}, subject="S", text="T",
    )
    await worker.drain()
    message, statuses = await timeline(client, key, message_id)
    assert statuses == ["queued", "sending", "sent"]
    [received] = smtp_sink.received_by_id(message_id)
    assert received.mail_from == "hello@xn--bcher-kva.de" and "SMTPUTF8" not in received.mail_options
    assert received.rcpt_tos == ["user@xn--bcher-kva.de", "Ann@xn--strae-oqa.example"]
    assert received.data.isascii()  # 7-bit: the server needs no SMTPUTF8
    headers = received.message
    assert headers["To"] == "user@xn--bcher-kva.de" and headers["Cc"] == "Ann@xn--strae-oqa.example"
    assert headers["Reply-To"] == "help@xn--bcher-kva.de"
    assert headers["From"].addresses[0].display_name == "Zoë"
    assert headers["From"].addresses[0].addr_spec == "hello@xn--bcher-kva.de"
    assert message["messageIdHeader"] == f"<{message_id}@xn--bcher-kva.de>" == str(headers["Message-ID"])
    assert message["to"] == ["user@bücher.de"]  # stored and shown as given


@pytest.mark.parametrize("smtp_sink", [{"smtputf8": True}], indirect=True)
async def test_a_utf8_local_part_goes_out_with_smtputf8(client, key, worker, smtp_sink):
    message_id = await send_ok(client, key, to="zoë@bücher.de", **{"from": "José <josé@acme.com>"}, subject="S", text="T")
    await worker.drain()
    message, statuses = await timeline(client, key, message_id)
    assert statuses == ["queued", "sending", "sent"], message["events"]
    [received] = smtp_sink.received_by_id(message_id)
    assert "SMTPUTF8" in received.mail_options
    assert received.mail_from == "josé@acme.com" and received.rcpt_tos == ["zoë@xn--bcher-kva.de"]
    assert "To: zoë@bücher.de\r\n".encode() in received.data  # RFC 6532: UTF-8 headers
    assert "From: José <josé@acme.com>\r\n".encode() not in received.data  # the name stays encoded
    assert "<josé@acme.com>\r\n".encode() in received.data


async def test_a_utf8_address_fails_at_once_when_the_server_lacks_smtputf8(client, key, worker, smtp_sink):
    message_id = await send_ok(client, key, to="zoë@example.com", **{"from": "a@acme.com"}, subject="S", text="T")
    reply_to_only = await send_ok(
        client, key, to="a@example.com", replyTo="zoë@example.com", **{"from": "a@acme.com"}, subject="S", text="T"
    )
    await worker.drain()
    for sent_id, reason in (
        (message_id, "UTF-8 address zoë@example.com"), (reply_to_only, "UTF-8 address in the headers")
    ):
        message, statuses = await timeline(client, key, sent_id)
        assert statuses == ["queued", "sending", "failed"] and message["attempts"] == 1
        detail = message["events"][-1]["detail"]
        assert "does not offer SMTPUTF8" in detail and reason in detail
        assert smtp_sink.received_by_id(sent_id) == []
    assert not await Suppression.exists(organization_id=key.organization_id, email_key="zoë@example.com")


@pytest.mark.parametrize(
    "stored, reason",
    [
        ({"headers": {"Bcc": "spy@example.com"}}, "custom header name not allowed: 'Bcc'"),
        ({"headers": {"X-Note": "a\x0bBcc: spy@example.com"}}, "custom header X-Note has a control character"),
        ({"to": ["user@bü_cher.de"]}, "not a valid email address"),
    ],
)
async def test_a_stored_message_that_cannot_be_built_fails_at_once(client, key, worker, smtp_sink, stored, reason):
    """Rows written before today's API checks (or by hand) fail with a reason, never retried."""
    message_id = await send_ok(client, key, to="a@example.com", **{"from": "a@acme.com"}, subject="S", text="T")
    await Message.filter(id=message_id).update(**stored)
    await worker.drain()
    message, statuses = await timeline(client, key, message_id)
    assert statuses == ["queued", "sending", "failed"] and message["attempts"] == 1
    detail = message["events"][-1]["detail"]
    assert detail.startswith("cannot be sent as stored: ") and reason in detail
    assert smtp_sink.received_by_id(message_id) == []


async def test_encoded_words_are_at_most_75_characters(client, key, worker, smtp_sink):
    subject = "Grüße aus Köln — déjà vu ✓ " * 6
    name = "Zoë Müller-Lüdenscheidt von und zu Überlänge und Ärger " * 2
    message_id = await send_ok(
        client, key, to="a@example.com", **{"from": f"{name.strip()} <hello@acme.com>"}, subject=subject, text="T",
        headers={"X-Long-Custom-Header-Name-For-Tests": "Ünïcödé " * 12},
    )
    await worker.drain()
    [received] = smtp_sink.received_by_id(message_id)
    head = received.data.split(b"\r\n\r\n", 1)[0].decode("ascii")
    words = re.findall(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=", head)
    assert len(words) > 6 and max(len(w) for w in words) <= 75
    assert all(len(line) <= 78 for line in head.split("\r\n"))
    assert str(make_header(decode_header(received.message["Subject"]))) == subject
    # Decoded as RFC 2047 says (whitespace between encoded words dropped); the display name
    # parser of email.policy.default keeps it, so it would show "Überl änge".
    raw_from = email.message_from_bytes(received.data)["From"]  # compat32: the raw value
    assert str(make_header(decode_header(raw_from))) == f"{name.strip()} <hello@acme.com>"
    assert received.message["X-Long-Custom-Header-Name-For-Tests"] == "Ünïcödé " * 12


async def test_outbox_mode_shows_no_server_path(client, key, worker_settings, tmp_path):
    outbox = tmp_path / "outbox"
    runner = delivery_worker(dataclasses.replace(worker_settings, smtp_url=None, outbox_dir=str(outbox)))
    message_id = await send_ok(client, key, to="a@example.com", **{"from": "a@acme.com"}, subject="S", text="T")
    await runner.drain()
    await runner.transport.close()
    response = await client.get(f"/api/v1/delivery/messages/{message_id}", headers=key.headers)
    message = response.json()
    assert message["status"] == "sent" and (outbox / f"{message_id}.eml").exists()
    assert message["events"][-1]["detail"] == message["lastReply"] == f"250 written to the outbox as {message_id}.eml"
    assert str(tmp_path) not in response.text


# ----------------------------------------------------------------------------- leases, deadlines, fairness


async def cancel_leftovers(organization_id: str) -> None:
    """Never leave our messages for later tests' workers (they would reach their SMTP sinks)."""
    await Message.filter(organization_id=organization_id, status__in=delivery_queue.CLAIMABLE).update(status="canceled")


async def test_a_slow_server_gets_one_copy_while_the_lease_is_renewed(client, key, worker_settings, smtp_sink):
    """Lease 1 s, DATA answered after 2.5 s: the worker keeps renewing its claim, so neither it
    nor a second worker claims the message again while the first copy is on its way."""
    smtp_sink.delay_data_for("slow-data@example.com", 2.5)
    settings = dataclasses.replace(worker_settings, lease_seconds=1.0, idle_poll_seconds=0.05)
    message_id = await send_ok(client, key, to="slow-data@example.com", **{"from": "a@acme.com"}, subject="S", text="T")
    stop = await start_loops(delivery_worker(settings), delivery_worker(settings))
    try:
        started = time.monotonic()
        await eventually(lambda: Message.exists(id=message_id, status="sent"), timeout=8, what=f"{message_id} sent")
        took = time.monotonic() - started
    finally:
        await stop()
        await cancel_leftovers(key.organization_id)
    assert took >= 2.4
    assert len(smtp_sink.received_by_id(message_id)) == 1
    message, statuses = await timeline(client, key, message_id)
    assert statuses == ["queued", "sending", "sent"] and message["attempts"] == 1


async def test_a_transaction_that_outlasts_the_smtp_deadline_is_deferred(client, key, worker_settings, smtp_sink):
    """A server that stalls (each reply within aiosmtplib's per-command timeout, or not) has one
    overall deadline per transaction (VIPERATRON_SMTP_TIMEOUT_SECONDS); then it is retried."""
    smtp_sink.delay_data_for("stall@example.com", 2.0)
    worker = delivery_worker(dataclasses.replace(worker_settings, smtp_timeout_seconds=0.5))
    message_id = await send_ok(client, key, to="stall@example.com", **{"from": "a@acme.com"}, subject="S", text="T")
    started = time.monotonic()
    try:
        await worker.drain()
        took = time.monotonic() - started
        message, statuses = await timeline(client, key, message_id)
    finally:
        await worker.transport.close()
        await cancel_leftovers(key.organization_id)
    assert took < 1.5
    assert statuses == ["queued", "sending", "deferred"]
    assert "no complete SMTP transaction within 0.5 s" in message["lastReply"]


async def test_one_organizations_slow_backlog_leaves_room_for_another(client, key, make_key, worker_settings, smtp_sink):
    """Six messages of one organization to a server that takes 1 s each, queued first; another
    organization's message, queued after them, still leaves at once: one organization holds at
    most all the worker's slots but one (VIPERATRON_ORG_MAX_IN_FLIGHT) and the worker claims only
    what it can start."""
    smtp_sink.delay_data_for("backlog@example.com", 1.0)
    other = await make_key()
    for i in range(6):
        await send_ok(client, key, to="backlog@example.com", **{"from": "a@acme.com"}, subject=f"S{i}", text="T")
    quick = await send_ok(client, other, to="quick@example.com", **{"from": "b@acme.com"}, subject="S", text="T")
    settings = dataclasses.replace(worker_settings, worker_concurrency=4, idle_poll_seconds=0.05)
    stop = await start_loops(delivery_worker(settings))
    try:
        started = time.monotonic()
        await eventually(lambda: Message.exists(id=quick, status="sent"), timeout=3, what=f"{quick} sent")
        took = time.monotonic() - started
    finally:
        await stop()
        await cancel_leftovers(key.organization_id)
    assert took < 0.8, f"the other organization's message waited {took:.1f} s"
    assert len(smtp_sink.received_by_id(quick)) == 1


async def test_a_stopping_worker_hands_back_the_claims_it_held_ready(client, key, worker_settings, smtp_sink):
    """Concurrency 2: one send of an organization at a time, four more of its claims held ready
    once its sends have proved quick. The worker stops while a slow send runs: that send ends,
    and the claims held ready go back to the queue at once (not after their lease), the
    attempt not counted; the next worker sends each of them once."""
    smtp_sink.delay_data_for("slow@example.com", 1.5)
    settings = dataclasses.replace(worker_settings, worker_concurrency=2, idle_poll_seconds=0.05)
    send = {"from": "a@acme.com", "subject": "S", "text": "T"}
    quick = await send_ok(client, key, to="quick@example.com", **send)
    slow = await send_ok(client, key, to="slow@example.com", **send)
    held = [await send_ok(client, key, to=f"held{i}@example.com", **send) for i in range(4)]
    stop = await start_loops(delivery_worker(settings))
    try:
        async def slow_sending_and_four_held() -> bool:
            sending = set(await Message.filter(status="sending").values_list("id", flat=True))
            return slow in sending and set(held) <= sending

        await eventually(slow_sending_and_four_held, timeout=5, what="the slow send running and 4 claims held")
        await stop()
        for message_id in held:
            message, statuses = await timeline(client, key, message_id)
            assert statuses == ["queued", "sending", "queued"] and message["attempts"] == 0
            assert message["events"][-1]["detail"] == delivery_queue.RELEASED
            assert smtp_sink.received_by_id(message_id) == []
        assert await Message.filter(id__in=[quick, slow], status="sent").count() == 2
        await delivery_worker(settings).drain()
    finally:
        await cancel_leftovers(key.organization_id)
    for message_id in held:
        message, statuses = await timeline(client, key, message_id)
        assert statuses == ["queued", "sending", "queued", "sending", "sent"] and message["attempts"] == 1
        assert len(smtp_sink.received_by_id(message_id)) == 1


async def test_only_the_claims_still_held_are_handed_back(client, key, worker_settings):
    """A release is fenced like a finish: a claim taken over (a newer attempt) stays as it is."""
    first = await send_ok(client, key, to="one@example.com", **{"from": "a@acme.com"}, subject="S", text="T")
    second = await send_ok(client, key, to="two@example.com", **{"from": "a@acme.com"}, subject="S", text="T")
    claims = await delivery_queue.claim(10, 60, organizations=[key.organization_id])
    assert {c.id for c in claims} == {first, second}
    await Message.filter(id=second).update(attempts=2)  # another worker's newer claim
    assert await delivery_queue.release({c.id: c.attempt for c in claims}) == 1
    one, two = await Message.get(id=first), await Message.get(id=second)
    assert (one.status, one.attempts, two.status, two.attempts) == ("queued", 0, "sending", 2)
    await cancel_leftovers(key.organization_id)


def test_the_lease_and_fairness_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("VIPERATRON_SMTP_TIMEOUT_SECONDS", "12.5")
    monkeypatch.setenv("VIPERATRON_ORG_MAX_IN_FLIGHT", "3")
    configured = Settings.from_env()
    assert (configured.smtp_timeout_seconds, configured.org_max_in_flight) == (12.5, 3)
    assert per_org_cap(3, 8) == 3 and per_org_cap(3, 2) == 2  # never more than the concurrency
    # Unset (0): all slots but one, at least one.
    assert [per_org_cap(0, c) for c in (1, 2, 3, 4, 5)] == [1, 1, 2, 3, 4]
    assert (Settings().smtp_timeout_seconds, Settings().org_max_in_flight) == (60.0, 0)
