"""Field types shared by every input model, so REST and GraphQL validate identically."""

from __future__ import annotations

import functools
import json
import math
import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Optional

import pycountry
from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    model_serializer,
)
from pydantic_core import PydanticCustomError

from app.core.errors import ApiError, ErrorCode

MAX_JSON_BYTES = 32 * 1024
# Nesting deeper than this is refused in request bodies and NDJSON import rows: no contact
# field or event property needs more, and CPython's parser hits its recursion limit near 1,000.
MAX_JSON_DEPTH = 32
MAX_BODY_CHARS = 512 * 1024  # html/text of a message: the template source, and its rendered output
MAX_SUBJECT_CHARS = 998  # RFC 5322's line length; also the stored column's
_NAME_ADDR = re.compile(r"^(.*?)\s*<([^<>]+)>\s*$")
# Characters some mail software reads as the end of a header line (or mangles): every C0
# control (tab included), DEL, NEL and the Unicode line and paragraph separators.
CONTROL_CHARS = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]")


def _no_control(value: str) -> str:
    """The one rule for text that ends up in a mail header."""
    if CONTROL_CHARS.search(value):
        raise PydanticCustomError(
            "header_injection", "Control characters (line breaks, tabs and the like) are not allowed here."
        )
    return value


def one_line(value: str) -> str:
    """Header text that was not validated (rendered from variables, stored earlier): control
    characters read as spaces, so they can never start a new header line."""
    if CONTROL_CHARS.search(value):
        return " ".join(CONTROL_CHARS.sub(" ", value).split())
    return value


def ascii_domain_address(address: str) -> str:
    """`address` with an internationalized domain as A-labels (xn--…, email-validator's
    IDNA 2008 encoding), as SMTP envelopes and 7-bit headers need; the local part is kept.
    ValueError when the address does not validate."""
    local, _, domain = address.rpartition("@")
    if domain.isascii():
        return address
    try:
        return f"{local}@{validate_email(address, check_deliverability=False).ascii_domain}"
    except EmailNotValidError as exc:
        raise ValueError(f"not a valid email address ({exc})") from None


@functools.lru_cache(maxsize=4096)  # senders repeat their addresses: From on every send
def normalize_email(value: str) -> str:
    _no_control(value)
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise PydanticCustomError("invalid_email", "Not a valid email address: {reason}", {"reason": str(exc)})


# email-validator costs ~20-80 µs per address (imports: 20 s for a million rows; event
# batches, contact upserts, recipients: each new address). Plain ASCII addresses
# (nearly all of them) take this stricter path, whose result is what email-validator returns
# (the domain lower-cased); anything else goes through email-validator.
_FAST_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_FAST_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_FAST_EMAIL = re.compile(rf"({_FAST_ATOM}(?:\.{_FAST_ATOM})*)@((?:{_FAST_LABEL}\.)+[A-Za-z]{{2,63}})")
_SPECIAL = frozenset(SPECIAL_USE_DOMAIN_NAMES)


def fast_normalize_email(raw: str) -> str:
    """The normalized address, as `app.core.validation.normalize_email`; raises PydanticCustomError."""
    match = _FAST_EMAIL.fullmatch(raw)
    if match and len(match[1]) <= 64 and len(raw) <= 254 and "--" not in match[2]:
        domain = match[2].lower()
        if domain.rpartition(".")[2] not in _SPECIAL:
            return f"{match[1]}@{domain}"
    return normalize_email(raw)


def email_key(email: str) -> str:
    """What addresses are matched by (contacts, suppressions, recipients): lower case."""
    return email.lower()


MAX_NAME_CHARS = 200  # a display name (`from`, recipients); its own limit, the address has its own
_SPECIALS = re.compile(r'[()<>@,;:\\".\[\]]')


def split_mailbox(value: str) -> tuple[str, str]:
    """`addr`, `Name <addr>` or `"Quoted, Name" <addr>` as (name, addr), neither validated;
    a quoted name is unquoted (`\\"` and `\\\\` read as `"` and `\\`)."""
    match = _NAME_ADDR.match(value)
    if not match:
        return "", value.strip()
    name = match[1].strip()
    if len(name) >= 2 and name[0] == name[-1] == '"':
        name = re.sub(r"\\(.)", r"\1", name[1:-1])
    return name.strip(), match[2].strip()


