from typing import Optional

from fastapi import Query, Response

from rest_compat.common import IDEMPOTENT, NOT_FOUND, Caller, IdempotencyKey, feature_router
from schema.common import ApiModel
from schema.contacts import ContactUpsert, ContactView, get_contact, list_contacts, upsert_contact

router = feature_router("/contacts", "contacts")


class ContactList(ApiModel):
    data: list[ContactView]
    has_more: bool
    next_cursor: Optional[str]


@router.post(
    "",
    response_model=ContactView,
    status_code=201,
    summary="Create or update a contact",
    description="Creates the contact with this email in your organization (201) or updates it (200). "
    "Given tags are added to existing ones; given custom fields are merged into existing ones; "
    "omitted fields are left as they are.",
    responses={200: {"model": ContactView, "description": "Updated an existing contact"}, **IDEMPOTENT},
)
async def upsert(
    body: ContactUpsert, caller: Caller, response: Response, idempotency_key: IdempotencyKey = None
) -> ContactView:
    view, created = await upsert_contact(caller, body, idempotency_key)
    response.status_code = 201 if created else 200
    return view


@router.get("", response_model=ContactList, summary="List contacts", description="Newest first, cursor-paginated.")
async def list_(
    caller: Caller,
    limit: int = Query(50, description="1 to 100"),
    cursor: Optional[str] = Query(None, description="`nextCursor` from the previous page"),
    tag: Optional[str] = Query(None, description="Only contacts with this tag"),
    email: Optional[str] = Query(None, description="Case-insensitive substring of the email"),
) -> ContactList:
    page = await list_contacts(caller, limit, cursor, tag, email, size_field="limit", cursor_field="cursor")
    return ContactList(data=page.items, has_more=page.has_more, next_cursor=page.next_cursor)


@router.get("/{contact_id}", response_model=ContactView, summary="Get a contact", responses=NOT_FOUND)
async def get(contact_id: str, caller: Caller) -> ContactView:
    return await get_contact(caller, contact_id)
