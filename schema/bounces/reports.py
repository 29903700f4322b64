"""Reading what comes back to a return path: delivery status notifications (RFC 3464,
`multipart/report; report-type=delivery-status`) and complaint reports (ARF, RFC 5965,
`multipart/report; report-type=feedback-report`). Anything else is `kind="other"`."""

from __future__ import annotations

import email
import email.message
import email.policy
import re
from dataclasses import dataclass, field
from email.utils import getaddresses
from typing import Literal

_STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
_REPLY_CODE = re.compile(r"^\s*(?:smtp\s*;\s*)?([245])\d\d\b", re.IGNORECASE)
MAX_TEXT = 500  # of a diagnostic kept in an event or a suppression's detail
COMPLAINT_TYPES = ("abuse", "fraud")


@dataclass(frozen=True)
class RecipientReport:
    """One per-recipient block of a DSN."""

    final_recipient: str  # the address, without its `rfc822;` type
    original_recipient: str  # "" when absent
    action: str  # failed | delayed | delivered | relayed | expanded (lower-case)
    status: str  # e.g. "5.1.1"; "" when absent and no reply code says
    diagnostic: str  # the Diagnostic-Code, e.g. "smtp; 550 5.1.1 <jane@…>: User unknown"
    remote_mta: str

    @property
    def permanent(self) -> bool:
        """Action failed with a 5.x.x status: the address will not work."""
        return self.action == "failed" and self.status.startswith("5")

    @property
    def failed(self) -> bool:
        """The server gave up on this recipient (for good, or after retrying a 4.x.x)."""
        return self.action == "failed"


@dataclass(frozen=True)
class Report:
    kind: Literal["dsn", "complaint", "other"]
    reporting_mta: str = ""
    recipients: list[RecipientReport] = field(default_factory=list)  # a DSN's
    feedback_type: str = ""  # a complaint's (abuse, fraud, not-spam, virus, other)
    complainants: list[str] = field(default_factory=list)  # Original-Rcpt-To, else the original To/Cc
    user_agent: str = ""


def _text(value) -> str:
    return " ".join(str(value or "").split())[:MAX_TEXT]


def _typed_address(value) -> str:
    """`rfc822; jane@example.com` -> `jane@example.com`."""
    text = _text(value)
    kind, sep, address = text.partition(";")
    address = (address if sep else kind).strip().strip("<>").strip()
    return address


def _status(block: email.message.Message) -> str:
    match = _STATUS.search(str(block.get("Status", "")))
    if match:
        return ".".join(match.groups())
    code = _REPLY_CODE.match(str(block.get("Diagnostic-Code", "")))
    return f"{code.group(1)}.0.0" if code else ""


def _blocks(part: email.message.Message) -> list[email.message.Message]:
    """The header blocks of a message/delivery-status part (the email package parses it into a
    list of header-only messages; a part it left as text is parsed here)."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [b for b in payload if isinstance(b, email.message.Message)]
    text = payload if isinstance(payload, str) else ""
    return [email.message_from_string(chunk.strip() + "\n") for chunk in re.split(r"\r?\n\s*\r?\n", text) if chunk.strip()]


def _fields(part: email.message.Message) -> email.message.Message:
    """The fields of a message/feedback-report part (parsed as an encapsulated message)."""
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], email.message.Message):
        return payload[0]
    return email.message_from_string(payload if isinstance(payload, str) else "")


def _original_headers(report: email.message.Message) -> email.message.Message | None:
    for part in report.walk():
        content_type = part.get_content_type()
        if content_type == "message/rfc822":
            payload = part.get_payload()
            if isinstance(payload, list) and payload:
                return payload[0]
        if content_type == "text/rfc822-headers":
            return email.message_from_string(part.get_payload(decode=True).decode("utf-8", "replace"))
    return None


def parse_report(raw: bytes) -> Report:
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    if message.get_content_type() != "multipart/report":
        return Report("other")
    report_type = (message.get_param("report-type") or "").lower()
    parts = message.get_payload() if message.is_multipart() else []
    if report_type == "delivery-status":
        status = next((p for p in parts if p.get_content_type() in ("message/delivery-status",
                                                                    "message/global-delivery-status")), None)
        if status is None:
            return Report("other")
        blocks = _blocks(status)
        if not blocks:
            return Report("other")
        per_message, per_recipient = blocks[0], blocks[1:]
        recipients = [
            RecipientReport(
                final_recipient=_typed_address(block.get("Final-Recipient")),
                original_recipient=_typed_address(block.get("Original-Recipient")),
                action=_text(block.get("Action")).lower(),
                status=_status(block),
                diagnostic=_text(block.get("Diagnostic-Code")),
                remote_mta=_typed_address(block.get("Remote-MTA")),
            )
            for block in per_recipient
            if block.get("Final-Recipient") or block.get("Original-Recipient")
        ]
        return Report("dsn", reporting_mta=_typed_address(per_message.get("Reporting-MTA")), recipients=recipients)
    if report_type == "feedback-report":
        feedback = next((p for p in parts if p.get_content_type() == "message/feedback-report"), None)
        if feedback is None:
            return Report("other")
        fields = _fields(feedback)
        complainants = [_typed_address(v) for v in fields.get_all("Original-Rcpt-To", [])]
        if not complainants:
            original = _original_headers(message)
            if original is not None:
                complainants = [a for _, a in getaddresses(original.get_all("To", []) + original.get_all("Cc", []))]
        return Report(
            "complaint",
            reporting_mta=_typed_address(fields.get("Reporting-MTA")),
            feedback_type=_text(fields.get("Feedback-Type")).lower(),
            complainants=[a for a in complainants if "@" in a],
            user_agent=_text(fields.get("User-Agent")),
        )
    return Report("other")
