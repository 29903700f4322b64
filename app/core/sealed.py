"""Secrets the service keeps and must read back (DKIM private keys): sealed with Fernet
(AES-128-CBC + HMAC-SHA256, from `cryptography`) under a key derived from
`VIPERATRON_SECRET_KEY` by HKDF, so a copy of the database alone reveals none of them."""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = ["InvalidToken", "open_sealed", "seal"]


@lru_cache(maxsize=8)
def _fernet(secret_key: str, purpose: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=f"viperatron:{purpose}".encode())
    return Fernet(base64.urlsafe_b64encode(derived.derive(secret_key.encode())))


def seal(secret_key: str, purpose: str, plaintext: bytes) -> str:
    return _fernet(secret_key, purpose).encrypt(plaintext).decode("ascii")


def open_sealed(secret_key: str, purpose: str, sealed: str) -> bytes:
    """The plaintext; InvalidToken when the secret key changed or the value was altered."""
    return _fernet(secret_key, purpose).decrypt(sealed.encode("ascii"))
