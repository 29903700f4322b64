"""Header rules a resolver checks and the MIME builder applies: the headers only the server
writes, the bare address of a mailbox, and the Message-ID derived from the sender."""

from __future__ import annotations

import functools
import re
from email.utils import parseaddr

from app.core.validation import ascii_domain_address

FALLBACK_DOMAIN = "viperatron.local"

_DOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$")
SIMPLE_ADDRESS = re.compile(r"^[^\s<>\",;:()\[\]\\@]+@[^\s<>\",;:()\[\]\\@]+$")

# Headers that `build` writes itself or that only servers may add: a caller setting them
# could forge the sender, leak Bcc recipients or break the MIME structure.
RESERVED_HEADERS: frozenset[str] = frozenset(
    {
        "from",
        "to",
        "cc",
        "bcc",
        "reply-to",
        "subject",
        "date",
        "message-id",
        "mime-version",
        "content-type",
        "content-transfer-encoding",
        "content-disposition",
        "content-id",
        "content-length",
        "sender",
        "return-path",
        "received",
        "dkim-signature",
        "arc-seal",
        "arc-message-signature",
        "arc-authentication-results",
        "authentication-results",
        "delivered-to",
        "resent-from",
        "resent-to",
        "resent-cc",
        "resent-bcc",
        "resent-date",
        "resent-sender",
        "resent-message-id",
    }
)


def bare_address(address: str) -> str:
    """The addr-spec of "Name <a@b>" or "a@b"; the input itself when it does not parse."""
    if SIMPLE_ADDRESS.match(address):
        return address
    return _parsed_address(address)


@functools.lru_cache(maxsize=4096)
def _parsed_address(address: str) -> str:
    # Cached: a sender's From ("Name <a@b>") is parsed several times per message sent.
    return parseaddr(address)[1] or address.strip()


def message_id_header(email_id: str, from_address: str) -> str:
    """`<msg_…@sender-domain>`: derived, not random, so every retry carries the same one."""
    try:
        address = ascii_domain_address(bare_address(from_address))
    except ValueError:
        address = ""
    _, at, domain = address.rpartition("@")
    domain = domain.strip().lower().rstrip(".") if at else ""
    if not _DOMAIN.match(domain):
        domain = FALLBACK_DOMAIN
    return f"<{email_id}@{domain}>"
