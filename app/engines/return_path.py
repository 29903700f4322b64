"""The envelope sender (SMTP MAIL FROM) of a message: a VERP return path `bounces+TOKEN@…`
(app/core/verp.py) so bounces and complaints come back to the inbound listener
(app/engines/inbound.py) naming the message.

Its domain is `bounces.<sending domain>` when the organization has a sending domain for the
From domain whose bounce MX is published, else VIPERATRON_BOUNCE_DOMAIN; with neither (or without
VIPERATRON_SECRET_KEY, which signs the tokens) the From address, as before. Domains are cached
for a minute per (organization, From domain), like DKIM keys."""

from __future__ import annotations

import time

from cachetools import TTLCache

from app.core.settings import Settings
from app.core.verp import return_path
from schema.domains.resolvers import bounce_domain, domain_of

CACHE_SECONDS = 60.0
CACHE_SIZE = 10_000


class ReturnPaths:
    def __init__(self, settings: Settings, clock=time.monotonic) -> None:
        self._settings = settings
        # (organization, From domain) -> its bounce domain, or None (cached too)
        self._domains: TTLCache[tuple[str, str], str | None] = TTLCache(CACHE_SIZE, CACHE_SECONDS, timer=clock)

    async def domain_for(self, organization_id: str, from_address: str) -> str | None:
        """The bounce domain of mail from `from_address`, or None (keep the From address)."""
        cache_key = (organization_id, domain_of(from_address))
        if cache_key not in self._domains:
            self._domains[cache_key] = (await bounce_domain(organization_id, from_address)
                                        or self._settings.bounce_domain)
        return self._domains.get(cache_key)

    async def sender(self, organization_id: str, message_id: str, from_address: str, fallback: str) -> str:
        """`bounces+TOKEN@<bounce domain>` for the message, else `fallback` (its bare From)."""
        secret = self._settings.secret_key
        if not secret:
            return fallback
        domain = await self.domain_for(organization_id, from_address)
        return (return_path(secret, message_id, domain) if domain else None) or fallback
