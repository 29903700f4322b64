"""GraphQL types and fields of contacts: each a few lines calling schema/contacts/resolvers.py."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Optional

import strawberry
from strawberry.scalars import JSON

from app.core.errors import ApiError, invalid
from schema.contacts.filters import ContactFilters
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
from schema.events.resolvers import list_events
from schema.events.types import EventType, event_connection
from schema.graphql_common import (
    Connection,
    GraphQLInput,
    Node,
    UserError,
    connection,
    node_type,
    user_errors,
    validated,
)
from schema.idempotency.resolvers import IDEMPOTENCY_HELP


@node_type(ContactView, name="Contact", description="A person in your organization.")
class ContactType(ContactView, Node):
    """The view resolvers return, as a GraphQL type: fields resolve on ContactView objects."""

    id: strawberry.ID
    custom_fields: JSON

    @strawberry.pydantic.field(description="This contact's pipeline events, newest first.")
    async def events(
        self, info: strawberry.Info, first: int = 50, after: Optional[str] = None
    ) -> Connection[EventType]:
        return event_connection(await list_events(info.context["principal"], first, after, contact_id=self.id), after)


@strawberry.pydantic.input(name="ContactInput")
class ContactInput(GraphQLInput):
    email: str
    first_name: Optional[str] = None
    last_name: Optional[str] = None
    tags: Optional[list[str]] = None
    custom_fields: Optional[JSON] = None
    idempotency_key: Annotated[Optional[str], strawberry.field(description=IDEMPOTENCY_HELP)] = None


@strawberry.pydantic.input(
    name="UpdateContactInput", description="Only the fields given change (validated by the same model as PATCH)."
)
class UpdateContactInput(GraphQLInput):
    # UNSET: no GraphQL default, so a field left out is not set and stays unchanged.
    id: strawberry.ID
    email: Optional[str] = strawberry.UNSET
    first_name: Optional[str] = strawberry.UNSET
    last_name: Optional[str] = strawberry.UNSET
    add_tags: Optional[list[str]] = strawberry.UNSET
    remove_tags: Optional[list[str]] = strawberry.UNSET
    custom_fields: Annotated[Optional[JSON], strawberry.field(description="Merged; a key set to null is removed.")] = strawberry.UNSET
    idempotency_key: Annotated[Optional[str], strawberry.field(description=IDEMPOTENCY_HELP)] = None


@strawberry.type
class UpdateContactPayload:
    contact: Optional[ContactType]
    user_errors: list[UserError]


@strawberry.input
class ContactFilter:
    tag: Optional[str] = None
    tags: Optional[list[str]] = strawberry.field(default=None, description="Contacts with all of these tags.")
    email: Optional[str] = strawberry.field(default=None, description="Case-insensitive substring.")
    custom_fields: Optional[JSON] = strawberry.field(
        default=None, description='Equality per field, e.g. {"plan": "pro"}.'
    )
    created_after: Optional[datetime] = None

    def to_filters(self) -> ContactFilters:
        fields = self.custom_fields or {}
        if not isinstance(fields, dict):
            raise invalid("filter.customFields", "An object of field names to values.", "invalid_type")
        return ContactFilters(
            tags=[*([self.tag] if self.tag else []), *(self.tags or [])],
            email=self.email,
            custom_fields={str(k): v if isinstance(v, str) else json.dumps(v) for k, v in fields.items()},
            created_after=self.created_after,
        )


@strawberry.type
class UpsertContactPayload:
    contact: Optional[ContactType]
    created: bool
    user_errors: list[UserError]


@strawberry.type
class ContactQueries:
    @strawberry.field
    async def contact(self, info: strawberry.Info, id: strawberry.ID) -> Optional[ContactType]:
        try:
            return await get_contact(info.context["principal"], id)
        except ApiError:
            return None

    @strawberry.field
    async def contact_by_email(self, info: strawberry.Info, email: str) -> Optional[ContactType]:
        try:
            return await get_contact_by_email(info.context["principal"], email)
        except ApiError:
            return None

    @strawberry.field
    async def contacts(
        self,
        info: strawberry.Info,
        first: int = 50,
        after: Optional[str] = None,
        filter: Optional[ContactFilter] = None,
    ) -> Connection[ContactType]:
        page = await list_contacts(info.context["principal"], first, after, filter.to_filters() if filter else None)
        return connection(page, after)


@strawberry.type
class ContactMutations:
    @strawberry.mutation
    async def upsert_contact(self, info: strawberry.Info, input: ContactInput) -> UpsertContactPayload:
        try:
            view, created = await upsert_contact(
                info.context["principal"], validated(input, ContactUpsert), input.idempotency_key
            )
        except ApiError as error:
            return UpsertContactPayload(contact=None, created=False, user_errors=user_errors(error))
        return UpsertContactPayload(contact=view, created=created, user_errors=[])

    @strawberry.mutation(description="Partial update of a contact.")
    async def update_contact(self, info: strawberry.Info, input: UpdateContactInput) -> UpdateContactPayload:
        try:
            view = await update_contact(
                info.context["principal"], input.id, validated(input, ContactPatch), input.idempotency_key
            )
        except ApiError as error:
            return UpdateContactPayload(contact=None, user_errors=user_errors(error))
        return UpdateContactPayload(contact=view, user_errors=[])
