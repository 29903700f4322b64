"""Build the RFC 5322 bytes of one outgoing message.

Uses the `compat32` classes of the standard `email` package (MIMENonMultipart, MIMEMultipart,
MIMEBase) rather than `EmailMessage` with the default policy: the modern API re-parses
every header through the header registry and costs several times more per message, and the
worker builds one message per delivery attempt.

Timing (this dev machine, Python 3.11; a message with 4 recipients, a non-ASCII subject and
display name, html + text, 1 custom header; `python -m app.engines.mime` re-measures):
  build(), text part given                           ~215 µs/message
  build(), text part derived from the html           ~290 µs/message
  same compat32 message, policy.SMTP generator      ~1040 µs/message (and it cannot fold
                                                     compat32 Header objects: not an option)
  EmailMessage + policy.SMTP                        ~1750 µs/message
Two tweaks halve the plain compat32 cost (~450 µs): short ASCII headers skip compat32's folding
(`_CrlfCompat32`), and boundaries are random rather than found by scanning the body. Since then a
message without attachments (the worker's usual case) is written directly (`_build_directly`,
~25 µs on 2026-11-29: the same header values and folding, the same body encodings, byte for
byte what the email package writes; tests/delivery/test_mime.py compares them). Non-ASCII
header text is encoded and folded here (`_encoded_words`): `email.header.Header` makes
76-character encoded words, one more than RFC 2047 allows.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from email import charset as _charset
from email import quoprimime
from email.encoders import encode_base64
from email.generator import BytesGenerator
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.policy import Compat32
from email.utils import format_datetime, getaddresses

from inscriptis import get_text
from inscriptis.model.config import ParserConfig

from app.core.headers import RESERVED_HEADERS, SIMPLE_ADDRESS, bare_address, message_id_header
from app.core.unsubscribe import ONE_CLICK
from app.core.validation import CONTROL_CHARS, ascii_domain_address, format_mailbox, one_line


class Unsendable(ValueError):
    """The message cannot be built or addressed as stored; waiting will not change that."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # e.g. "application/pdf"
    content: bytes


@dataclass(frozen=True)
class OutgoingEmail:
    id: str  # our message id, "msg_…"
    from_address: str  # "hello@acme.com" or "Name <hello@acme.com>"
    to: list[str]
    cc: list[str]
    bcc: list[str]  # envelope only, never written into the headers
    reply_to: list[str]
    subject: str
    html: str | None
    text: str | None
    headers: dict[str, str]  # custom headers, validated by the caller
    attachments: list[Attachment]
    date: datetime  # aware UTC datetime -> Date header
    # Display names of to/cc/replyTo: field ("to", "cc", "bcc", "replyTo") -> one name or None
    # per address of that field, in order (Message.recipient_names). The addresses stay bare.
    names: dict[str, list[str | None]] = field(default_factory=dict)
    # The one-click unsubscribe URL (RFC 8058): written as List-Unsubscribe with
    # List-Unsubscribe-Post; the same for every build of the message (app/core/unsubscribe.py).
    unsubscribe_url: str | None = None


# UTF-8 bodies as quoted-printable: mostly-ASCII text stays readable in the raw message and
# spam filters do not flag it as "text disguised in base64".
_UTF8_QP = _charset.Charset("utf-8")
_UTF8_QP.body_encoding = _charset.QP
_US_ASCII = _charset.Charset("us-ascii")  # 7bit: no encoding cost at all
# RFC 2047 encoded words, always base64 (measuring both encodings of every header was the
# largest single cost of a build): at most 75 characters each, "=?utf-8?b?" + text + "?=".
_WORD_PREFIX, _WORD_SUFFIX = "=?utf-8?b?", "?="
_MAX_WORD = 75
_MIN_WORD = len(_WORD_PREFIX) + 4 + len(_WORD_SUFFIX)  # room for one base64 quantum

# RFC 5322 caps lines at 998 octets; longer lines (minified html) need quoted-printable.
_MAX_7BIT_LINE = 998
_FOLD_AT = 78  # RFC 5322's recommended header line length
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_TOKEN = re.compile(r"^[a-z0-9!#$&^_.+-]+$")
_HEADER_NAME = re.compile(r"^[!-9;-~]+$")  # RFC 5322 field name: printable ASCII except ":"
_MOVED_HEADERS = ("Content-Type", "Content-Transfer-Encoding")
_UNSUBSCRIBE_HEADERS = ("list-unsubscribe", "list-unsubscribe-post")
# Boundaries need no scan of the body: "=_" never occurs in quoted-printable or base64 output,
# and 7bit text cannot guess 128 bits derived from the message's random ID (see _boundary).
_BOUNDARY_PREFIX = "=_vpt_"


