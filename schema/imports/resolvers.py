"""Contact import jobs: create (from an upload or inline content), read, cancel. The one
implementation of each operation; `rest_compat/imports.py` and the GraphQL fields
(`schema/imports/types.py`) both call these functions. The job store is `jobs.py` beside this
module; the work itself is the import runner's (`app/engines/imports.py`), which this module
only wakes (`app.core.wakeups.imports`)."""

from __future__ import annotations

from datetime import datetime
from typing import AsyncIterator, Optional

from pydantic import Field, ValidationError

from app.core import wakeups
from app.core.errors import ApiError, ErrorCode, from_pydantic, invalid, not_found
from app.core.ids import require_id
from app.core.principal import Principal
from app.core.validation import Tag
from models import ImportJob
from models.imports import ImportFormat, ImportStatus
from schema.contracts import ApiModel
from schema.idempotency.resolvers import idempotent
from schema.imports import jobs


class ImportOptions(ApiModel):
    """Options of an import (REST: query parameters)."""

    tags: list[Tag] = Field(default_factory=list, max_length=20, description="Added to every imported contact.")
    update_existing: bool = Field(True, description="false: existing contacts are left untouched (counted as skipped).")


def import_options(tags: list[str] | None, update_existing: bool | None) -> ImportOptions:
    """Validate options given as REST query parameters or GraphQL arguments."""
    flat = [t for item in tags or [] for t in item.split(",") if t.strip()]
    try:
        return ImportOptions(tags=flat, update_existing=True if update_existing is None else update_existing)
    except ValidationError as exc:
        raise from_pydantic(exc.errors()) from None


class ImportCreated(ApiModel):
    import_id: str
    status: ImportStatus = Field(description="`pending`: the job waits for a worker.")


class ImportRowError(ApiModel):
    row: int = Field(description="1-based data row (the CSV header and blank lines are not counted).")
    field: Optional[str]
    code: str
    message: str


class ImportJobView(ApiModel):
    id: str
    status: ImportStatus
    format: ImportFormat
    filename: str
    total: Optional[int] = Field(description="Data rows in the file, once counted.")
    processed: int
    created: int
    updated: int
    skipped: int = Field(description="Earlier rows of a duplicated email, and existing contacts with updateExisting=false.")
    failed: int
    progress: float
    errors: list[ImportRowError] = Field(description="The first 1,000 row errors.")
    error: Optional[str] = Field(description="Why the job failed as a whole.")
    created_at: datetime
    started_at: Optional[datetime]
    finished_at: Optional[datetime]

    @classmethod
    def of(cls, job: ImportJob) -> "ImportJobView":
        if job.status == "completed":
            progress = 1.0
        elif job.total:
            progress = min(1.0, job.processed / job.total)
        else:
            progress = 0.0
        return cls(
            id=job.id, status=job.status, format=job.format, filename=job.filename, total=job.total,
            processed=job.processed, created=job.created, updated=job.updated, skipped=job.skipped,
            failed=job.failed, progress=round(progress, 4), errors=[ImportRowError(**e) for e in job.errors or []],
            error=job.error, created_at=job.created_at, started_at=job.started_at, finished_at=job.finished_at,
        )


# ----------------------------------------------------------------------------- resolvers


async def create_import(
    principal: Principal,
    content: AsyncIterator[bytes],
    fmt: str,
    options: ImportOptions,
    filename: str = "",
    idempotency_key: str | None = None,
    *,
    field: str = "body",
) -> ImportCreated:
    """Store the upload and queue the job (202). `content` is streamed into the database."""
    if fmt not in jobs.FORMATS:
        raise invalid("format", "Must be csv or ndjson.", "invalid")
    opts = {"tags": options.tags, "updateExisting": options.update_existing}
    try:
        job, digest, size = await jobs.store_upload(principal.organization_id, fmt, filename, opts, content)
    except ValueError:
        raise ApiError(ErrorCode.PAYLOAD_TOO_LARGE, f"The file exceeds {jobs.MAX_BYTES} bytes.") from None
    if job is None:
        raise invalid(field, "The file is empty.", "required")
    request = {"format": fmt, "filename": filename, **opts, "sha256": digest, "size": size}

    async def run() -> tuple[ImportCreated, int]:
        await jobs.make_pending(job.id)
        return ImportCreated(import_id=job.id, status=ImportStatus.pending), 202

    try:
        outcome = await idempotent(principal, idempotency_key, "contacts.import", request, run, ImportCreated)
    except BaseException:
        await jobs.discard(job.id)
        raise
    if outcome.replayed:
        await jobs.discard(job.id)  # the first request's job stands
    else:
        wakeups.imports.notify()
    return outcome.result


async def get_import(principal: Principal, import_id: str) -> ImportJobView:
    require_id("import", import_id)
    job = await ImportJob.filter(
        id=import_id, organization_id=principal.organization_id, status__in=jobs.VISIBLE
    ).first()
    if job is None:
        raise not_found("Import")
    return ImportJobView.of(job)


async def cancel_import(principal: Principal, import_id: str, idempotency_key: str | None = None) -> ImportJobView:
    """pending or running → canceled (a running job stops at its next batch of 5,000 rows)."""
    require_id("import", import_id)

    async def run() -> tuple[ImportJobView, int]:
        job, changed = await jobs.cancel(principal.organization_id, import_id)
        if job is None:
            raise not_found("Import")
        if not changed:
            raise ApiError(
                ErrorCode.CONFLICT, f"The import is `{job.status}`; only pending or running imports can be canceled."
            )
        return ImportJobView.of(job), 200

    request = {"id": import_id}
    return (await idempotent(principal, idempotency_key, "contacts.import.cancel", request, run, ImportJobView)).result


async def _one(data: bytes) -> AsyncIterator[bytes]:
    if data:
        yield data
