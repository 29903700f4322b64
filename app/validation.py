"""Field types shared by every input model, so REST and GraphQL validate identically."""

from __future__ import annotations

from decimal import Decimal
import re
from typing import Annotated, Any

import pycountry
from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BeforeValidator
from pydantic_core import PydanticCustomError

MAX_JSON_BYTES = 32 * 1024
MAX_BODY_CHARS = 512 * 1024  # html/text of a message: the template source, and its rendered output
MAX_SUBJECT_CHARS = 998  # RFC 5322's line length; also the stored column's
_NAME_ADDR = re.compile(r"^(.*?)\s*<([^<>]+)>\s*$")


def _no_crlf(value: str) -> str:
    if "\r" in value or "\n" in value:
        raise PydanticCustomError("header_injection", "Line breaks (CR or LF) are not allowed here.")
    return value


def normalize_email(value: str) -> str:
    _no_crlf(value)
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise PydanticCustomError("invalid_email", "Not a valid email address: {reason}", {"reason": str(exc)})


def _mailbox(value: str) -> str:
    """`addr` or `Name <addr>`; returns it re-serialized with a validated address."""
    _no_crlf(value)
    match = _NAME_ADDR.match(value)
    name, addr = (match[1].strip().strip('"').strip(), match[2]) if match else ("", value.strip())
    addr = normalize_email(addr)
    if not name:
        return addr
    if any(c in name for c in '()<>@,;:\\".[]'):
        name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{name} <{addr}>"  # kept readable (not RFC 2047); MIME encoding happens at send time


def _currency(value: str) -> str:
    if len(value) != 3 or not value.isupper() or pycountry.currencies.get(alpha_3=value) is None:
        raise PydanticCustomError("invalid_currency", "Not an ISO 4217 currency code (e.g. USD).")
    return value


def _json_size(value: Any) -> Any:
    import json

    if len(json.dumps(value, separators=(",", ":"), default=str).encode()) > MAX_JSON_BYTES:
        raise PydanticCustomError("too_large", "At most 32 KiB of JSON.")
    return value


EmailAddress = Annotated[str, AfterValidator(normalize_email)]
Mailbox = Annotated[str, AfterValidator(_mailbox)]
HeaderText = Annotated[str, AfterValidator(_no_crlf)]
CurrencyCode = Annotated[str, AfterValidator(_currency)]
JsonObject = Annotated[dict[str, Any], AfterValidator(_json_size)]


def decimal_places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def to_list(value: Any) -> Any:
    """Accept one value or a list of them."""
    return [value] if isinstance(value, str) else value


OneOrMany = BeforeValidator(to_list)
