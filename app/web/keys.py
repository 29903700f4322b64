"""Organization and API-key administration (used by the CLI and by first start)."""

from __future__ import annotations

from app.core import clock
from app.core.settings import Settings
from models import ApiKey, Organization
from schema.accounts.resolvers import create_key_in


async def create_key(
    org_name: str,
    settings: Settings,
    name: str = "",
    per_minute: int | None = None,
    per_day: int | None = None,
    test: bool = False,
) -> tuple[ApiKey, str]:
    """Create the organization if needed and a key in it; returns the key and its plaintext."""
    organization, _ = await Organization.get_or_create(name=org_name)
    return await create_key_in(organization.id, settings, name, per_minute, per_day, test)


async def list_keys(org_name: str) -> list[ApiKey]:
    return await ApiKey.filter(organization__name=org_name).order_by("created_at")


async def revoke_key(id_or_prefix: str) -> list[ApiKey]:
    """Revoke by key ID, or by display prefix when it matches exactly one active key."""
    keys = await ApiKey.filter(id=id_or_prefix, revoked_at__isnull=True)
    if not keys:
        keys = await ApiKey.filter(prefix=id_or_prefix, revoked_at__isnull=True)
    if len(keys) != 1:
        return keys if len(keys) > 1 else []
    keys[0].revoked_at = clock.now()
    await keys[0].save(update_fields=["revoked_at"])
    return keys


async def any_key_exists() -> bool:
    return await ApiKey.exists()
