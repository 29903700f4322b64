"""Secrets the service hands out: API keys and one-time tokens (sessions, email links).

Only digests are stored. API keys are SHA-256'd (looked up on every request); account tokens
(session cookies, verification, password-reset, invitation and first-start links) are
HMAC-SHA256'd with `VIPERATRON_SECRET_KEY` when it is set, so a copy of the database alone
cannot forge or replay them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string

_ALPHABET = string.ascii_letters + string.digits
DISPLAY_PREFIX_LEN = 12  # "et_live_" + 4 characters of the secret


def generate_key(test: bool = False) -> str:
    body = "".join(secrets.choice(_ALPHABET) for _ in range(32))
    return f"et_{'test' if test else 'live'}_{body}"


def hash_key(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def display_prefix(plaintext: str) -> str:
    return plaintext[:DISPLAY_PREFIX_LEN]


def new_token() -> str:
    """A random URL-safe token (256 bits)."""
    return secrets.token_urlsafe(32)


def token_digest(token: str, secret_key: str | None) -> str:
    """What is stored for an account token: keyed when a secret key is configured."""
    if secret_key:
        return hmac.new(secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()
    return hashlib.sha256(token.encode()).hexdigest()
