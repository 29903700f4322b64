from datetime import datetime
from typing import Optional

from fastapi import Query, Request, Response
from fastapi.responses import StreamingResponse

from rest_compat.common import IDEMPOTENT, NOT_FOUND, Caller, IdempotencyKey, ListEnvelope, error_response, feature_router
from schema.contacts.export import FORMATS, export_contacts
from schema.contacts.filters import ContactFilters, custom_field_params
from schema.contacts.resolvers import ContactPatch, ContactUpsert, ContactView, get_contact, get_contact_by_email, list_contacts, update_contact, upsert_contact
from schema.erasure.resolvers import ErasureResult, erase_contact

router = feature_router("/contacts", "contacts")

EMAIL_TAKEN = {409: error_response("Another contact has this email", "conflict", "Another contact in your organization has this email.")}
FILTER_DOC = (
    "Filters (all combine): `tag` (repeat it: contacts with every tag given), `email` (case-insensitive "
    "substring), `customField[name]=value` (equality; `5` or `true` also match the JSON number or "
    "boolean), `createdAfter` (ISO 8601 with a time zone)."
)


class ContactList(ListEnvelope[ContactView]):
    pass


def filters_from(request: Request, tag: list[str], email: Optional[str], created_after: Optional[datetime]) -> ContactFilters:
    return ContactFilters(
        tags=tag, email=email, custom_fields=custom_field_params(request.query_params.multi_items()),
        created_after=created_after,
    )


@router.post(
    "",
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


@router.get("", response_model=ContactList, summary="List contacts", description="Newest first, cursor-paginated. " + FILTER_DOC)
async def list_(
    request: Request,
    caller: Caller,
    limit: int = Query(50, description="1 to 100"),
    cursor: Optional[str] = Query(None, description="`nextCursor` from the previous page"),
    tag: list[str] = Query([], description="Only contacts with this tag (repeat for several: all must match)"),
    email: Optional[str] = Query(None, description="Case-insensitive substring of the email"),
    created_after: Optional[datetime] = Query(None, alias="createdAfter", description="Created after this time"),
) -> ContactList:
    filters = filters_from(request, tag, email, created_after)
    page = await list_contacts(caller, limit, cursor, filters, size_field="limit", cursor_field="cursor")
    return ContactList.of(page)


@router.get(
    "/export",
    summary="Export contacts as CSV or NDJSON",
    description="Streams every contact that matches the filters (the list's, without pagination). " + FILTER_DOC,
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}, "application/x-ndjson": {}}, "description": "The contacts"}},
)
async def export(
    request: Request,
    caller: Caller,
    format: str = Query("csv", description="`csv` or `ndjson`"),
    tag: list[str] = Query([]),
    email: Optional[str] = Query(None),
    created_after: Optional[datetime] = Query(None, alias="createdAfter"),
) -> StreamingResponse:
    stream = await export_contacts(caller, format, filters_from(request, tag, email, created_after))
    filename = f'attachment; filename="contacts.{format}"'
    return StreamingResponse(stream, media_type=FORMATS[format], headers={"Content-Disposition": filename})


@router.get("/by-email/{email}", response_model=ContactView, summary="Get a contact by email", responses=NOT_FOUND)
async def get_by_email(email: str, caller: Caller) -> ContactView:
    return await get_contact_by_email(caller, email)


@router.get("/{contact_id}", response_model=ContactView, summary="Get a contact", responses=NOT_FOUND)
async def get(contact_id: str, caller: Caller) -> ContactView:
    return await get_contact(caller, contact_id)


@router.patch(
    "/{contact_id}",
    response_model=ContactView,
    summary="Update a contact",
    description="Only the fields given change. `addTags`/`removeTags` add and remove tags; `customFields` is "
    "merged (a key set to null is removed); a new `email` another contact has is 409.",
    responses={**NOT_FOUND, **EMAIL_TAKEN},
)
async def patch(contact_id: str, body: ContactPatch, caller: Caller) -> ContactView:
    return await update_contact(caller, contact_id, body)


@router.delete(
    "/{contact_id}",
    response_model=ErasureResult,
    summary="Erase a contact",
    description="Removes the contact, its tags, and the personal data in its messages and events (anonymous "
    "counts are kept for analytics). `suppress=true` also adds the address to the suppression list.",
    responses=NOT_FOUND,
)
async def erase(contact_id: str, caller: Caller, suppress: bool = Query(False)) -> ErasureResult:
    return await erase_contact(caller, contact_id, suppress)
