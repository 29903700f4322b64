"""One-click unsubscribe links (RFC 8058): `List-Unsubscribe: <{public_url}/u/TOKEN>`.

TOKEN names the organization, the message and the recipient's address, and carries an
HMAC-SHA256 (truncated to 128 bits) under a key derived from `VIPERATRON_SECRET_KEY` by HKDF:
nobody without the secret key can make one, or change the address or organization of one.
Nothing random and no time in it: every build of a message (a retry, whose DKIM signature
covers this header) writes the same link. Checking one costs an HMAC and no database work.

    TOKEN = base64url(mac[16] + "organization_id\\nmessage_id\\naddress"), no padding
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAC_BYTES = 16
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


@lru_cache(maxsize=8)
def _key(secret_key: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"viperatron:unsubscribe")
    return hkdf.derive(secret_key.encode())


def _mac(secret_key: str, payload: bytes) -> bytes:
    return hmac.new(_key(secret_key), payload, hashlib.sha256).digest()[:MAC_BYTES]


def make_token(secret_key: str, link: UnsubscribeLink) -> str:
    parts = (link.organization_id, link.message_id, link.address)
    if any("\n" in part for part in parts):
        raise ValueError("an unsubscribe link cannot name a line break")
    payload = "\n".join(parts).encode("utf-8")
    return base64.urlsafe_b64encode(_mac(secret_key, payload) + payload).rstrip(b"=").decode("ascii")


def read_token(secret_key: str | None, token: str) -> UnsubscribeLink | None:
    """The link a token names; None when it is malformed, forged or altered (or no key is set)."""
    if not secret_key or not token or len(token) > MAX_TOKEN_CHARS or not token.isascii():
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    mac, payload = raw[:MAC_BYTES], raw[MAC_BYTES:]
    if len(mac) < MAC_BYTES or not hmac.compare_digest(mac, _mac(secret_key, payload)):
        return None
    try:
        organization_id, message_id, address = payload.decode("utf-8").split("\n")
    except ValueError:  # UnicodeDecodeError included; also not three parts
        return None
    return UnsubscribeLink(organization_id, message_id, address)


def unsubscribe_url(public_url: str, secret_key: str, link: UnsubscribeLink) -> str:
    return public_url.rstrip("/") + PATH + make_token(secret_key, link)
