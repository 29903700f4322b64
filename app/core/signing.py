"""Tokens that carry their own data and cannot be forged: `<payload>.<mac>`, both base64url
without padding, the MAC an HMAC-SHA256 (cut to 128 bits) under a key derived from
`VIPERATRON_SECRET_KEY` for one purpose, so a token of one kind is worthless as another."""

from __future__ import annotations

import base64
import hashlib
import hmac

MAC_BYTES = 16


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret_key: str, purpose: str, payload: bytes) -> bytes:
    key = hmac.new(secret_key.encode(), f"viperatron:{purpose}".encode(), hashlib.sha256).digest()
    return hmac.new(key, payload, hashlib.sha256).digest()[:MAC_BYTES]


def sign_token(secret_key: str, purpose: str, payload: bytes) -> str:
    return f"{_b64(payload)}.{_b64(_mac(secret_key, purpose, payload))}"


def open_token(secret_key: str, purpose: str, token: str, max_length: int = 8192) -> bytes | None:
    """The payload, or None when the token is malformed, too long or not ours."""
    if len(token) > max_length or token.count(".") != 1:
        return None
    encoded, mac = token.split(".")
    try:
        payload, given = _unb64(encoded), _unb64(mac)
    except (ValueError, TypeError):  # binascii.Error is a ValueError
        return None
    if not hmac.compare_digest(given, _mac(secret_key, purpose, payload)):
        return None
    return payload
