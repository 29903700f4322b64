from datetime import datetime

from fastapi import Path, Query, Request, Response
from fastapi.responses import StreamingResponse

from app.core.validation import EMAIL_SCHEMA
from rest_compat.common import (
    IDEMPOTENT,
    NOT_FOUND,
    Caller,
    IdempotencyKey,
    ListEnvelope,
    cursor_query,
    error_response,
    feature_router,
    limit_query,
    one_of,
    path_id,
    time_query,
)
from schema.contacts.export import FORMATS, ExportFormat, export_contacts
from schema.contacts.filters import MAX_FIELD_FILTERS, MAX_TAG_FILTERS, ContactFilters, custom_field_params
from schema.contacts.resolvers import (
    ContactPatch,
    ContactUpsert,
    ContactView,
    get_contact,
    get_contact_by_email,
    list_contacts,
    update_contact,
    upsert_contact,
)
from schema.erasure.resolvers import ErasureResult, erase_contact

router = feature_router("/contacts", "contacts")

EMAIL_TAKEN = {409: error_response("Another contact has this email", "conflict", "Another contact in your organization has this email.")}
FILTER_DOC = (
    "Filters (all combine): `tag` (repeat it: contacts with every tag given), `email` (case-insensitive "
    "substring), `customField[name]=value` (equality; `5` or `true` also match the JSON number or "
    "boolean), `createdAfter` (ISO 8601 with a time zone)."
)


CONTACT_ID = path_id("contact")
# The filters the list and the export share. `customField[name]=value` is read from the query
# string by name (a deepObject parameter in the OpenAPI document).
TAG = Query([], description="Only contacts with this tag (repeat for several: all must match)",
            json_schema_extra={"maxItems": MAX_TAG_FILTERS, "items": {"type": "string", "maxLength": 100}})
EMAIL_FILTER = Query(None, description="Case-insensitive substring of the email")
CreatedAfter = time_query("Created after this time (ISO 8601 with a time zone)", alias="createdAfter")
CUSTOM_FIELD = {
    "name": "customField",
    "in": "query",
    "style": "deepObject",
    "explode": True,
    "description": "`customField[name]=value`: contacts whose custom field `name` equals `value` (`5` or `true` "
    f"also match the JSON number or boolean); at most {MAX_FIELD_FILTERS}.",
    "schema": {
        "type": "object",
        "maxProperties": MAX_FIELD_FILTERS,
        "propertyNames": {"minLength": 1, "maxLength": 100},
        "additionalProperties": {"type": "string"},
    },
}
FILTERED = {"parameters": [CUSTOM_FIELD]}


class ContactList(ListEnvelope[ContactView]):
    pass


def filters_from(request: Request, tag: list[str], email: str | None, created_after: datetime | None) -> ContactFilters:
    return ContactFilters(
        tags=tag, email=email, custom_fields=custom_field_params(request.query_params.multi_items()),
        created_after=created_after,
    )


@router.post(
    "",
    operation_id="upsertContact",
    response_model=ContactView,
    status_code=201,
    summary="Create or update a contact",
    description="Creates the contact with this email in your organization (201) or updates it (200). "
    "Given tags are added to existing ones; given custom fields are merged into existing ones (a key "
    "set to null is removed); omitted fields are left as they are.",
    responses={200: {"model": ContactView, "description": "Updated an existing contact"}, **IDEMPOTENT},
)
async def upsert(
    body: ContactUpsert, caller: Caller, response: Response, idempotency_key: IdempotencyKey = None
) -> ContactView:
    view, created = await upsert_contact(caller, body, idempotency_key)
    response.status_code = 201 if created else 200
    return view


@router.get(
    "", operation_id="listContacts", response_model=ContactList, summary="List contacts",
    description="Newest first, cursor-paginated. " + FILTER_DOC, openapi_extra=FILTERED,
)
async def list_(
    request: Request,
    caller: Caller,
    limit: int = limit_query(),
    cursor: str = cursor_query(),
    tag: list[str] = TAG,
    email: str = EMAIL_FILTER,
    created_after: CreatedAfter = None,
) -> ContactList:
    filters = filters_from(request, tag, email, created_after)
    page = await list_contacts(caller, limit, cursor, filters, size_field="limit", cursor_field="cursor")
    return ContactList.of(page)


@router.get(
    "/export",
    operation_id="exportContacts",
    summary="Export contacts as CSV or NDJSON",
    description="Streams every contact that matches the filters (the list's, without pagination). " + FILTER_DOC,
    response_class=StreamingResponse,
    responses={200: {
        "description": "The contacts: a CSV file (header row first) or NDJSON (one contact per line)",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/x-ndjson": {"schema": {"type": "string"}},
        },
    }},
    openapi_extra=FILTERED,
)
async def export(
    request: Request,
    caller: Caller,
    format: str = one_of(ExportFormat, "csv", "`csv` or `ndjson`"),
    tag: list[str] = TAG,
    email: str = EMAIL_FILTER,
    created_after: CreatedAfter = None,
) -> StreamingResponse:
    stream = await export_contacts(caller, format, filters_from(request, tag, email, created_after))
    filename = f'attachment; filename="contacts.{format}"'
    return StreamingResponse(stream, media_type=FORMATS[format], headers={"Content-Disposition": filename})



@router.get(
    "/by-email/{email}", operation_id="getContactByEmail", response_model=ContactView,
    summary="Get a contact by email", responses=NOT_FOUND,
)
async def get_by_email(
    caller: Caller,
    email: str = Path(description="The address, URL-encoded (any case)", json_schema_extra={**EMAIL_SCHEMA, "examples": ["jane@example.com"]}),
) -> ContactView:
    return await get_contact_by_email(caller, email)


@router.get("/{contact_id:contact_id}", operation_id="getContact", response_model=ContactView, summary="Get a contact", responses=NOT_FOUND)
async def get(caller: Caller, contact_id: str = CONTACT_ID) -> ContactView:
    return await get_contact(caller, contact_id)


@router.patch(
    "/{contact_id:contact_id}",
    operation_id="updateContact",
    response_model=ContactView,
    summary="Update a contact",
    description="Only the fields given change. `addTags`/`removeTags` add and remove tags; `customFields` is "
    "merged (a key set to null is removed); a new `email` another contact has is 409.",
    responses={**NOT_FOUND, **EMAIL_TAKEN},
)
async def patch(body: ContactPatch, caller: Caller, contact_id: str = CONTACT_ID) -> ContactView:
    return await update_contact(caller, contact_id, body)


@router.delete(
    "/{contact_id:contact_id}",
    operation_id="deleteContact",
    response_model=ErasureResult,
    summary="Erase a contact",
    description="Removes the contact, its tags, and the personal data in its messages and events (anonymous "
    "counts are kept for analytics). `suppress=true` also adds the address to the suppression list.",
    responses=NOT_FOUND,
)
async def erase(
    caller: Caller, contact_id: str = CONTACT_ID,
    suppress: bool = Query(False, description="Also add the address to the suppression list"),
) -> ErasureResult:
    return await erase_contact(caller, contact_id, suppress)
