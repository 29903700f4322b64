"""`/api/v1/contacts/import`: upload a CSV or NDJSON file as an import job, poll it, cancel it.

The body is streamed into the job's chunks (never held whole in memory): a `text/csv` or
`application/x-ndjson` body, or `multipart/form-data` with the file in a `file` field.
"""

from __future__ import annotations

from typing import AsyncIterator

from fastapi import HTTPException, Query, Request
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException

from app.core.errors import invalid
from rest_compat.common import IDEMPOTENT, NOT_FOUND, Caller, IdempotencyKey, error_response, feature_router, path_id
from schema.imports.resolvers import (
    ImportCreated,
    ImportJobView,
    cancel_import,
    create_import,
    get_import,
    import_options,
)

router = feature_router("/contacts", "contacts")

CSV_TYPES = ("text/csv", "application/csv", "text/comma-separated-values")
NDJSON_TYPES = ("application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines")

CONFLICT = {
    409: error_response(
        "The import is past canceling, or the Idempotency-Key was used with another request",
        "conflict",
        "The import is `completed`; only pending or running imports can be canceled.",
    )
}

UPLOAD_DOC = {
    "requestBody": {
        "required": True,
        "description": "The file: a CSV (header row with an `email` column) or NDJSON (one JSON object per "
        "line; send it as `application/x-ndjson`), as the body or as the `file` field of a multipart form. "
        "At most 100 MB / 1,000,000 rows.",
        "content": {
            "text/csv": {"schema": {"type": "string", "minLength": 1}, "example": "email,firstName,tags,plan\njane@example.com,Jane,vip;news,pro\n"},
            "application/x-ndjson": {
                "schema": {"type": "string", "minLength": 1},
                "example": '{"email": "jane@example.com", "firstName": "Jane", "tags": ["vip"], "plan": "pro"}\n',
            },
            "multipart/form-data": {
                "schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}, "required": ["file"]}
            },
        },
    }
}


def _format_of(content_type: str, filename: str = "") -> str | None:
    media = content_type.split(";")[0].strip().lower()
    if media in CSV_TYPES:
        return "csv"
    if media in NDJSON_TYPES:
        return "ndjson"
    if filename.lower().endswith((".ndjson", ".jsonl")):
        return "ndjson"
    if media in ("", "application/octet-stream", "text/plain") and filename:
        return "csv"
    return None


async def upload(request: Request, filename: str | None) -> tuple[str, str, AsyncIterator[bytes]]:
    content_type = request.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() == "multipart/form-data":
        # Starlette's parser (python-multipart) spools the file part to a temporary file.
        try:
            form = await request.form(max_files=1, max_fields=10)
        except (MultiPartException, HTTPException) as exc:
            raise invalid("body", f"Malformed multipart body: {getattr(exc, 'message', None) or exc.detail}.",
                          "invalid_format") from None
        file = form.get("file")
        if not isinstance(file, UploadFile):
            await form.close()
            raise invalid("file", "Send the file in a form field named `file`.", "required")
        fmt = _format_of(file.content_type or "", file.filename or "") or "csv"
        return fmt, filename or file.filename or "", _read(form, file)
    fmt = _format_of(content_type)
    if fmt is None:
        raise invalid(
            "Content-Type",
            "Send text/csv, application/x-ndjson, or multipart/form-data with a `file` field.",
            "invalid",
        )
    return fmt, filename or "", request.stream()


async def _read(form, file: UploadFile) -> AsyncIterator[bytes]:
    try:
        while data := await file.read(1024 * 1024):
            yield data
    finally:
        await form.close()


IMPORT_ID = path_id("import")


@router.post(
    "/import",
    operation_id="importContacts",
    response_model=ImportCreated,
    status_code=202,
    summary="Import contacts from a CSV or NDJSON file",
    description="Stores the file and answers at once; a worker upserts the rows in batches with the same "
    "semantics as `POST /api/v1/contacts` (tags added, custom fields merged). CSV columns: `email`, "
    "`firstName`/`first_name`, `lastName`/`last_name`, `tags` (`;`-separated); every other column is a custom "
    "field; empty cells are ignored. A duplicate email inside the file: the last row wins. Poll "
    "`GET /api/v1/contacts/import/{importId}`.",
    responses={202: {"content": {"application/json": {"example": {"importId": "imp_1a2b3c", "status": "pending"}}}}, **IDEMPOTENT},
    openapi_extra=UPLOAD_DOC,
)
async def create(
    request: Request,
    caller: Caller,
    tags: list[str] = Query([], description="Tags added to every row (repeat the parameter or separate with commas); "
                            "at most 20 tags of 1 to 100 characters",
                            json_schema_extra={"maxItems": 20, "items": {
                                "type": "string", "pattern": "^[^\\r\\n,]{0,100}(?:,[^\\r\\n,]{0,100})*$"}}),
    update_existing: bool = Query(True, alias="updateExisting", description="false: only create; existing contacts are skipped"),
    filename: str = Query(None, description="A name to show for the file (multipart: the part's filename); "
                          "kept to its first 255 characters"),
    idempotency_key: IdempotencyKey = None,
) -> ImportCreated:
    options = import_options(tags, update_existing)
    fmt, name, content = await upload(request, filename)
    return await create_import(caller, content, fmt, options, name, idempotency_key)


@router.get(
    "/import/{import_id}", operation_id="getImportJob", response_model=ImportJobView, summary="Get an import job",
    responses=NOT_FOUND,
)
async def get(caller: Caller, import_id: str = IMPORT_ID) -> ImportJobView:
    return await get_import(caller, import_id)


@router.post(
    "/import/{import_id}/cancel",
    operation_id="cancelImport",
    response_model=ImportJobView,
    summary="Cancel a pending or running import",
    description="A running import stops at its next batch boundary; rows already imported stay.",
    responses={**NOT_FOUND, **CONFLICT},
)
async def cancel(caller: Caller, import_id: str = IMPORT_ID, idempotency_key: IdempotencyKey = None) -> ImportJobView:
    return await cancel_import(caller, import_id, idempotency_key)

