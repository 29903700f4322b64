"""Recipients with names (`Name <address>` or `{"email", "name"}`) and international addresses,
over real SMTP (an aiosmtpd server on 127.0.0.1): names arrive in To/Cc/Reply-To (RFC 2047
when not ASCII), the envelope carries bare addresses, everything that works by address
(suppressions, contacts, the `to` filter) keeps doing so; SMTPUTF8 when a UTF-8 local part
needs it; the EHLO name; validation errors that name the field."""

from __future__ import annotations

import dataclasses
import email
import email.policy
import socket
from email.header import decode_header, make_header

import pytest

from app.engines.transports import SmtpTransport, default_ehlo_name, parse_smtp_url
from models import Message, Suppression
from tests.helpers import delivery_worker, gql, post_send, send_ok

BASE = {"from": "Acme <hello@acme.com>", "subject": "Hi", "text": "Hello"}


async def view(client, key, message_id):
    response = await client.get(f"/api/v1/delivery/messages/{message_id}", headers=key.headers)
    assert response.status_code == 200, response.text
    return response.json()


def addresses(received, header):
    return [(a.display_name, a.addr_spec) for a in received.message[header].addresses]


async def test_named_recipients_arrive_with_their_names_and_a_bare_envelope(client, key, worker, smtp_sink):
    message_id = await send_ok(
        client, key, **BASE,
        to=["Jane Doe <jane@example.com>", {"email": "bob@example.com", "name": "Doe, Bob \"The Builder\""}],
        cc={"email": "carol@example.com", "name": "Carol"},
        bcc=[{"email": "audit@acme.com", "name": "Secret Auditor"}],
        replyTo='"Support, Acme" <support@acme.com>',
    )
    await worker.drain()
    [received] = smtp_sink.received_by_id(message_id)
    assert received.rcpt_tos == ["jane@example.com", "bob@example.com", "carol@example.com", "audit@acme.com"]
    assert addresses(received, "To") == [("Jane Doe", "jane@example.com"), ('Doe, Bob "The Builder"', "bob@example.com")]
    assert addresses(received, "Cc") == [("Carol", "carol@example.com")]
    assert addresses(received, "Reply-To") == [("Support, Acme", "support@acme.com")]
    assert received.message["Bcc"] is None and b"Secret Auditor" not in received.data
    message = await view(client, key, message_id)
    assert message["status"] == "sent"
    # Unchanged fields stay bare addresses; `recipients` adds the names.
    assert message["to"] == ["jane@example.com", "bob@example.com"] and message["cc"] == ["carol@example.com"]
    assert message["bcc"] == ["audit@acme.com"] and message["replyTo"] == ["support@acme.com"]
    assert message["recipients"] == [
        {"kind": "to", "email": "jane@example.com", "name": "Jane Doe"},
        {"kind": "to", "email": "bob@example.com", "name": 'Doe, Bob "The Builder"'},
        {"kind": "cc", "email": "carol@example.com", "name": "Carol"},
        {"kind": "bcc", "email": "audit@acme.com", "name": "Secret Auditor"},
        {"kind": "replyTo", "email": "support@acme.com", "name": "Support, Acme"},
    ]
    listed = await client.get("/api/v1/delivery/messages", params={"to": "BOB@example.com"}, headers=key.headers)
    assert [m["id"] for m in listed.json()["data"]] == [message_id]


async def test_a_non_ascii_name_is_rfc_2047_encoded_and_decodes_back(client, key, worker, smtp_sink):
    message_id = await send_ok(
        client, key, **BASE, to=[{"email": "zoe@example.com", "name": "Zoë Müller-Lüdenscheidt"}, "plain@example.com"],
    )
    await worker.drain()
    [received] = smtp_sink.received_by_id(message_id)
    assert received.data.isascii() and "SMTPUTF8" not in received.mail_options
    raw_to = email.message_from_bytes(received.data)["To"]  # compat32: the header as sent
    assert "=?utf-8?b?" in raw_to and "Zoë" not in raw_to
    assert str(make_header(decode_header(raw_to))) == "Zoë Müller-Lüdenscheidt <zoe@example.com>, plain@example.com"
    assert addresses(received, "To") == [("Zoë Müller-Lüdenscheidt", "zoe@example.com"), ("", "plain@example.com")]


