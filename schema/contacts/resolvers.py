"""Contacts: upsert, get by id or email, list. The one implementation of each operation;
`rest_compat/contacts.py` and the GraphQL fields below both call these functions."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Optional

from pydantic import Field, StringConstraints, WithJsonSchema
from tortoise import Tortoise
from tortoise.exceptions import IntegrityError
from tortoise.query_utils import Prefetch
from tortoise.transactions import in_transaction

from app.core import clock
from app.core.errors import ApiError, ErrorCode, FieldError, invalid, not_found
from app.core.ids import new_id, require_id
from app.core.principal import Principal
from app.core.validation import EMAIL_SCHEMA, EmailAddress, JsonObject, Tag, email_key
from models import Contact, ContactTag
from schema.contacts.filters import ContactFilters, filtered_contacts
from schema.contacts.writes import find_or_create_contact
from schema.contracts import ApiModel, Page, check_page_size, decode_cursor, fits
from schema.idempotency.resolvers import idempotent
from schema.webhook_endpoints.resolvers import EventType, publish

Name = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]


class ContactUpsert(ApiModel):
    """Body of `POST /api/v1/contacts` and GraphQL `ContactInput`."""

    email: EmailAddress
    first_name: Optional[Name] = None
    last_name: Optional[Name] = None
    tags: Optional[list[Tag]] = Field(default=None, max_length=100)
    custom_fields: Optional[JsonObject] = None

    model_config = ApiModel.model_config | {
        "json_schema_extra": {
            "examples": [
                {
                    "email": "jane@example.com",
                    "firstName": "Jane",
                    "lastName": "Doe",
                    "tags": ["newsletter", "early-access"],
                    "customFields": {"plan": "pro"},
                }
            ]
        }
    }


class ContactPatch(ApiModel):
    """Body of `PATCH /api/v1/contacts/{id}` and GraphQL `UpdateContactInput`: only what is
    given changes. Tags in `addTags` are added, those in `removeTags` removed; `customFields`
    is merged like an upsert's (a key set to null is removed)."""

    # Not nullable: a contact always has an address (null is a 422 naming `email`).
    email: Annotated[Optional[EmailAddress], WithJsonSchema(EMAIL_SCHEMA)] = None
    first_name: Optional[Name] = None
    last_name: Optional[Name] = None
    add_tags: Optional[list[Tag]] = Field(default=None, max_length=100)
    remove_tags: Optional[list[Tag]] = Field(default=None, max_length=100)
    custom_fields: Optional[JsonObject] = None

    model_config = ApiModel.model_config | {
        "json_schema_extra": {"examples": [{"lastName": "Smith", "addTags": ["vip"], "customFields": {"plan": None}}]}
    }


class ContactView(ApiModel):
    id: str
    email: Annotated[str, WithJsonSchema(EMAIL_SCHEMA)]
    first_name: Optional[str]
    last_name: Optional[str]
    tags: list[str]
    custom_fields: dict[str, Any]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, contact: Contact) -> "ContactView":
        return cls(
            id=contact.id,
            email=contact.email,
            first_name=contact.first_name,
            last_name=contact.last_name,
            tags=[t.tag for t in contact.tags],
            custom_fields=contact.custom_fields or {},
            created_at=contact.created_at,
            updated_at=contact.updated_at,
        )


def _with_tags():
    return Prefetch("tags", queryset=ContactTag.all().order_by("id"))


async def _reload(contact_id: str) -> ContactView:
    contact = await Contact.get(id=contact_id).prefetch_related(_with_tags())
    return ContactView.of(contact)


async def upsert_contact(
    principal: Principal, data: ContactUpsert, idempotency_key: str | None = None
) -> tuple[ContactView, bool]:
    """Create or update the contact with this email. Given tags are added to the existing
    ones and given custom fields merged into them; omitted or null fields are kept.
    Returns the contact and whether it was created."""

    async def run() -> tuple[ContactView, int]:
        view, created = await _upsert(principal, data)
        return view, 201 if created else 200

    outcome = await idempotent(principal, idempotency_key, "contacts.upsert", data, run, ContactView)
    return outcome.result, outcome.status_code == 201


