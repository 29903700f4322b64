"""DKIM signing of outgoing mail with dkimpy: relaxed/relaxed canonicalization, rsa-sha256,
the headers RFC 6376 (5.4.1) recommends signing. Keys come from the organization's sending
domains (schema/domains), cached for a minute per (organization, From domain), so a worker
asks the database once a minute, not once a message."""

from __future__ import annotations

import time

import dkim
from cachetools import TTLCache

from app.core.settings import Settings
from schema.domains.resolvers import SigningKey, domain_of, signing_key

SIGNED_HEADERS = (
    b"from", b"reply-to", b"to", b"cc", b"subject", b"date", b"message-id", b"mime-version",
    b"content-type", b"content-transfer-encoding", b"list-unsubscribe", b"list-unsubscribe-post",
)
CACHE_SECONDS = 60.0
CACHE_SIZE = 10_000


def sign(data: bytes, key: SigningKey) -> bytes:
    """The `DKIM-Signature: …\\r\\n` header line for the message `data` (CRLF line endings)."""
    present = {line.split(b":", 1)[0].strip().lower() for line in data.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
               if line and line[:1] not in b" \t"}
    headers = [h for h in SIGNED_HEADERS if h in present]
    return dkim.sign(data, key.selector.encode(), key.domain.encode(), key.private_pem,
                     canonicalize=(b"relaxed", b"relaxed"), include_headers=headers)


class Signer:
    def __init__(self, settings: Settings, clock=time.monotonic) -> None:
        self._settings = settings
        # (organization, From domain) -> its key, or None: no key (cached too)
        self._keys: TTLCache[tuple[str, str], SigningKey | None] = TTLCache(CACHE_SIZE, CACHE_SECONDS, timer=clock)

    async def key_for(self, organization_id: str, from_address: str) -> SigningKey | None:
        cache_key = (organization_id, domain_of(from_address))
        if cache_key not in self._keys:
            self._keys[cache_key] = await signing_key(self._settings, organization_id, cache_key[1])
        return self._keys.get(cache_key)