class _Folded(str):
    """A header value this module already folded (CRLF + space between lines); ASCII unless
    the message carries UTF-8 addresses (then it is sent with SMTPUTF8, RFC 6532)."""


class _CrlfCompat32(Compat32):
    """compat32 with CRLF, skipping the (costly) folding machinery for short ASCII headers."""

    def fold_binary(self, name: str, value) -> bytes:
        if type(value) is _Folded:
            return f"{name}: {value}{self.linesep}".encode("utf-8")
        if (
            type(value) is str
            and len(name) + len(value) < 76
            and value.isascii()
            and "\n" not in value
            and "\r" not in value
        ):
            return f"{name}: {value}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)


_CRLF_POLICY = _CrlfCompat32(linesep="\r\n")
_BOUNDARY_MARKER = _BOUNDARY_PREFIX + "0" * 32  # the shape of every `_boundary`

# Links stay visible in the derived text part: in transactional mail they are the point.
_TEXT_CONFIG = ParserConfig(display_links=True)


def html_to_text(html: str) -> str:
    """Plain-text rendering of an html body, for the text/plain alternative."""
    if not html.strip():
        return ""
    return get_text(html, _TEXT_CONFIG).strip() + "\n"


def envelope_sender(email: OutgoingEmail) -> str:
    return bare_address(email.from_address)


def envelope_recipients(email: OutgoingEmail) -> list[str]:
    """To, Cc and Bcc as bare addresses, each once (compared case-insensitively), in order.
    As stored (suppressions match them); the transport writes domains as A-labels."""
    seen: set[str] = set()
    recipients: list[str] = []
    for address in (*email.to, *email.cc, *email.bcc):
        bare = bare_address(address)
        key = bare.lower()
        if bare and key not in seen:
            seen.add(key)
            recipients.append(bare)
    return recipients


def _ascii_domain(address: str) -> str:
    try:
        return ascii_domain_address(address)
    except ValueError as exc:
        raise Unsendable(f"{address}: {exc}") from None


def needs_smtputf8(email: OutgoingEmail) -> bool:
    """A UTF-8 local part (zoë@…) has no ASCII form: it goes out raw, with SMTPUTF8."""
    return not all(
        bare_address(address).rpartition("@")[0].isascii()
        for address in (email.from_address, *email.to, *email.cc, *email.bcc, *email.reply_to)
    )


def build(email: OutgoingEmail) -> bytes:
    """The message as sent over SMTP: CRLF line endings, no Bcc header, 7-bit clean unless
    an address has a UTF-8 local part (then its headers are UTF-8, for SMTPUTF8).
    Unsendable when the stored message cannot become a valid one."""
    try:
        return _build(email)
    except Unsendable:
        raise
    except ValueError as exc:  # UnicodeError included
        raise Unsendable(str(exc)) from None


def _build(email: OutgoingEmail) -> bytes:
    if email.attachments:
        return _build_with_email_package(email)
    return _build_directly(email)


def _build_directly(email: OutgoingEmail) -> bytes:
    """What `_build_with_email_package` makes of a message without attachments (the worker's
    usual case), written without the email package's objects: the same header values
    (`_header_fields`), each folded by the same policy, the same body encodings
    (`_encoded_text`) and the compat32 generator's layout. About a tenth of the cost;
    tests/delivery/test_mime.py compares the two byte for byte."""
    if email.html is None:
        content_type, encoding, payload = _encoded_text(email.text or "", "plain")
        content = [("Content-Type", content_type), ("Content-Transfer-Encoding", encoding)]
        body = _crlf(payload)
    else:
        text = email.text if email.text is not None else html_to_text(email.html)
        boundary = _boundary(email.id, "alternative")
        content = [("Content-Type", _alternative_content_type(boundary))]
        delimiter = f"--{boundary}\r\n".encode("ascii")
        body = (delimiter + _part_bytes(text, "plain") + b"\r\n" + delimiter + _part_bytes(email.html, "html")
                + f"\r\n--{boundary}--\r\n".encode("ascii"))
    fold = _CRLF_POLICY.fold_binary
    return b"".join([fold(name, value) for name, value in _header_fields(email, content)]) + b"\r\n" + body


