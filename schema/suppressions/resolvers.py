"""Suppressions: addresses an organization never sends to (unsubscribed, bounced, complained,
or added by hand). The one implementation of each operation; `rest_compat/suppressions.py`
and the GraphQL fields below both call these functions, and the delivery worker calls
`suppress()` / `suppressed_keys()`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import Enum
from typing import Annotated, Optional

from pydantic import StringConstraints
from pydantic_core import PydanticCustomError

from app.core.errors import invalid, not_found
from app.core.ids import require_id
from app.core.principal import Principal, check_may_change
from app.core.validation import EmailAddress, email_key, normalize_email
from models import Suppression
from schema.contracts import ApiModel, Page, check_page_size, decode_cursor
from schema.idempotency.resolvers import idempotent

MAX_DETAIL = 1000
# How many distinct addresses one `suppressed_keys` query carries (bound parameters are
# limited: SQLite 32766, asyncpg 32767); more than that are looked up in further queries.
_KEYS_PER_QUERY = 1000


class SuppressionReason(str, Enum):
    """Why an address is suppressed."""

    UNSUBSCRIBED = "unsubscribed"
    BOUNCED = "bounced"
    COMPLAINED = "complained"
    MANUAL = "manual"


Detail = Annotated[str, StringConstraints(max_length=MAX_DETAIL)]


class SuppressionAdd(ApiModel):
    """Body of `POST /api/v1/suppressions` and GraphQL `AddSuppressionInput`."""

    email: EmailAddress
    reason: SuppressionReason = SuppressionReason.MANUAL
    detail: Optional[Detail] = None

    model_config = ApiModel.model_config | {
        "json_schema_extra": {
            "examples": [{"email": "jane@example.com", "reason": "unsubscribed", "detail": "Asked by phone"}]
        }
    }


class SuppressionRemove(ApiModel):
    """GraphQL `RemoveSuppressionInput` (REST takes the address in the path)."""

    email: EmailAddress


class SuppressionView(ApiModel):
    id: str
    email: str
    reason: SuppressionReason
    detail: str
    message_id: Optional[str]
    created_at: datetime

    @classmethod
    def of(cls, row: Suppression) -> "SuppressionView":
        return cls(
            id=row.id,
            email=row.email,
            reason=SuppressionReason(row.reason),
            detail=row.detail or "",
            message_id=row.message_id,
            created_at=row.created_at,
        )


def _lookup_key(email: str) -> str:
    """The stored key of an address given in a path or a lookup (validated like inputs)."""
    try:
        return email_key(normalize_email(email))
    except PydanticCustomError as exc:
        raise invalid("email", exc.message(), exc.type) from None


async def _insert_or_keep(
    organization_id: str, email: str, reason: SuppressionReason, detail: str, message_id: str | None
) -> tuple[Suppression, bool]:
    """Insert the address unless the organization already suppresses it (race-safe: the
    unique (organization, email_key) constraint decides, with ON CONFLICT DO NOTHING / INSERT OR
    IGNORE, so concurrent adds make one row and no request fails). Returns (row, created)."""
    key = email_key(email)
    for _ in range(3):  # a concurrent delete between our insert and read: insert again
        candidate = Suppression(
            organization_id=organization_id,
            email=email,
            email_key=key,
            reason=reason.value,
            detail=detail,
            message_id=message_id,
        )
        await Suppression.bulk_create([candidate], ignore_conflicts=True)
        row = await Suppression.filter(organization_id=organization_id, email_key=key).first()
        if row is not None:
            return row, row.id == candidate.id
    raise RuntimeError("suppression vanished three times while being added")


async def add_suppression(
    principal: Principal, data: SuppressionAdd, idempotency_key: str | None = None
) -> tuple[SuppressionView, bool]:
    """Suppress the address in the caller's organization. An address already suppressed is
    returned unchanged (its first reason and detail are kept) with created=False."""

    async def run() -> tuple[SuppressionView, int]:
        row, created = await _insert_or_keep(
            principal.organization_id, data.email, data.reason, data.detail or "", None
        )
        return SuppressionView.of(row), 201 if created else 200

    outcome = await idempotent(principal, idempotency_key, "suppressions.add", data, run, SuppressionView)
    return outcome.result, outcome.status_code == 201


def _reason_filter(reason: str | SuppressionReason | None) -> str | None:
    if reason is None or reason == "":
        return None
    try:
        return SuppressionReason(reason).value
    except ValueError:
        allowed = ", ".join(r.value for r in SuppressionReason)
        raise invalid("reason", f"Must be one of: {allowed}.", "invalid") from None


async def list_suppressions(
    principal: Principal,
    limit: int = 50,
    cursor: str | None = None,
    reason: str | SuppressionReason | None = None,
    email: str | None = None,
    *,
    size_field: str = "first",
    cursor_field: str = "after",
) -> Page[SuppressionView]:
    """Newest first. `reason`: only that reason; `email`: case-insensitive substring."""
    check_page_size(limit, size_field)
    reason_value = _reason_filter(reason)
    query = Suppression.filter(organization_id=principal.organization_id)
    last_id = decode_cursor(cursor, cursor_field)
    if last_id:
        query = query.filter(id__lt=last_id)
    if reason_value:
        query = query.filter(reason=reason_value)
    if email:
        query = query.filter(email_key__contains=email.lower())
    rows = await query.order_by("-id").limit(limit + 1)
    items = [SuppressionView.of(r) for r in rows[:limit]]
    return Page.of(items, len(rows) > limit)


async def get_suppression(principal: Principal, email: str) -> SuppressionView:
    row = await Suppression.filter(organization_id=principal.organization_id, email_key=_lookup_key(email)).first()
    if row is None:
        raise not_found("Suppression")
    return SuppressionView.of(row)


async def get_suppression_by_id(principal: Principal, suppression_id: str) -> SuppressionView:
    require_id("suppression", suppression_id)
    row = await Suppression.filter(id=suppression_id, organization_id=principal.organization_id).first()
    if row is None:
        raise not_found("Suppression")
    return SuppressionView.of(row)


async def remove_suppression(principal: Principal, email: str, idempotency_key: str | None = None) -> SuppressionView:
    """Delete the organization's suppression of this address; returns the removed row. A test
    key cannot: the list guards live mail too, and removing from it would let live mail out."""

    async def run() -> tuple[SuppressionView, int]:
        return await _remove_suppression(principal, email), 200

    return (await idempotent(
        principal, idempotency_key, "suppressions.remove", {"email": email}, run, SuppressionView
    )).result


async def _remove_suppression(principal: Principal, email: str) -> SuppressionView:
    row = await Suppression.filter(organization_id=principal.organization_id, email_key=_lookup_key(email)).first()
    if row is None:
        raise not_found("Suppression")
    check_may_change(principal, False, "suppression")
    # Deleting by id and counting makes two concurrent removes give one 200 and one 404.
    if not await Suppression.filter(id=row.id).delete():
        raise not_found("Suppression")
    return SuppressionView.of(row)


# ----------------------------------------------------------------------------- delivery worker


async def suppress(
    organization_id: str, email: str, reason: str, detail: str = "", message_id: str | None = None
) -> bool:
    """Suppress an address for an organization (bounce, complaint, unsubscribe); nothing
    happens if it is already suppressed. Whether it is new. Raises ValueError for an unknown reason."""
    try:
        email = normalize_email(email)
    except PydanticCustomError:
        email = email.strip()  # keep what the message was addressed to; the key still matches it
    _, created = await _insert_or_keep(organization_id, email, SuppressionReason(reason), detail[:MAX_DETAIL],
                                       message_id)
    return created


async def suppressed_keys(pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Of the given (organization_id, email_key) pairs, those that are suppressed, in one query
    (per 1,000 distinct addresses). Keys are compared lower-cased; pairs come back as given."""
    wanted: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for organization_id, key in pairs:
        wanted.setdefault((organization_id, email_key(key)), []).append((organization_id, key))
    if not wanted:
        return set()
    organizations = sorted({org for org, _ in wanted})
    keys = sorted({key for _, key in wanted})
    found: set[tuple[str, str]] = set()
    for start in range(0, len(keys), _KEYS_PER_QUERY):
        rows = await Suppression.filter(
            organization_id__in=organizations, email_key__in=keys[start : start + _KEYS_PER_QUERY]
        ).values_list("organization_id", "email_key")
        for organization_id, key in rows:
            found.update(wanted.get((organization_id, key), ()))
    return found
