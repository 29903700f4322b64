"""VERP return paths: `bounces+TOKEN@<bounce domain>`, the envelope sender (SMTP MAIL FROM) of
every message, so a bounce or complaint sent back to it names the message it is about.

TOKEN is the message ID's body (25 lower-case base36 characters) and an 80-bit HMAC-SHA256 tag
over it (16 lower-case base32 characters), joined by `-`: 42 characters of `[0-9a-z-]`, valid in
any local part and unchanged by MTAs that lower-case local parts (read back case-insensitively).
The HMAC key is derived from VIPERATRON_SECRET_KEY, so nobody without it can make a token that
names a message; without a secret key there are no VERP addresses at all.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

LOCAL_PREFIX = "bounces"  # the local part before `+`, and the label of a sending domain's bounce domain
MESSAGE_PREFIX = "msg_"
_TAG_BYTES = 10  # 80 bits: 16 base32 characters
_KEY_LABEL = b"viperatron verp return path v1"
_BODY = re.compile(r"^[0-9a-z]{25}$")
_TOKEN = re.compile(r"^([0-9a-z]{25})-([a-z2-7]{16})$")


def _key(secret_key: str) -> bytes:
    return hmac.new(secret_key.encode(), _KEY_LABEL, hashlib.sha256).digest()


def _tag(secret_key: str, body: str) -> str:
    digest = hmac.new(_key(secret_key), (MESSAGE_PREFIX + body).encode("ascii"), hashlib.sha256).digest()
    return base64.b32encode(digest[:_TAG_BYTES]).decode("ascii").lower()


def make_token(secret_key: str, message_id: str) -> str | None:
    """The token naming `message_id` (`msg_…`); None for an ID of another shape."""
    prefix, body = message_id[: len(MESSAGE_PREFIX)], message_id[len(MESSAGE_PREFIX) :]
    if prefix != MESSAGE_PREFIX or not _BODY.match(body):
        return None
    return f"{body}-{_tag(secret_key, body)}"


def return_path(secret_key: str, message_id: str, domain: str) -> str | None:
    """`bounces+TOKEN@domain` for the message, or None when its ID cannot be made a token."""
    token = make_token(secret_key, message_id)
    return f"{LOCAL_PREFIX}+{token}@{domain.lower()}" if token else None


def is_return_path(address: str) -> bool:
    """Whether `address` has the shape of a return path (`bounces+…@…`), signed or not."""
    local, at, _ = address.strip().strip("<>").rpartition("@")
    return bool(at) and local.lower().startswith(LOCAL_PREFIX + "+")


def read_token(secret_key: str, address: str) -> str | None:
    """The message ID a return path names, if its token is well formed and signed with this
    key (any case, any domain); else None."""
    local, at, _ = address.strip().strip("<>").rpartition("@")
    prefix, plus, token = local.lower().partition("+")
    if not at or prefix != LOCAL_PREFIX or not plus:
        return None
    match = _TOKEN.match(token)
    if match is None:
        return None
    body, tag = match.groups()
    if not hmac.compare_digest(tag, _tag(secret_key, body)):
        return None
    return MESSAGE_PREFIX + body