def merge_custom_fields(current: dict[str, Any] | None, given: dict[str, Any] | None) -> dict[str, Any]:
    """The one merge rule (upsert, PATCH and import): given keys overwrite, a key given as
    null is removed, keys not given stay. Shallow: a nested object is replaced whole."""
    merged = dict(current or {})
    for name, value in (given or {}).items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    return merged


async def _add_tags(conn, organization_id: str, contact_id: str, tags: list[str] | None) -> None:
    if tags:
        await ContactTag.bulk_create(
            [ContactTag(contact_id=contact_id, organization_id=organization_id, tag=t) for t in dict.fromkeys(tags)],
            ignore_conflicts=True,
            using_db=conn,
        )


# The hot path on PostgreSQL: the contact created or updated and its tags added, in one statement
# (one round trip), with the same rules as the ORM path below: names only when given, custom
# fields merged shallowly (a null removes the key), updatedAt moved only when something was given.
_PG_UPSERT = """
WITH up AS (
    INSERT INTO contacts (id, organization_id, email, email_key, first_name, last_name, custom_fields, created_at,
                          updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $8)
    ON CONFLICT (organization_id, email_key) DO UPDATE SET
        first_name = COALESCE(EXCLUDED.first_name, contacts.first_name),
        last_name = COALESCE(EXCLUDED.last_name, contacts.last_name),
        custom_fields = (contacts.custom_fields || $7::jsonb) - $9::text[],
        updated_at = CASE WHEN $10 THEN EXCLUDED.updated_at ELSE contacts.updated_at END
    RETURNING id, email, first_name, last_name, custom_fields, created_at, updated_at, (xmax = 0) AS created
), tagged AS (
    INSERT INTO contact_tags (contact_id, organization_id, tag)
    SELECT up.id, $2, u.tag FROM up, unnest($11::text[]) WITH ORDINALITY AS u(tag, n) ORDER BY u.n
    ON CONFLICT (contact_id, tag) DO NOTHING
    RETURNING id, tag
)
SELECT up.*, ARRAY(
    SELECT x.tag FROM (SELECT t.id, t.tag FROM contact_tags t, up WHERE t.contact_id = up.id
                       UNION ALL SELECT id, tag FROM tagged) AS x ORDER BY x.id
) AS tags FROM up
"""


async def _upsert_in_one_statement(connection, principal: Principal, data: ContactUpsert) -> tuple[ContactView, bool]:
    given = data.custom_fields or {}
    kept = {name: value for name, value in given.items() if value is not None}
    changes = data.first_name is not None or data.last_name is not None or bool(given)
    [row] = await connection.execute_query_dict(_PG_UPSERT, [
        new_id("ct"), principal.organization_id, data.email, email_key(data.email), data.first_name, data.last_name,
        json.dumps(kept), clock.now(), [name for name, value in given.items() if value is None], changes,
        list(dict.fromkeys(data.tags or [])),
    ])
    fields = row["custom_fields"]
    view = ContactView(id=row["id"], email=row["email"], first_name=row["first_name"], last_name=row["last_name"],
                       tags=list(row["tags"]), custom_fields=json.loads(fields) if isinstance(fields, str) else fields,
                       created_at=row["created_at"], updated_at=row["updated_at"])
    return view, bool(row["created"])


async def _upsert(principal: Principal, data: ContactUpsert) -> tuple[ContactView, bool]:
    connection = Tortoise.get_connection("default")
    if connection.capabilities.dialect == "postgres":
        view, created = await _upsert_in_one_statement(connection, principal, data)
    else:
        view, created = await _upsert_with_the_orm(principal, data)
    await publish(principal.organization_id, EventType.CONTACT_CREATED if created else EventType.CONTACT_UPDATED,
                  view.model_dump(mode="json", by_alias=True), sandbox=principal.is_test)
    return view, created


async def _upsert_with_the_orm(principal: Principal, data: ContactUpsert) -> tuple[ContactView, bool]:
    async with in_transaction() as conn:
        contact_id, created = await find_or_create_contact(conn, principal.organization_id, data.email)
        contact = await Contact.filter(id=contact_id).using_db(conn).select_for_update().get()
        changes: dict[str, Any] = {}
        if data.first_name is not None:
            changes["first_name"] = data.first_name
        if data.last_name is not None:
            changes["last_name"] = data.last_name
        if data.custom_fields:
            changes["custom_fields"] = merge_custom_fields(contact.custom_fields, data.custom_fields)
        if changes:
            for name, value in changes.items():
                setattr(contact, name, value)
            await contact.save(using_db=conn)
        await _add_tags(conn, principal.organization_id, contact.id, data.tags)
    return await _reload(contact.id), created


