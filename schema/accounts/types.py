"""GraphQL for signed-in people: members and the organization's API keys. Each field calls
schema/accounts/resolvers.py. Owners and admins only, except the member list (any person);
API keys and members get `forbidden` (a user error; `null` for the lists)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Optional, TypeVar

import strawberry
from pydantic import BaseModel, ValidationError

from app.core.errors import ApiError, from_pydantic
from schema.accounts.resolvers import (
    InvitationRevoke,
    Invite,
    KeyCreate,
    KeyMode,
    KeyView,
    Role,
    RoleChange,
    change_member_role,
    create_api_key,
    invite_member,
    list_api_keys,
    list_invitations,
    list_members,
    remove_member,
    revoke_api_key,
    revoke_invitation,
)
from schema.graphql_common import GraphQLInput, UserError, user_errors, validated
from schema.idempotency.resolvers import IDEMPOTENCY_HELP
from schema.viewer.types import ApiKeyType, MemberType, member_of

M = TypeVar("M", bound=BaseModel)

strawberry.enum(KeyMode, name="ApiKeyMode", description="LIVE keys send email; TEST keys never let any leave.")


@strawberry.type(name="Invitation", description="An invitation mailed to an address (the link works once, 7 days).")
class InvitationType:
    email: str
    role: Role
    expires_at: datetime


def _model(model: type[M], **values) -> M:
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise from_pydantic(exc.errors()) from None


def key_of(view: KeyView) -> ApiKeyType:
    return ApiKeyType(
        id=strawberry.ID(view.id), prefix=view.prefix, name=view.name, mode=view.mode, per_minute=view.per_minute,
        per_day=view.per_day, created_at=view.created_at, last_used_at=view.last_used_at, revoked_at=view.revoked_at,
    )


@strawberry.pydantic.input(name="InviteMemberInput")
class InviteMemberInput(GraphQLInput):
    email: str
    role: Role = Role.MEMBER
    idempotency_key: Annotated[Optional[str], strawberry.field(description=IDEMPOTENCY_HELP)] = None


@strawberry.input(name="ChangeMemberRoleInput")
class ChangeMemberRoleInput:
    user_id: strawberry.ID
    role: Role
    idempotency_key: Annotated[Optional[str], strawberry.field(description=IDEMPOTENCY_HELP)] = None


@strawberry.input(name="RemoveMemberInput")
class RemoveMemberInput:
    user_id: strawberry.ID
    idempotency_key: Annotated[Optional[str], strawberry.field(description=IDEMPOTENCY_HELP)] = None


@strawberry.input(name="CreateApiKeyInput")
class CreateApiKeyInput:
    name: str = ""
    mode: KeyMode = KeyMode.LIVE
    per_minute: Optional[int] = strawberry.field(default=None, description="Default: the server's (60).")
    per_day: Optional[int] = strawberry.field(default=None, description="Default: the server's (10,000).")
    idempotency_key: Annotated[Optional[str], strawberry.field(description=IDEMPOTENCY_HELP)] = None


@strawberry.input(name="RevokeApiKeyInput")
class RevokeApiKeyInput:
    id: strawberry.ID
    idempotency_key: Annotated[Optional[str], strawberry.field(description=IDEMPOTENCY_HELP)] = None


@strawberry.pydantic.input(name="RevokeInvitationInput")
class RevokeInvitationInput(GraphQLInput):
    email: str
    idempotency_key: Annotated[Optional[str], strawberry.field(description=IDEMPOTENCY_HELP)] = None


@strawberry.type
class RevokeInvitationPayload:
    revoked_email: Optional[str]
    user_errors: list[UserError]


@strawberry.type
class InviteMemberPayload:
    invitation: Optional[InvitationType]
    user_errors: list[UserError]


@strawberry.type
class ChangeMemberRolePayload:
    member: Optional[MemberType]
    user_errors: list[UserError]


@strawberry.type
class RemoveMemberPayload:
    removed_user_id: Optional[strawberry.ID]
    user_errors: list[UserError]


@strawberry.type
class CreateApiKeyPayload:
    api_key: Optional[ApiKeyType]
    secret: Optional[str] = strawberry.field(description="The key itself (et_live_…/et_test_…): shown this once. "
                                             "Null when replayed with the same idempotencyKey (it is never stored).")
    user_errors: list[UserError]


@strawberry.type
class RevokeApiKeyPayload:
    api_key: Optional[ApiKeyType]
    user_errors: list[UserError]


@strawberry.type
class AccountQueries:
    @strawberry.field(description="People in the organization (signed-in people only; null for an API key).")
    async def members(self, info: strawberry.Info) -> Optional[list[MemberType]]:
        try:
            return [member_of(m) for m in await list_members(info.context["principal"])]
        except ApiError:
            return None

    @strawberry.field(description="Invitations not yet accepted nor expired, newest first (owners and admins; null "
                      "for members and for API keys).")
    async def invitations(self, info: strawberry.Info) -> Optional[list[InvitationType]]:
        try:
            views = await list_invitations(info.context["principal"])
        except ApiError:
            return None
        return [InvitationType(email=v.email, role=v.role, expires_at=v.expires_at) for v in views]

    @strawberry.field(description="The organization's API keys, newest first, revoked ones too (owners and admins; "
                      "null for members and for API keys).")
    async def api_keys(self, info: strawberry.Info) -> Optional[list[ApiKeyType]]:
        try:
            return [key_of(k) for k in await list_api_keys(info.context["principal"])]
        except ApiError:
            return None


@strawberry.type
class AccountMutations:
    @strawberry.mutation(description="Mail an invitation link to join this organization (owners and admins).")
    async def invite_member(self, info: strawberry.Info, input: InviteMemberInput) -> InviteMemberPayload:
        try:
            view = await invite_member(info.context["settings"], info.context["principal"], validated(input, Invite),
                                       input.idempotency_key)
        except ApiError as error:
            return InviteMemberPayload(invitation=None, user_errors=user_errors(error))
        return InviteMemberPayload(invitation=InvitationType(email=view.email, role=view.role,
                                                             expires_at=view.expires_at), user_errors=[])

    @strawberry.mutation(description="Withdraw the pending invitations of an address: their links stop working.")
    async def revoke_invitation(self, info: strawberry.Info, input: RevokeInvitationInput) -> RevokeInvitationPayload:
        try:
            email = await revoke_invitation(info.context["principal"], validated(input, InvitationRevoke),
                                            input.idempotency_key)
        except ApiError as error:
            return RevokeInvitationPayload(revoked_email=None, user_errors=user_errors(error))
        return RevokeInvitationPayload(revoked_email=email, user_errors=[])

    @strawberry.mutation(description="Change a member's role (owners and admins; only owners make or unmake owners).")
    async def change_member_role(self, info: strawberry.Info, input: ChangeMemberRoleInput) -> ChangeMemberRolePayload:
        try:
            data = _model(RoleChange, user_id=str(input.user_id), role=input.role)
            view = await change_member_role(info.context["principal"], data, input.idempotency_key)
        except ApiError as error:
            return ChangeMemberRolePayload(member=None, user_errors=user_errors(error))
        return ChangeMemberRolePayload(member=member_of(view), user_errors=[])

    @strawberry.mutation(description="Remove a person from the organization; their sessions in it end.")
    async def remove_member(self, info: strawberry.Info, input: RemoveMemberInput) -> RemoveMemberPayload:
        try:
            removed = await remove_member(info.context["principal"], str(input.user_id), input.idempotency_key)
        except ApiError as error:
            return RemoveMemberPayload(removed_user_id=None, user_errors=user_errors(error))
        return RemoveMemberPayload(removed_user_id=strawberry.ID(removed), user_errors=[])

    @strawberry.mutation(description="A new API key; its secret is in this answer only (owners and admins).")
    async def create_api_key(self, info: strawberry.Info, input: CreateApiKeyInput) -> CreateApiKeyPayload:
        try:
            data = _model(KeyCreate, name=input.name, mode=input.mode, per_minute=input.per_minute, per_day=input.per_day)
            created = await create_api_key(info.context["settings"], info.context["principal"], data,
                                           input.idempotency_key)
        except ApiError as error:
            return CreateApiKeyPayload(api_key=None, secret=None, user_errors=user_errors(error))
        return CreateApiKeyPayload(api_key=key_of(created.key), secret=created.secret, user_errors=[])

    @strawberry.mutation(description="Revoke an API key: refused at once by this process, within 5 s by others.")
    async def revoke_api_key(self, info: strawberry.Info, input: RevokeApiKeyInput) -> RevokeApiKeyPayload:
        try:
            view = await revoke_api_key(info.context["principal"], str(input.id), input.idempotency_key)
        except ApiError as error:
            return RevokeApiKeyPayload(api_key=None, user_errors=user_errors(error))
        forget = info.context.get("forget_keys")
        if forget is not None:
            forget()
        return RevokeApiKeyPayload(api_key=key_of(view), user_errors=[])
