"""What receiving servers send back to a return path, for tests: delivery status notifications
(RFC 3464) built with the email package, one in the exact layout Postfix's bounce(8) writes,
and complaint reports (ARF, RFC 5965). Each returns the bytes sent over SMTP."""

from __future__ import annotations

from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import SMTP
from email.utils import formatdate


def _header_block(fields: list[tuple[str, str]]) -> Message:
    block = Message()
    for name, value in fields:
        block[name] = value
    return block


def rfc3464_dsn(
    return_path: str, recipients: list[dict], original_headers: str, reporting_mta: str = "mx.example.net"
) -> bytes:
    """A DSN: `recipients` are dicts with final (address), action, status and optionally
    original and diagnostic. Built as RFC 3464 says: multipart/report with a human-readable
    part, a message/delivery-status part (per-message block, then one block per recipient) and
    the returned headers."""
    report = MIMEMultipart("report", report_type="delivery-status")
    report["From"] = f"Mail Delivery Subsystem <MAILER-DAEMON@{reporting_mta}>"
    report["To"] = return_path
    report["Subject"] = "Delivery Status Notification"
    report["Date"] = formatdate()
    report["Auto-Submitted"] = "auto-replied"
    report.attach(MIMEText("Delivery to some recipients failed or was delayed.\n", "plain", "us-ascii"))
    status = MIMEBase("message", "delivery-status")
    blocks = [_header_block([("Reporting-MTA", f"dns; {reporting_mta}"), ("Arrival-Date", formatdate())])]
    for r in recipients:
        fields = []
        if r.get("original"):
            fields.append(("Original-Recipient", f"rfc822;{r['original']}"))
        fields += [("Final-Recipient", f"rfc822;{r['final']}"), ("Action", r["action"]), ("Status", r["status"])]
        if r.get("diagnostic"):
            fields.append(("Diagnostic-Code", f"smtp; {r['diagnostic']}"))
        blocks.append(_header_block(fields))
    status.set_payload(blocks)
    report.attach(status)
    headers = MIMEBase("text", "rfc822-headers")
    headers.set_payload(original_headers)
    report.attach(headers)
    return report.as_bytes(policy=SMTP)


# Postfix 3.x bounce(8), verbatim apart from the names, IDs and the returned headers.
_POSTFIX = """\
Return-Path: <>
Received: by mx.example.net (Postfix)
\tid 4XyZ1B2c3Dz9sLq; Mon, 30 Nov 2026 09:12:41 +0000 (UTC)
Date: Mon, 30 Nov 2026 09:12:41 +0000 (UTC)
From: MAILER-DAEMON@mx.example.net (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: {return_path}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="4XyZ1B2c3Dz9sLq.1796029961/mx.example.net"
Content-Transfer-Encoding: 8bit
Message-Id: <20261130091241.4XyZ1B2c3Dz9sLq@mx.example.net>

This is a MIME-encapsulated message.

--4XyZ1B2c3Dz9sLq.1796029961/mx.example.net
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.example.net.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to postmaster.

If you do so, please include this problem report. You can
delete your own text from the attached returned message.

                   The mail system

<{recipient}>: host mx.example.net[192.0.2.25] said: 550 5.1.1
    <{recipient}>: Recipient address rejected: User unknown in local recipient
    table (in reply to RCPT TO command)

--4XyZ1B2c3Dz9sLq.1796029961/mx.example.net
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net
X-Postfix-Queue-ID: 4XyZ1B2c3Dz9sLq
X-Postfix-Sender: rfc822; {return_path}
Arrival-Date: Mon, 30 Nov 2026 09:12:40 +0000 (UTC)

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.example.net
Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address rejected:
    User unknown in local recipient table

--4XyZ1B2c3Dz9sLq.1796029961/mx.example.net
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers
Content-Transfer-Encoding: 8bit

{original_headers}
--4XyZ1B2c3Dz9sLq.1796029961/mx.example.net--
"""


def postfix_dsn(return_path: str, recipient: str, original_headers: str) -> bytes:
    """A permanent failure (550 5.1.1 user unknown) as Postfix reports it."""
    text = _POSTFIX.format(return_path=return_path, recipient=recipient, original_headers=original_headers.strip())
    return text.replace("\n", "\r\n").encode("ascii")


def arf_report(return_path: str, recipient: str | None, original: bytes, feedback_type: str = "abuse") -> bytes:
    """A complaint as a mailbox provider's feedback loop sends it (RFC 5965): a human-readable
    part, message/feedback-report (Original-Rcpt-To when `recipient` is given; some providers
    redact it) and the original message."""
    report = MIMEMultipart("report", report_type="feedback-report")
    report["From"] = "Feedback Loop <fbl@mail.example.net>"
    report["To"] = return_path
    report["Subject"] = "FW: complaint about a message"
    report["Date"] = formatdate()
    report.attach(MIMEText("This is an email abuse report for an email message received from IP 192.0.2.7.\n"))
    fields = [("Feedback-Type", feedback_type), ("User-Agent", "ExampleFBL/1.0"), ("Version", "1"),
              ("Reporting-MTA", "dns; mail.example.net"), ("Source-IP", "192.0.2.7")]
    if recipient:
        fields.append(("Original-Rcpt-To", recipient))
    feedback = MIMEBase("message", "feedback-report")
    feedback.set_payload("".join(f"{name}: {value}\r\n" for name, value in fields))
    report.attach(feedback)
    returned = MIMEBase("message", "rfc822")
    returned.set_payload(original.decode("utf-8", "replace"))
    report.attach(returned)
    return report.as_bytes(policy=SMTP)