async def update_contact(
    principal: Principal, contact_id: str, data: ContactPatch, idempotency_key: str | None = None
) -> ContactView:
    """Partial update. Changing the email to one another contact has is 409 `conflict`."""

    async def run() -> tuple[ContactView, int]:
        return await _update_contact(principal, contact_id, data), 200

    request = {"id": contact_id, "body": data.model_dump(mode="json", by_alias=True, exclude_unset=True)}
    return (await idempotent(principal, idempotency_key, "contacts.update", request, run, ContactView)).result


async def _update_contact(principal: Principal, contact_id: str, data: ContactPatch) -> ContactView:
    require_id("contact", contact_id)
    given = data.model_fields_set
    org = principal.organization_id
    async with in_transaction() as conn:
        contact = await Contact.filter(id=contact_id, organization_id=org).using_db(conn).select_for_update().first()
        if contact is None:
            raise not_found("Contact")
        if "email" in given and data.email is None:
            raise invalid("email", "A contact needs an email; give a new one or leave it out.", "required")
        if data.email is not None and email_key(data.email) != contact.email_key:
            if await Contact.filter(organization_id=org, email_key=email_key(data.email)).using_db(conn).exists():
                raise ApiError(ErrorCode.CONFLICT, "Another contact in your organization has this email.",
                               [FieldError("email", "Another contact has this email.", "conflict")])
            contact.email, contact.email_key = data.email, email_key(data.email)
        elif data.email is not None:
            contact.email = data.email  # same address, new spelling
        if "first_name" in given:
            contact.first_name = data.first_name
        if "last_name" in given:
            contact.last_name = data.last_name
        if data.custom_fields:
            contact.custom_fields = merge_custom_fields(contact.custom_fields, data.custom_fields)
        try:
            async with in_transaction() as savepoint:
                await contact.save(using_db=savepoint)
        except IntegrityError:  # a concurrent request took the address first
            raise ApiError(ErrorCode.CONFLICT, "Another contact in your organization has this email.",
                           [FieldError("email", "Another contact has this email.", "conflict")]) from None
        await _add_tags(conn, org, contact.id, data.add_tags)
        if data.remove_tags:
            await ContactTag.filter(contact_id=contact.id, tag__in=data.remove_tags).using_db(conn).delete()
    view = await _reload(contact.id)
    await publish(org, EventType.CONTACT_UPDATED, view.model_dump(mode="json", by_alias=True),
                  sandbox=principal.is_test)
    return view


async def get_contact(principal: Principal, contact_id: str) -> ContactView:
    require_id("contact", contact_id)
    contact = (
        await Contact.filter(id=contact_id, organization_id=principal.organization_id)
        .prefetch_related(_with_tags())
        .first()
    )
    if contact is None:
        raise not_found("Contact")
    return ContactView.of(contact)


async def get_contact_by_email(principal: Principal, email: str) -> ContactView:
    if not fits(email_key(email), Contact, "email_key"):
        raise not_found("Contact")  # no stored address is that long
    contact = (
        await Contact.filter(organization_id=principal.organization_id, email_key=email_key(email))
        .prefetch_related(_with_tags())
        .first()
    )
    if contact is None:
        raise not_found("Contact")
    return ContactView.of(contact)


async def list_contacts(
    principal: Principal,
    first: int = 50,
    after: str | None = None,
    filters: ContactFilters | None = None,
    *,
    size_field: str = "first",
    cursor_field: str = "after",
) -> Page[ContactView]:
    """Newest first; see ContactFilters for the filters."""
    check_page_size(first, size_field)
    last_id = decode_cursor(after, cursor_field)
    query = await filtered_contacts(principal.organization_id, filters or ContactFilters())
    if last_id:
        query = query.filter(id__lt=last_id)
    rows = await query.order_by("-id").limit(first + 1).prefetch_related(_with_tags())
    items = [ContactView.of(c) for c in rows[:first]]
    return Page.of(items, len(rows) > first)