async def test_suppressions_and_contacts_work_on_the_bare_address(client, key, worker, smtp_sink):
    await client.post("/api/v1/contacts", json={"email": "jane@example.com", "firstName": "Jane"}, headers=key.headers)
    added = await client.post("/api/v1/suppressions", json={"email": "gone@example.com"}, headers=key.headers)
    assert added.status_code == 201, added.text
    message_id = await send_ok(
        client, key, **{**BASE, "text": "Hi {{firstName}}"},
        to="Jane D. <Jane@Example.com>", cc={"email": "gone@example.com", "name": "Gone"},
    )
    await worker.drain()
    [received] = smtp_sink.received_by_id(message_id)
    assert received.rcpt_tos == ["Jane@example.com"]  # gone@ skipped
    assert received.message.get_content().strip() == "Hi Jane"
    message = await view(client, key, message_id)
    assert "suppressed recipients skipped: gone@example.com" in message["events"][-1]["detail"]


async def test_a_bounced_named_recipient_is_suppressed_by_address(client, key, worker, smtp_sink):
    smtp_sink.reject_rcpt["nobody@example.com"] = "550 5.1.1 No such user"
    message_id = await send_ok(
        client, key, **BASE, to=["Nobody <nobody@example.com>", "Some One <someone@example.com>"],
    )
    await worker.drain()
    [received] = smtp_sink.received_by_id(message_id)
    assert received.rcpt_tos == ["someone@example.com"]
    assert await Suppression.exists(organization_id=key.organization_id, email_key="nobody@example.com")


@pytest.mark.parametrize("smtp_sink", [{"smtputf8": True}], indirect=True)
async def test_a_named_utf8_address_goes_out_with_smtputf8(client, key, worker, smtp_sink):
    message_id = await send_ok(client, key, **BASE, to={"email": "zoë@bücher.de", "name": "Zoë"}, cc="Ann <ann@bücher.de>")
    await worker.drain()
    [received] = smtp_sink.received_by_id(message_id)
    assert "SMTPUTF8" in received.mail_options
    assert received.rcpt_tos == ["zoë@xn--bcher-kva.de", "ann@xn--bcher-kva.de"]
    # RFC 6532: UTF-8 headers (parsed from text: the bytes parser would leave surrogates)
    parsed = email.message_from_string(received.data.decode("utf-8"), policy=email.policy.default)
    assert [(a.display_name, a.addr_spec) for a in parsed["To"].addresses] == [("Zoë", "zoë@bücher.de")]
    assert [(a.display_name, a.addr_spec) for a in parsed["Cc"].addresses] == [("Ann", "ann@bücher.de")]
    assert (await view(client, key, message_id))["recipients"][0] == {"kind": "to", "email": "zoë@bücher.de", "name": "Zoë"}


async def test_a_named_utf8_address_fails_permanently_without_smtputf8(client, key, worker, smtp_sink):
    message_id = await send_ok(client, key, **BASE, to={"email": "zoë@example.com", "name": "Zoë"})
    idn_only = await send_ok(client, key, **BASE, to="Ann <ann@bücher.de>")  # an IDN domain needs nothing
    await worker.drain()
    message = await view(client, key, message_id)
    assert [e["status"] for e in message["events"]] == ["queued", "sending", "failed"] and message["attempts"] == 1
    assert "does not offer SMTPUTF8" in message["events"][-1]["detail"]
    assert "zoë@example.com" in message["events"][-1]["detail"]
    assert smtp_sink.received_by_id(message_id) == []
    [received] = smtp_sink.received_by_id(idn_only)
    assert received.rcpt_tos == ["ann@xn--bcher-kva.de"] and addresses(received, "To") == [("Ann", "ann@xn--bcher-kva.de")]


# ----------------------------------------------------------------------------- EHLO


async def test_the_ehlo_name_comes_from_the_setting(client, key, worker_settings, smtp_sink):
    runner = delivery_worker(dataclasses.replace(worker_settings, ehlo_name="mail.acme.example"))
    try:
        message_id = await send_ok(client, key, **BASE, to="a@example.com")
        await runner.drain()
    finally:
        await runner.transport.close()
    [received] = smtp_sink.received_by_id(message_id)
    assert received.host_name == "mail.acme.example"


async def test_the_ehlo_name_in_the_url_wins_and_the_default_is_the_fqdn(smtp_sink):
    for url, setting, expected in (
        (smtp_sink.url + "?ehlo=relay.acme.example", "mail.acme.example", "relay.acme.example"),
        (smtp_sink.url, None, default_ehlo_name()),
    ):
        transport = SmtpTransport(url, timeout=5, ehlo_name=setting)
        try:
            outcome = await transport.send("a@acme.com", ["b@example.com"], b"Subject: x\r\n\r\nbody\r\n", "msg_x")
        finally:
            await transport.close()
        assert outcome.kind == "sent", outcome
        assert smtp_sink.messages[-1].host_name == expected
    assert default_ehlo_name() in (socket.getfqdn(), socket.gethostname(), "localhost")