def _alternative_content_type(boundary: str) -> str:
    """The Content-Type value of multipart/alternative as compat32 folds it: a boundary
    always has the same length and characters (`_boundary`), hence the same folding."""
    before, after = _ALTERNATIVE_FOLDED
    return _Folded(before + boundary + after)


def _folded_template(name: str, value: str, marker: str) -> tuple[str, str]:
    folded = _CRLF_POLICY.fold_binary(name, value).decode("ascii")
    before, _, after = folded.removeprefix(f"{name}: ").removesuffix("\r\n").partition(marker)
    return before, after


_ALTERNATIVE_FOLDED = _folded_template(
    "Content-Type", f'multipart/alternative; boundary="{_BOUNDARY_MARKER}"', _BOUNDARY_MARKER
)


def _encoded_text(content: str, subtype: str) -> tuple[str, str, str]:
    """(Content-Type, Content-Transfer-Encoding, payload) of a text part, as `_text_part` sets them."""
    if _is_7bit_safe(content):
        return f'text/{subtype}; charset="us-ascii"', "7bit", content
    # What Message.set_payload(content, _UTF8_QP) stores: QP of the UTF-8 bytes.
    return (f'text/{subtype}; charset="utf-8"', "quoted-printable",
            quoprimime.body_encode(content.encode("utf-8").decode("latin-1")))


def _part_bytes(content: str, subtype: str) -> bytes:
    content_type, encoding, payload = _encoded_text(content, subtype)
    fold = _CRLF_POLICY.fold_binary
    return fold("Content-Type", content_type) + fold("Content-Transfer-Encoding", encoding) + b"\r\n" + _crlf(payload)


def _crlf(payload: str) -> bytes:
    # The generator writes a payload's lines with CRLF whatever ending they had.
    return _LINE_BREAK.sub("\r\n", payload).encode("ascii")


def _build_with_email_package(email: OutgoingEmail) -> bytes:
    body = _body(email)
    if email.attachments:
        root = MIMEMultipart("mixed", boundary=_boundary(email.id, "mixed"))
        del body["MIME-Version"]
        root.attach(body)
        for attachment in email.attachments:
            root.attach(_attachment_part(attachment))
    else:
        root = body
    _write_headers(root, email)
    out = io.BytesIO()
    BytesGenerator(out, mangle_from_=False, policy=_CRLF_POLICY).flatten(root)
    return out.getvalue()


def _body(email: OutgoingEmail) -> MIMEBase:
    text = email.text
    if email.html is None:
        return _text_part(text or "", "plain")
    if text is None:
        text = html_to_text(email.html)
    alternative = MIMEMultipart("alternative", boundary=_boundary(email.id, "alternative"))
    alternative.attach(_text_part(text, "plain"))  # least preferred first (RFC 2046)
    alternative.attach(_text_part(email.html, "html"))
    return alternative


def _boundary(message_id: str, part: str) -> str:
    """The same for every build of a message, so a retry sends the very bytes its DKIM
    signature was made over; unguessable to whoever wrote the content, which was fixed before
    the message's random ID existed."""
    return _BOUNDARY_PREFIX + hashlib.sha256(f"{message_id}:{part}".encode()).hexdigest()[:32]


def _text_part(content: str, subtype: str) -> MIMENonMultipart:
    part = MIMENonMultipart("text", subtype)
    part.set_payload(content, _US_ASCII if _is_7bit_safe(content) else _UTF8_QP)
    del part["MIME-Version"]  # belongs on the top-level message only
    return part


def _is_7bit_safe(content: str) -> bool:
    if not content.isascii():
        return False
    if len(content) <= _MAX_7BIT_LINE:
        return True
    return all(len(line) <= _MAX_7BIT_LINE for line in _LINE_BREAK.split(content))


def _attachment_part(attachment: Attachment) -> MIMEBase:
    # Only type/subtype is used: parameters in a caller's content type are not trusted.
    maintype, _, subtype = attachment.content_type.partition(";")[0].strip().lower().partition("/")
    if not (_TOKEN.match(maintype) and _TOKEN.match(subtype)):
        maintype, subtype = "application", "octet-stream"
    # A non-ASCII filename becomes an RFC 2231 parameter (filename*=utf-8''…); `name` on the
    # Content-Type is for old clients that ignore Content-Disposition.
    filename = one_line(attachment.filename)
    parameter = filename if filename.isascii() else ("utf-8", "", filename)
    part = MIMEBase(maintype, subtype, name=parameter)
    del part["MIME-Version"]
    part.set_payload(attachment.content)
    encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=parameter)
    return part