def format_mailbox(name: str | None, address: str) -> str:
    """`address`, or `Name <address>` with the name quoted when RFC 5322 needs it (commas,
    dots, quotes, …). Kept readable, not RFC 2047: MIME encoding happens at send time."""
    if not name:
        return address
    if _SPECIALS.search(name):
        name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{name} <{address}>"


def display_name(value: str | None) -> str | None:
    """A display name as given: one line, at most MAX_NAME_CHARS; blank means none."""
    if value is None:
        return None
    _no_control(value)
    value = value.strip()
    if len(value) > MAX_NAME_CHARS:
        raise PydanticCustomError("too_long", "A name has at most {n} characters.", {"n": MAX_NAME_CHARS})
    return value or None


def _mailbox(value: str) -> str:
    """`addr` or `Name <addr>`; returns it re-serialized with a validated address."""
    _no_control(value)
    name, addr = split_mailbox(value)
    return format_mailbox(display_name(name), fast_normalize_email(addr))


@functools.lru_cache(maxsize=1024)  # a handful of currencies, on every valued event
def _is_currency(code: str) -> bool:
    return pycountry.currencies.get(alpha_3=code) is not None


def _currency(value: str) -> str:
    if len(value) != 3 or not value.isupper() or not _is_currency(value):
        raise PydanticCustomError("invalid_currency", "Not an ISO 4217 currency code (e.g. USD).")
    return value


_COMPACT_JSON = json.JSONEncoder(separators=(",", ":"), default=str)  # once: json.dumps with options builds one a call


def compact_json(value: Any) -> str:
    """`json.dumps(value, separators=(",", ":"), default=str)`: ASCII, so its length is its size in bytes."""
    return _COMPACT_JSON.encode(value)


def json_bytes(value: Any) -> int:
    """A value's size as compact UTF-8 JSON: the one measure of the MAX_JSON_BYTES limit."""
    return len(_COMPACT_JSON.encode(value).encode())


def check_json_size(value: Any) -> Any:
    if json_bytes(value) > MAX_JSON_BYTES:
        raise PydanticCustomError("too_large", "At most 32 KiB of JSON.")
    return value


class JsonRefused(json.JSONDecodeError):
    """Valid to Python's parser, refused by ours; it has no useful position to show."""

    def __str__(self) -> str:
        return self.msg


