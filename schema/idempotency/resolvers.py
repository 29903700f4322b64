"""Idempotency keys: a retried POST replays the first response instead of doing the work twice.

The record is inserted in the same transaction as the work it guards. A concurrent request
with the same key blocks on the unique index until the first commits, then finds the stored
response and replays it; if the first fails (4xx), its record rolls back with it and the
second runs. Records live 24 hours per organization, as at Stripe.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Awaitable, Callable, Generic, TypeVar

from pydantic import BaseModel
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app.core import clock
from app.core.errors import ApiError, ErrorCode, invalid
from app.core.principal import Principal
from models import IdempotencyRecord

R = TypeVar("R", bound=BaseModel)

KEEP_FOR = timedelta(hours=24)
IDEMPOTENCY_HELP = (
    "Retry safely: the same key with the same input replays the first result for 24 hours; "
    "with a different input it is a `conflict`."
)
MAX_KEY_LENGTH = 255


@dataclass
class Outcome(Generic[R]):
    result: R
    status_code: int
    replayed: bool


def check_key(key: str | None, field: str = "Idempotency-Key") -> str | None:
    if key is None:
        return None
    if not key.strip() or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise invalid(field, f"Must be 1 to {MAX_KEY_LENGTH} printable characters.", "invalid")
    return key


def fingerprint(operation: str, request: BaseModel | dict) -> str:
    body = request.model_dump(mode="json", by_alias=True) if isinstance(request, BaseModel) else request
    canonical = json.dumps([operation, body], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def idempotent(
    principal: Principal,
    key: str | None,
    operation: str,
    request: BaseModel | dict,
    run: Callable[[], Awaitable[tuple[R, int]]],
    result_type: type[R],
) -> Outcome[R]:
    """Run `run()` once per (organization, key); `run` returns (result, HTTP status)."""
    if key is None:
        result, status = await run()
        return Outcome(result, status, replayed=False)
    check_key(key)
    digest = fingerprint(operation, request)
    for _ in range(3):  # an expired record is deleted and the insert tried again
        try:
            async with in_transaction():
                now = clock.now()
                record = await IdempotencyRecord.create(
                    organization_id=principal.organization_id,
                    key=key,
                    operation=operation,
                    fingerprint=digest,
                    created_at=now,
                    expires_at=now + KEEP_FOR,
                )
                result, status = await run()
                record.response = result.model_dump(mode="json", by_alias=True)
                record.status_code = status
                await record.save(update_fields=["response", "status_code"])
                return Outcome(result, status, replayed=False)
        except IntegrityError:
            existing = await IdempotencyRecord.filter(organization_id=principal.organization_id, key=key).first()
            if existing is None:
                continue  # the other request rolled back: try again
            if existing.expires_at <= clock.now():
                await IdempotencyRecord.filter(id=existing.id).delete()
                continue
            if existing.fingerprint != digest:
                raise ApiError(
                    ErrorCode.CONFLICT,
                    "This Idempotency-Key was already used with a different request "
                    f"(operation `{existing.operation}` or body differs).",
                ) from None
            return Outcome(result_type.model_validate(existing.response), existing.status_code, replayed=True)
    raise ApiError(ErrorCode.CONFLICT, "A request with this Idempotency-Key is still in progress; retry shortly.")


async def purge_expired() -> int:
    return await IdempotencyRecord.filter(expires_at__lte=clock.now()).delete()