def _write_headers(root: MIMEBase, email: OutgoingEmail) -> None:
    # The MIME classes write Content-Type first; it is moved after the envelope-facing
    # headers so the block reads From, To, …, MIME-Version, Content-*, custom headers.
    moved = [(name, root[name]) for name in _MOVED_HEADERS if name in root]
    for name in ("MIME-Version", *_MOVED_HEADERS):
        del root[name]
    for name, value in _header_fields(email, moved):
        root[name] = value


def _header_fields(email: OutgoingEmail, content: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The top-level header fields in order, `content` (the root's Content-* fields) after
    MIME-Version; values as stored in the message (str, or `_Folded`)."""
    utf8 = needs_smtputf8(email)
    fields = [("From", _from_header(email.from_address, utf8)),
              ("To", _address_list("To", email.to, utf8, email.names.get("to")))]
    if email.cc:
        fields.append(("Cc", _address_list("Cc", email.cc, utf8, email.names.get("cc"))))
    if email.reply_to:
        fields.append(("Reply-To", _address_list("Reply-To", email.reply_to, utf8, email.names.get("replyTo"))))
    fields += [
        ("Subject", _text_header("Subject", one_line(email.subject))),
        ("Date", _date_header(email.date)),
        ("Message-ID", message_id_header(email.id, email.from_address)),
        ("MIME-Version", "1.0"),
        *content,
    ]
    if email.unsubscribe_url is not None:
        url = email.unsubscribe_url
        if not url.isascii() or CONTROL_CHARS.search(url) or any(c in url for c in " <>,"):
            raise Unsendable(f"unsubscribe URL not allowed: {url!r}")
        if len("List-Unsubscribe: <>") + len(url) > _MAX_7BIT_LINE:
            raise Unsendable("the unsubscribe link is longer than a header line may be (the address is too long)")
        # One URL cannot be folded (no white space in it); it stays under 998 octets.
        fields.append(("List-Unsubscribe", _Folded(f"<{url}>")))
        fields.append(("List-Unsubscribe-Post", ONE_CLICK))
    for name, value in email.headers.items():
        _check_custom_header(name, value)
        if email.unsubscribe_url is not None and name.lower() in _UNSUBSCRIBE_HEADERS:
            raise Unsendable(f"custom header {name} conflicts with the one-click unsubscribe link")
        fields.append((name, _text_header(name, value)))
    return fields


@functools.lru_cache(maxsize=1024)
def _from_header(from_address: str, utf8: bool) -> str:
    # Most messages of a sender share their From: parsed once, not at every build.
    return _address_list("From", [from_address], utf8)


def _check_custom_header(name: str, value: str) -> None:
    """Last line of defence (callers validate first): no header injection, no overrides."""
    if not _HEADER_NAME.match(name) or name.lower() in RESERVED_HEADERS:
        raise Unsendable(f"custom header name not allowed: {name!r}")
    if CONTROL_CHARS.search(value):
        raise Unsendable(f"custom header {name} has a control character in its value")


def _address_list(name: str, addresses: list[str], utf8: bool, names: list[str | None] | None = None) -> str:
    """Addresses as one header value, folded between addresses (compat32 would fold inside
    quoted display names); non-ASCII display names become RFC 2047 encoded words. Domains
    are A-labels unless the message goes out as UTF-8 anyway. `names`: a display name (or
    None) for each of `addresses`, which are then bare addresses."""
    if names and any(names):
        rendered = [
            _address(one_line(display_name or ""), _header_address(bare_address(address), utf8))
            for address, display_name in zip(addresses, [*names, *[None] * (len(addresses) - len(names))])
        ]
    elif all(SIMPLE_ADDRESS.match(address) for address in addresses):
        rendered = [_header_address(address, utf8) for address in addresses]
    else:
        pairs = getaddresses([one_line(address) for address in addresses])
        rendered = [
            _address(display_name, _header_address(address, utf8)) for display_name, address in pairs if address
        ]
    return _fold_list(len(name) + 2, rendered)


def _header_address(address: str, utf8: bool) -> str:
    return address if utf8 or address.isascii() else _ascii_domain(address)


def _address(display_name: str, address: str) -> str:
    if not display_name or display_name.isascii():
        # (Not email.utils.formataddr: it refuses a UTF-8 address, which SMTPUTF8 allows.)
        return format_mailbox(display_name, address)
    return f"{_encoded_words(display_name, _MAX_WORD)} <{address}>"


def _fold_list(used: int, items: list[str]) -> str:
    """Join items with ", ", breaking the line before an item that would pass column 78."""
    out: list[str] = []
    for index, item in enumerate(items):
        piece = item if index == len(items) - 1 else item + ","
        first_line, _, rest = piece.partition("\r\n")
        if out and used + 1 + len(first_line) > _FOLD_AT:
            out.append("\r\n ")
            used = 1
        elif out:
            out.append(" ")
            used += 1
        out.append(piece)
        used = len(piece.rpartition("\r\n")[2]) if rest else used + len(first_line)
    return _Folded("".join(out))


def _text_header(name: str, value: str) -> str:
    if value.isascii():
        return value
    # The first word shares its line with "Name: " (78 columns recommended).
    return _Folded(_encoded_words(value, max(_MIN_WORD, min(_MAX_WORD, _FOLD_AT - len(name) - 2))))


def _encoded_words(text: str, first_word_max: int) -> str:
    """`text` as RFC 2047 base64 words of at most 75 characters (the first at most
    `first_word_max`), one per line; a UTF-8 character is never split between two words."""
    words: list[str] = []
    limit = first_word_max
    chunk = bytearray()
    for char in text:
        encoded = char.encode("utf-8")
        if chunk and _word_length(len(chunk) + len(encoded)) > limit:
            words.append(_word(bytes(chunk)))
            chunk.clear()
            limit = _MAX_WORD
        chunk += encoded
    words.append(_word(bytes(chunk)))
    return "\r\n ".join(words)


def _word_length(octets: int) -> int:
    return len(_WORD_PREFIX) + 4 * -(-octets // 3) + len(_WORD_SUFFIX)


def _word(octets: bytes) -> str:
    return f"{_WORD_PREFIX}{base64.b64encode(octets).decode('ascii')}{_WORD_SUFFIX}"


def _date_header(date: datetime) -> str:
    if date.tzinfo is None:  # documented as aware UTC; a naive one is read as UTC
        date = date.replace(tzinfo=timezone.utc)
    return format_datetime(date.astimezone(timezone.utc))


def _benchmark(count: int = 2000) -> None:
    """Print µs/message for this module and for the slower alternatives it replaced."""
    import time
    from email.message import EmailMessage
    from email.policy import SMTP

    sample = OutgoingEmail(
        id="msg_0abcdefghijklmnopqrstuvwx",
        from_address="Ünïcode Näme <hello@acme.com>",
        to=["Jane Doe <jane@example.com>", "bob@example.com"],
        cc=["carol@example.com"],
        bcc=["audit@acme.com"],
        reply_to=["support@acme.com"],
        subject="Welcome to Acme — your account is ready ✓",
        html="<h1>Hi Jane</h1><p>Thanks for signing up. <a href='https://acme.com/v'>Verify</a></p>",
        text=None,
        headers={"X-Campaign": "welcome"},
        attachments=[],
        date=datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
    )
    text = html_to_text(sample.html)

    def modern() -> bytes:
        msg = EmailMessage()
        msg["From"] = sample.from_address
        msg["To"] = ", ".join(sample.to)
        msg["Cc"] = ", ".join(sample.cc)
        msg["Reply-To"] = ", ".join(sample.reply_to)
        msg["Subject"] = sample.subject
        msg["Date"] = sample.date
        msg["Message-ID"] = message_id_header(sample.id, sample.from_address)
        msg["X-Campaign"] = "welcome"
        msg.set_content(text)
        msg.add_alternative(sample.html, subtype="html")
        return msg.as_bytes(policy=SMTP)

    def compat_smtp_policy() -> bytes:
        root = _body(sample)
        _write_headers(root, sample)
        return root.as_bytes(policy=SMTP)

    def derived_text() -> str:
        return html_to_text(sample.html)

    for label, fn in [
        ("build (html + derived text)", lambda: build(sample)),
        ("build (html + given text)", lambda: build(replace(sample, text=text))),
        ("compat32 + policy.SMTP generator", compat_smtp_policy),
        ("EmailMessage + policy.SMTP", modern),
        ("html_to_text alone", derived_text),
    ]:
        fn()
        start = time.perf_counter()
        for _ in range(count):
            fn()
        print(f"{label:36s} {(time.perf_counter() - start) / count * 1e6:7.0f} µs/message")


if __name__ == "__main__":
    _benchmark()