def _no_constant(name: str) -> Any:
    raise JsonRefused(f"{name} is not allowed (JSON has no NaN or Infinity)", "", 0)


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise JsonRefused(f"the number {text[:40]} is out of range", "", 0)
    return value


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether containers nest more than `limit` deep (json.loads makes only dicts and lists).
    Recursive, at most `limit` calls deep: about twice as fast as a stack of tuples."""
    if type(value) is not dict and type(value) is not list:
        return False
    if limit < 1:
        return True
    for child in value.values() if type(value) is dict else value:
        if (type(child) is dict or type(child) is list) and _deeper_than(child, limit - 1):
            return True
    return False


def loads_strict(data: str | bytes) -> Any:
    """`json.loads` for everything clients send (REST bodies, NDJSON import rows): refuses
    NaN, Infinity, numbers that overflow to infinity (PostgreSQL's JSON cannot store them and
    other clients cannot parse them) and nesting deeper than MAX_JSON_DEPTH. Every refusal
    is a json.JSONDecodeError (JsonRefused), which FastAPI turns into 400 `invalid_json`."""
    try:
        text = data.decode("utf-8-sig") if isinstance(data, (bytes, bytearray)) else data
    except UnicodeDecodeError:
        raise JsonRefused("the text is not UTF-8", "", 0) from None
    try:
        value = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except RecursionError:
        value = None  # nested far deeper than the limit
    else:
        # Depth ≤ the number of brackets: the walk only runs for the few values that could be too deep.
        if text.count("{") + text.count("[") <= MAX_JSON_DEPTH or not _deeper_than(value, MAX_JSON_DEPTH):
            return value
    raise JsonRefused(f"nested deeper than {MAX_JSON_DEPTH} levels", text, 0)


def decode_json(body: str | bytes) -> Any:
    """`loads_strict` for a body decoded outside FastAPI (GraphQL): 400 `invalid_json`."""
    try:
        return loads_strict(body)
    except json.JSONDecodeError as exc:
        raise ApiError(ErrorCode.INVALID_JSON, f"The request body is not valid JSON: {exc}.") from None


MAX_TAG_CHARS = 100
MAX_EMAIL_CHARS = 254  # email-validator's limit (RFC 5321's path less its angle brackets)
# What the OpenAPI document says of these types (JSON Schema regexes are ECMA-262: `\u` escapes).
NO_CONTROL_PATTERN = "^[^\\u0000-\\u001f\\u007f\\u0085\\u2028\\u2029]*$"
# An ASCII address email-validator takes: dot-atom local part, dotted domain of LDH labels whose
# last label ends with a letter, as every top-level domain does, and is no special-use name
# (`.test`, `.local`, …). Bounded to fit its length limits (local part 64, domain 253, address 254)
# by its quantifiers (lookaheads would cost generators dearly): a subset of what is accepted.
_ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{1,15}"
_LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?"
_SPECIAL_USE = "(?:" + "|".join(  # email-validator's special-use names, in any case
    "".join(f"[{c.upper()}{c}]" for c in name) for name in ("arpa", "invalid", "local", "localhost", "onion", "test")
) + ")"
ADDRESS_PATTERN = (
    f"{_ATOM}(?:\\.{_ATOM}){{0,3}}@(?:{_LABEL}\\.){{1,4}}(?!{_SPECIAL_USE}>?$)[A-Za-z](?:[A-Za-z0-9-]{{0,30}}[A-Za-z])?"
)
# (`format: email` says the rest; the pattern only keeps special-use domains out.)
EMAIL_SCHEMA = {
    "type": "string", "format": "email", "maxLength": MAX_EMAIL_CHARS,
    "pattern": f"^(?!.*[.@]{_SPECIAL_USE}$)",
}
MAILBOX_SCHEMA = {
    "type": "string",
    "maxLength": 400,
    "pattern": f"^(?:{ADDRESS_PATTERN}|[^<>\\u0000-\\u001f\\u007f\\u0085\\u2028\\u2029]{{0,{MAX_NAME_CHARS}}}<{ADDRESS_PATTERN}>)$",
    "description": "An address (`hello@acme.com`) or a name and an address (`Acme <hello@acme.com>`).",
    "examples": ["hello@acme.com", "Acme <hello@acme.com>"],
}
# A tag (contacts, messages, automation steps): trimmed, 1-100 characters, one line (so at least
# one character that is not white space).
Tag = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TAG_CHARS, pattern=r"^[^\r\n]+$"),
    WithJsonSchema({"type": "string", "minLength": 1, "maxLength": MAX_TAG_CHARS, "pattern": "^[^\\r\\n]*[^\\s][^\\r\\n]*$"}),
]
EmailAddress = Annotated[str, AfterValidator(fast_normalize_email), WithJsonSchema(EMAIL_SCHEMA)]
Mailbox = Annotated[str, AfterValidator(_mailbox), WithJsonSchema(MAILBOX_SCHEMA)]
# (The pattern as a schema extra, not WithJsonSchema: fields add their own length limits to it.)
HeaderText = Annotated[str, AfterValidator(_no_control), Field(json_schema_extra={"pattern": NO_CONTROL_PATTERN})]
CurrencyCode = Annotated[str, AfterValidator(_currency)]
JsonObject = Annotated[dict[str, Any], AfterValidator(check_json_size)]


# RFC 3339's date-time (what `format: date-time` means), the offset left optional so that its
# absence is reported as such ("Give a time zone") by the field's own check.
ISO_DATETIME = re.compile(r"^\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d{1,6})?([Zz]|[+-]\d\d:\d\d)?$")


def _iso_datetime(value: Any) -> Any:
    """Only ISO 8601 text (or a datetime, from GraphQL): pydantic alone would also read numbers
    and numeric strings (`0.5`) as Unix times, which the documented `date-time` format is not."""
    if isinstance(value, datetime) or (isinstance(value, str) and ISO_DATETIME.match(value)):
        return value
    # The error type pydantic itself gives unparsable text (code `invalid_type`, as before).
    raise PydanticCustomError("datetime_parsing", "Input should be an ISO 8601 time, e.g. 2026-11-27T17:00:00Z.")


IsoDateTime = Annotated[datetime, BeforeValidator(_iso_datetime)]


def decimal_places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def to_list(value: Any) -> Any:
    """Accept one value or a list of them."""
    return [value] if isinstance(value, str) else value


OneOrMany = BeforeValidator(to_list)


NAME_SCHEMA = {
    "type": "string", "maxLength": MAX_NAME_CHARS, "pattern": NO_CONTROL_PATTERN,
    "description": "The name shown with the address (`Jane Doe`); any characters but line breaks.",
}
RECIPIENT_SCHEMA = {
    "anyOf": [
        EMAIL_SCHEMA,
        {**MAILBOX_SCHEMA, "description": "A name and an address: `Jane Doe <jane@example.com>`."},
        {
            "type": "object",
            "properties": {"email": EMAIL_SCHEMA, "name": NAME_SCHEMA},
            "required": ["email"],
            "additionalProperties": False,
            "description": "An address and, optionally, the name shown with it.",
            "examples": [{"email": "jane@example.com", "name": "Jane Doe"}],
        },
    ],
}

DisplayName = Annotated[str, AfterValidator(display_name), WithJsonSchema(NAME_SCHEMA)]


class Recipient(BaseModel):
    """One recipient: its address and, optionally, the name shown with it in the headers.
    Given as `addr`, `Name <addr>` or `{"email", "name"}`; serialized as the mailbox text
    (`addr` when there is no name), so a request's fingerprint does not depend on the form."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    email: EmailAddress
    name: Optional[DisplayName] = None

    @model_serializer
    def _as_text(self) -> str:
        return format_mailbox(self.name, self.email)


