"""GraphQL types and fields of imports: each a few lines calling schema/imports/resolvers.py."""

from __future__ import annotations

from typing import Optional

import strawberry

from app.core.errors import ApiError
from models.imports import ImportFormat, ImportStatus
from schema.graphql_common import Node, UserError, as_in, graphql_enum, node_type, user_errors
from schema.idempotency.resolvers import IDEMPOTENCY_HELP
from schema.imports.resolvers import (
    ImportJobView,
    ImportRowError,
    _one,
    cancel_import,
    create_import,
    get_import,
    import_options,
)

graphql_enum(ImportFormat, "ImportFormat")
graphql_enum(ImportStatus, "ImportStatus", "An import job's status.")


@strawberry.pydantic.type(name="ImportRowError")
class ImportRowErrorType(ImportRowError):
    pass


@node_type(ImportJobView, name="ImportJob", description="A contact import job.")
class ImportJobType(ImportJobView, Node):
    id: strawberry.ID
    # A String as first published ("csv"); the ImportFormat enum's GraphQL names are CSV and NDJSON.
    format: str
    errors: list[ImportRowErrorType] = as_in(ImportJobView, "errors")


@strawberry.input(name="ImportContactsInput")
class ImportContactsInput:
    content: str = strawberry.field(description="The whole file (GraphQL has no uploads; use REST for big files).")
    format: ImportFormat = ImportFormat.CSV
    tags: Optional[list[str]] = None
    update_existing: Optional[bool] = True
    filename: Optional[str] = None
    idempotency_key: Optional[str] = strawberry.field(default=None, description=IDEMPOTENCY_HELP)


@strawberry.input(name="CancelImportInput")
class CancelImportInput:
    id: strawberry.ID
    idempotency_key: Optional[str] = strawberry.field(default=None, description=IDEMPOTENCY_HELP)


@strawberry.type
class ImportContactsPayload:
    import_id: Optional[strawberry.ID]
    status: Optional[ImportStatus]
    user_errors: list[UserError]


@strawberry.type
class CancelImportPayload:
    job: Optional[ImportJobType]
    user_errors: list[UserError]


@strawberry.type
class ImportQueries:
    @strawberry.field(description="An import job of your organization.")
    async def import_job(self, info: strawberry.Info, id: strawberry.ID) -> Optional[ImportJobType]:
        try:
            return await get_import(info.context["principal"], id)
        except ApiError:
            return None


@strawberry.type
class ImportMutations:
    @strawberry.mutation(description="Import contacts from CSV or NDJSON given inline; poll `importJob(id)`.")
    async def import_contacts(self, info: strawberry.Info, input: ImportContactsInput) -> ImportContactsPayload:
        try:
            options = import_options(input.tags, input.update_existing)
            result = await create_import(
                info.context["principal"], _one(input.content.encode("utf-8")), input.format.value, options,
                input.filename or "", input.idempotency_key, field="content",
            )
        except ApiError as error:
            return ImportContactsPayload(import_id=None, status=None, user_errors=user_errors(error))
        return ImportContactsPayload(import_id=result.import_id, status=result.status, user_errors=[])

    @strawberry.mutation(description="Cancel a pending or running import.")
    async def cancel_import(self, info: strawberry.Info, input: CancelImportInput) -> CancelImportPayload:
        try:
            view = await cancel_import(info.context["principal"], input.id, input.idempotency_key)
        except ApiError as error:
            return CancelImportPayload(job=None, user_errors=user_errors(error))
        return CancelImportPayload(job=view, user_errors=[])
