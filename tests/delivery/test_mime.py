"""app.engines.mime: messages are built, sent to a real SMTP server and checked as they arrived."""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import replace
from datetime import datetime, timezone
from email.header import decode_header, make_header

import pytest

from app.engines import mime
from app.engines.mime import Attachment, OutgoingEmail
from app.engines.transports import SmtpTransport
from tests.support.smtp_server import SmtpSink

DATE = datetime(2026, 3, 4, 5, 6, 7, tzinfo=timezone.utc)


def make_email(**changes) -> OutgoingEmail:
    base = OutgoingEmail(
        id="msg_0abc0000000000000000000001",
        from_address="hello@acme.com",
        to=["customer@example.com"],
        cc=[],
        bcc=[],
        reply_to=[],
        subject="Welcome to Acme",
        html=None,
        text="Thanks for signing up.",
        headers={},
        attachments=[],
        date=DATE,
    )
    return replace(base, **changes)


async def deliver(transport: SmtpTransport, sink: SmtpSink, message: OutgoingEmail) -> email.message.EmailMessage:
    """Send over SMTP and return the message as the server parsed it."""
    already = len(sink.messages)
    data = mime.build(message)
    outcome = await transport.send(
        mime.envelope_sender(message), mime.envelope_recipients(message), data, message.id
    )
    assert outcome.kind == "sent", outcome
    return sink.wait_for(already + 1)[-1].message


async def test_html_only_becomes_alternative_with_derived_text(smtp_transport, smtp_sink):
    html = "<h1>Hi Jane</h1><p>Thanks for signing up.</p><p><a href='https://acme.com/v'>Verify</a></p>"
    got = await deliver(smtp_transport, smtp_sink, make_email(html=html, text=None))

    assert got.get_content_type() == "multipart/alternative"
    plain, rich = got.get_payload()
    assert plain.get_content_type() == "text/plain"  # least preferred first
    assert rich.get_content_type() == "text/html"
    assert rich.get_content() == html
    text = plain.get_content()
    assert "Hi Jane" in text and "Thanks for signing up." in text
    assert "https://acme.com/v" in text  # links survive into the text part
    assert "<" not in text.replace("<https", "")


async def test_text_and_html_both_kept(smtp_transport, smtp_sink):
    got = await deliver(smtp_transport, smtp_sink, make_email(html="<p>Rich</p>", text="Plain"))
    plain, rich = got.get_payload()
    assert plain.get_content().strip() == "Plain"
    assert rich.get_content().strip() == "<p>Rich</p>"


async def test_text_only_is_a_single_part(smtp_transport, smtp_sink):
    got = await deliver(smtp_transport, smtp_sink, make_email(text="Just text.\nTwo lines."))
    assert got.get_content_type() == "text/plain"
    # A 7bit body is not decoded by the parser, so it keeps the wire's CRLF.
    assert got.get_content().replace("\r\n", "\n") == "Just text.\nTwo lines.\n"
    assert got["Content-Transfer-Encoding"] == "7bit"


async def test_non_ascii_subject_names_and_body_round_trip(smtp_transport, smtp_sink):
    message = make_email(
        from_address="Ünïcode Näme <hello@acme.com>",
        to=["Zoë Çelik <zoe@example.com>", "plain@example.com"],
        subject="Grüße aus Köln — 你好 ✓ " * 4,
        html="<p>Grüße, 你好</p>",
        text="Grüße, 你好",
    )
    got = await deliver(smtp_transport, smtp_sink, message)

    assert got["Subject"] == message.subject
    assert got["From"].addresses[0].display_name == "Ünïcode Näme"
    assert got["From"].addresses[0].addr_spec == "hello@acme.com"
    assert [(a.display_name, a.addr_spec) for a in got["To"].addresses] == [
        ("Zoë Çelik", "zoe@example.com"),
        ("", "plain@example.com"),
    ]
    plain, rich = got.get_payload()
    assert plain.get_content().strip() == "Grüße, 你好"
    assert rich.get_content().strip() == "<p>Grüße, 你好</p>"


async def test_cc_in_headers_bcc_only_in_envelope(smtp_transport, smtp_sink):
    message = make_email(
        to=["a@example.com"], cc=["Carol <c@example.com>"], bcc=["secret@example.com", "A@example.com"]
    )
    await deliver(smtp_transport, smtp_sink, message)
    received = smtp_sink.messages[-1]

    assert received.message["Cc"] == "Carol <c@example.com>"
    assert "Bcc" not in received.message
    assert b"secret@example.com" not in received.data
    # A@example.com duplicates a@example.com: one envelope recipient only.
    assert received.rcpt_tos == ["a@example.com", "c@example.com", "secret@example.com"]
    assert received.mail_from == "hello@acme.com"