def _recipient_text(value: Any) -> Any:
    """`addr` or `Name <addr>` → Recipient (errors name the item, as for an address)."""
    if isinstance(value, (dict, Recipient)):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("recipient_type", "Give an address, `Name <address>` or {\"email\", \"name\"}.")
    _no_control(value)
    name, addr = split_mailbox(value)
    return Recipient(email=fast_normalize_email(addr), name=display_name(name))


def _recipient_list(value: Any) -> Any:
    """One recipient (text or object) or a list of them."""
    return [value] if isinstance(value, (str, dict)) else value


def recipient_list(max_items: int, *, required: bool) -> Any:
    """The type of `to` (required: not empty), `cc`, `bcc`, `replyTo`: one recipient or a list."""
    return Annotated[
        list[Annotated[Recipient, BeforeValidator(_recipient_text)]],
        BeforeValidator(_recipient_list),
        Field(min_length=1 if required else 0, max_length=max_items),
        WithJsonSchema({
            "anyOf": [
                RECIPIENT_SCHEMA,
                {"type": "array", "items": RECIPIENT_SCHEMA, "minItems": 1, "maxItems": max_items},
            ],
            "description": "One recipient or a list of them. A recipient is an address (`jane@example.com`), "
            "a name and an address (`Jane Doe <jane@example.com>`), or `{\"email\", \"name\"}`.",
        }),
    ]


EVENT_TYPE = re.compile(r"^[a-z0-9][a-z0-9_.:-]{0,99}$")


def _event_type(value: str) -> str:
    if not EVENT_TYPE.match(value):
        raise PydanticCustomError(
            "invalid_format", "Lower-case letters, digits and _ . : - (e.g. order.placed), at most 100."
        )
    return value


# An event's type, as ingested and as an automation's trigger names it.
EventTypeName = Annotated[
    str, AfterValidator(_event_type), WithJsonSchema({"type": "string", "pattern": EVENT_TYPE.pattern, "examples": ["order.placed"]})
]