@pytest.mark.parametrize("url", ["smtp://h?ehlo=a%20b", "smtp://h?ehlo=-bad.example", "smtp://h?ehlo=x%0d%0aRSET"])
def test_bad_ehlo_names_are_refused(url):
    with pytest.raises(ValueError, match="ehlo"):
        parse_smtp_url(url)
    with pytest.raises(ValueError, match="VIPERATRON_EHLO_NAME"):
        SmtpTransport("smtp://h", ehlo_name="has space")


# ----------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "field, value, error_field, code",
    [
        ("to", [{"name": "Jane"}], "to.0.email", "required"),
        ("to", ["a@example.com", {"email": "not-an-address", "name": "X"}], "to.1.email", "invalid_email"),
        ("cc", {"email": "a@example.com", "name": "x" * 201}, "cc.0.name", "too_long"),
        ("to", [{"email": "a@example.com", "name": "Jane\r\nBcc: spy@example.com"}], "to.0.name", "header_injection"),
        ("to", [{"email": "a@example.com", "nickname": "J"}], "to.0.nickname", "unknown_field"),
        ("to", [{"email": "a@example.com", "name": 5}], "to.0.name", "invalid_type"),
        ("bcc", ["ok@example.com", 42], "bcc.1", "invalid_type"),
        ("replyTo", "Jane <not an address>", "replyTo.0", "invalid_email"),
        ("to", f"{'x' * 201} <a@example.com>", "to.0", "too_long"),
    ],
)
async def test_bad_recipients_are_422_naming_the_field(client, key, field, value, error_field, code):
    body = {**BASE, "to": "a@example.com", field: value}
    response = await post_send(client, key, **body)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert {"field": error_field, "code": code} in [{"field": d["field"], "code": d["code"]} for d in error["details"]]


async def test_a_batch_names_the_message_and_the_recipient(client, key):
    response = await client.post(
        "/api/v1/delivery/batch", headers=key.headers,
        json={"messages": [{**BASE, "to": {"email": "a@example.com", "name": "A"}}, {**BASE, "to": ["b@example.com", {"name": "B"}]}]},
    )
    assert response.status_code == 200, response.text
    first, second = response.json()["data"]
    assert first["status"] == "queued"
    assert second["error"]["details"][0]["field"] == "messages.1.to.1.email"
    stored = await Message.get(id=first["messageId"])
    assert stored.to == ["a@example.com"] and stored.recipient_names == {"to": ["A"]}


async def test_the_text_and_object_forms_are_one_request_for_idempotency(client, key):
    headers = {**key.headers, "Idempotency-Key": "names-1"}
    first = await client.post("/api/v1/delivery/send", headers=headers, json={**BASE, "to": "Jane Doe <jane@example.com>"})
    again = await client.post(
        "/api/v1/delivery/send", headers=headers, json={**BASE, "to": [{"email": "jane@example.com", "name": "Jane Doe"}]}
    )
    assert first.status_code == again.status_code == 202, again.text
    assert first.json()["messageId"] == again.json()["messageId"]


async def test_unnamed_recipients_store_no_names(client, key):
    message_id = await send_ok(client, key, **BASE, to=["a@example.com", {"email": "b@example.com"}, {"email": "c@example.com", "name": "  "}])
    stored = await Message.get(id=message_id)
    assert stored.to == ["a@example.com", "b@example.com", "c@example.com"] and stored.recipient_names == {}


# ----------------------------------------------------------------------------- GraphQL

SEND = """mutation($input: SendEmailInput!) { sendEmail(input: $input) { messageId userErrors { field code } } }"""
READ = """query($id: ID!) { message(id: $id) { to recipients { kind email name } } }"""


async def test_graphql_takes_names_and_shows_them(client, key):
    sent = (await gql(client, key, SEND, {"input": {**BASE, "to": ["Jane Doe <jane@example.com>"], "replyTo": ["Help <help@acme.com>"]}})).json()
    message_id = sent["data"]["sendEmail"]["messageId"]
    assert message_id, sent
    read = (await gql(client, key, READ, {"id": message_id})).json()["data"]["message"]
    assert read == {
        "to": ["jane@example.com"],
        "recipients": [
            {"kind": "to", "email": "jane@example.com", "name": "Jane Doe"},
            {"kind": "replyTo", "email": "help@acme.com", "name": "Help"},
        ],
    }
    bad = (await gql(client, key, SEND, {"input": {**BASE, "to": ["ok@example.com", "Jane <nope>"]}})).json()
    assert bad["data"]["sendEmail"]["userErrors"] == [{"field": "to.1", "code": "invalid_email"}]