async def test_reply_to_and_custom_headers_arrive(smtp_transport, smtp_sink):
    message = make_email(
        reply_to=["Support <support@acme.com>", "billing@acme.com"],
        headers={"X-Campaign": "welcome-2026", "List-Unsubscribe": "<https://acme.com/u/1>", "X-Note": "héllo"},
    )
    got = await deliver(smtp_transport, smtp_sink, message)
    assert [a.addr_spec for a in got["Reply-To"].addresses] == ["support@acme.com", "billing@acme.com"]
    assert got["X-Campaign"] == "welcome-2026"
    assert got["List-Unsubscribe"] == "<https://acme.com/u/1>"
    assert got["X-Note"] == "héllo"


async def test_attachment_arrives_byte_for_byte(smtp_transport, smtp_sink):
    content = bytes(range(256)) * 40
    message = make_email(
        html="<p>Invoice attached</p>",
        attachments=[
            Attachment("invoice-42.pdf", "application/pdf", content),
            Attachment("résumé.txt", "text/plain", "naïve\n".encode()),
        ],
    )
    got = await deliver(smtp_transport, smtp_sink, message)

    assert got.get_content_type() == "multipart/mixed"
    body, pdf, txt = got.get_payload()
    assert body.get_content_type() == "multipart/alternative"
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_filename() == "invoice-42.pdf"
    assert pdf.get_content_disposition() == "attachment"
    assert pdf.get_payload(decode=True) == content
    assert txt.get_filename() == "résumé.txt"
    assert txt.get_payload(decode=True) == "naïve\n".encode()


async def test_headers_order_date_and_message_id(smtp_transport, smtp_sink):
    message = make_email(cc=["c@example.com"], reply_to=["r@acme.com"], headers={"X-Tag": "t"})
    got = await deliver(smtp_transport, smtp_sink, message)

    names = [name for name in got.keys() if name.lower() not in {"content-type", "content-transfer-encoding"}]
    assert names == ["From", "To", "Cc", "Reply-To", "Subject", "Date", "Message-ID", "MIME-Version", "X-Tag"]
    assert got["Date"].datetime == DATE
    assert got["Message-ID"] == "<msg_0abc0000000000000000000001@acme.com>"


async def test_same_message_id_when_built_twice(smtp_transport, smtp_sink):
    message = make_email(html="<p>retry me</p>")
    first = mime.build(message)
    second = mime.build(message)
    for data in (first, second):
        outcome = await smtp_transport.send("hello@acme.com", ["customer@example.com"], data, message.id)
        assert outcome.kind == "sent"
    smtp_sink.wait_for(2)
    assert smtp_sink.message_ids() == [mime.message_id_header(message.id, message.from_address)] * 2


def test_bytes_use_crlf_and_stay_7bit():
    data = mime.build(
        make_email(
            subject="Ünïcode",
            html="<p>" + "long line ü " * 200 + "</p>",
            text=None,
            attachments=[Attachment("a.bin", "application/octet-stream", b"\x00\xff" * 100)],
        )
    )
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert data.isascii()
    assert max(len(line) for line in data.split(b"\r\n")) <= 998
    assert b"\r\nBcc:" not in data and not data.startswith(b"Bcc:")


def test_message_id_header():
    assert mime.message_id_header("msg_1", "Name <hello@Acme.COM>") == "<msg_1@acme.com>"
    assert mime.message_id_header("msg_1", "hello@bücher.example") == "<msg_1@xn--bcher-kva.example>"
    assert mime.message_id_header("msg_1", "not an address") == "<msg_1@viperatron.local>"


def test_envelope_helpers():
    message = make_email(
        from_address='"Acme, Inc." <hello@acme.com>',
        to=["Jane <jane@example.com>", "JANE@example.com"],
        cc=["cc@example.com"],
        bcc=["bcc@example.com", "Cc@Example.com"],
    )
    assert mime.envelope_sender(message) == "hello@acme.com"
    assert mime.envelope_recipients(message) == ["jane@example.com", "cc@example.com", "bcc@example.com"]


def test_html_to_text():
    text = mime.html_to_text("<h1>Title</h1><p>One &amp; two</p><ul><li>a</li><li>b</li></ul><script>x()</script>")
    assert "Title" in text and "One & two" in text and "* a" in text
    assert "x()" not in text
    assert mime.html_to_text("   ") == ""


@pytest.mark.parametrize("name", ["Bcc", "from", "Content-Type", "DKIM-Signature", "Bad Name", "X:y"])
def test_reserved_or_malformed_custom_header_refused(name):
    with pytest.raises(ValueError):
        mime.build(make_email(headers={name: "x"}))


def test_header_injection_refused():
    with pytest.raises(ValueError):
        mime.build(make_email(headers={"X-Evil": "a\r\nBcc: victim@example.com"}))
    data = mime.build(make_email(subject="Hi\r\nBcc: victim@example.com"))
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert "Bcc" not in parsed and parsed["Subject"] == "Hi Bcc: victim@example.com"


