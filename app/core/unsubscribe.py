"""One-click unsubscribe links (RFC 8058): `List-Unsubscribe: <{public_url}/u/TOKEN>`.

TOKEN names the organization, the message and the recipient's address, signed for this one
purpose (app.core.signing: `<payload>.<mac>`): nobody without VIPERATRON_SECRET_KEY can make
one, or change the address or organization of one. Nothing random and no time in it: every
build of a message (a retry, whose DKIM signature covers this header) writes the same link.
Checking one costs an HMAC and no database work.

    payload = "organization_id\\nmessage_id\\naddress"
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.signing import open_token, sign_token

PURPOSE = "unsubscribe"
# Longer than any token we make (two IDs of 40 characters, an address of 320 characters in
# UTF-8): refused unread.
MAX_TOKEN_CHARS = 2048
PATH = "/u/"
# The header pair every unsubscribable message carries (RFC 8058 section 3.1).
ONE_CLICK = "List-Unsubscribe=One-Click"


@dataclass(frozen=True)
class UnsubscribeLink:
    organization_id: str
    message_id: str
    address: str


def make_token(secret_key: str, link: UnsubscribeLink) -> str:
    parts = (link.organization_id, link.message_id, link.address)
    if any("\n" in part for part in parts):
        raise ValueError("an unsubscribe link cannot name a line break")
    return sign_token(secret_key, PURPOSE, "\n".join(parts).encode("utf-8"))


def read_token(secret_key: str | None, token: str) -> UnsubscribeLink | None:
    """The link a token names; None when it is malformed, forged or altered (or no key is set)."""
    if not secret_key or not token or not token.isascii():
        return None
    payload = open_token(secret_key, PURPOSE, token, max_length=MAX_TOKEN_CHARS)
    if payload is None:
        return None
    try:
        organization_id, message_id, address = payload.decode("utf-8").split("\n")
    except ValueError:  # UnicodeDecodeError included; also not three parts
        return None
    return UnsubscribeLink(organization_id, message_id, address)


def unsubscribe_url(public_url: str, secret_key: str, link: UnsubscribeLink) -> str:
    return public_url.rstrip("/") + PATH + make_token(secret_key, link)