@pytest.mark.parametrize("text", ["✓" * 40, "😀" * 30, "a" + "ü" * 60, "Zoë " * 30])
def test_encoded_words_stay_within_75_characters_and_decode_back(text):
    data = mime.build(make_email(subject=text, from_address=f"{text.strip()} <hello@acme.com>", headers={"X-Note": text}))
    head = data.split(b"\r\n\r\n", 1)[0].decode("ascii")
    words = re.findall(r"=\?utf-8\?b\?[^?]*\?=", head)
    assert len(words) >= 6 and max(map(len, words)) <= 75
    raw = email.message_from_bytes(data)  # compat32: the raw values, decoded as RFC 2047 says
    assert str(make_header(decode_header(raw["Subject"]))) == text
    assert str(make_header(decode_header(raw["X-Note"]))) == text
    assert str(make_header(decode_header(raw["From"]))) == f"{text.strip()} <hello@acme.com>"


def test_control_characters_in_stored_header_text_never_start_a_line():
    data = mime.build(make_email(subject="Hi\x0bBcc: a@example.com\u2028x\x85y", to=["Jane\x0c <jane@example.com>"]))
    head = data.split(b"\r\n\r\n", 1)[0]
    assert not re.search(rb"[\x00-\x08\x0a-\x1f\x7f]", head.replace(b"\r\n", b""))
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert "Bcc" not in parsed and str(parsed["To"]) == "Jane <jane@example.com>"
    with pytest.raises(mime.Unsendable, match="control character"):
        mime.build(make_email(headers={"X-Evil": "a\x0bBcc: victim@example.com"}))


def test_reserved_headers_cover_the_documented_names():
    for name in ["from", "to", "cc", "bcc", "reply-to", "subject", "date", "message-id", "mime-version",
                 "content-type", "content-transfer-encoding", "content-disposition", "sender",
                 "return-path", "received", "dkim-signature"]:
        assert name in mime.RESERVED_HEADERS


# ----------------------------------------------------------------------------- the direct writer

BODIES = [
    "", "a", "a\n", "Thanks for signing up.", "line one\nline two\n", "crlf\r\nline\r\n", "lone\rcr", "\n\n\nx\n\n",
    "trailing space \nand\ttab\t\n", "— an em dash, café, naïve ✓\n", "=3D already? =\nsoft", "x" * 998,
    "x" * 999 + "\n", "ünï " * 40 + "\n" + "ascii " * 30, "From the start\n.\n..\n", "é\r\n\r\n", "\U0001f600 emoji",
    "a" * 75 + "é" + "b" * 10 + "\n" + " " * 80,
]
VARIANTS = [
    {},
    {"from_address": "Acme <hello@acme.com>"},
    {"from_address": "Ünïcode Näme <hello@acme.com>", "subject": "Welcome to Acme — your account is ready ✓"},
    {"to": ["Jane Doe <jane@example.com>", "bob@example.com"], "cc": ["carol@example.com"], "bcc": ["x@example.com"],
     "reply_to": ["support@acme.com"]},
    {"to": ["jane@example.com", "bob@example.com"], "names": {"to": ["Doe, Jane", None]}},
    {"to": [f"recipient{i}@example.com" for i in range(12)], "cc": [f"copy{i}@example.com" for i in range(9)]},
    {"headers": {"X-Campaign": "welcome", "X-Long": "word " * 40, "X-Utf8": "é" * 30}},
    {"unsubscribe_url": "https://acme.com/u/" + "t" * 60},
    {"to": ["zoë@example.com"], "from_address": "hello@bücher.example"},
    {"to": ["jane@bücher.example"], "subject": " spaces  and\ttabs "},
    {"subject": "x" * 200},
]


@pytest.mark.parametrize("variant", range(len(VARIANTS)))
def test_the_direct_writer_matches_the_email_package_byte_for_byte(variant):
    """`build` writes messages without attachments itself (`_build_directly`); the email
    package (`_build_with_email_package`, still used with attachments) is the reference."""
    checked = 0
    for i, text in enumerate(BODIES):
        html = BODIES[-1 - i]
        for html_part, text_part in ((None, text), (html, text), (html, None), (None, None), (text, "")):
            message = make_email(**VARIANTS[variant], html=html_part, text=text_part,
                                 id=f"msg_0abc00000000000000000000{i:02d}")
            try:
                expected = mime._build_with_email_package(message)
            except ValueError:  # Unsendable included
                with pytest.raises(ValueError):
                    mime._build_directly(message)
                continue
            assert mime._build_directly(message) == expected, (variant, i, html_part, text_part)
            checked += 1
    assert checked > len(BODIES) * 4
