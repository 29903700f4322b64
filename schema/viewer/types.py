"""`viewer`: who is calling (an API key, or a signed-in person and their role) and in which
organization."""

from __future__ import annotations

from datetime import datetime
from typing import Optional, Union

import strawberry
from strawberry.dataloader import DataLoader

from app.core.errors import ApiError
from app.core.principal import Principal
from schema.accounts.resolvers import MemberView, Role, get_member, viewer_member
from schema.graphql_common import Node


@strawberry.type(name="Organization")
class OrganizationType(Node):
    id: strawberry.ID
    name: str


def _usage_loader(info: strawberry.Info) -> DataLoader[str, int]:
    """One read of the rate limiter's day counters for all the keys in a response."""
    context = info.context
    if "usage_loader" not in context:
        usage = context.get("usage")

        async def load(key_ids: list[str]) -> list[int]:
            counts = await usage(key_ids) if usage is not None else {}
            return [counts.get(key_id, 0) for key_id in key_ids]

        context["usage_loader"] = DataLoader(load_fn=load)
    return context["usage_loader"]


@strawberry.type(name="ApiKey")
class ApiKeyType(Node):
    id: strawberry.ID
    prefix: str
    name: str
    mode: str
    per_minute: Optional[int] = None
    per_day: Optional[int] = None
    created_at: Optional[datetime] = None
    last_used_at: Optional[datetime] = None
    revoked_at: Optional[datetime] = None

    @strawberry.field(description="Units charged against this key's daily limit since 00:00 UTC: 1 per REST "
                      "request, a GraphQL query's cost (see `extensions.cost`). Resets with the daily limit.")
    async def requests_today(self, info: strawberry.Info) -> int:
        return await _usage_loader(info).load(str(self.id))


strawberry.enum(Role, name="Role", description="A person's role in an organization: owners and admins manage "
                "members and API keys; members use the rest.")


@strawberry.type(name="Member", description="A person in the organization and their role in it.")
class MemberType(Node):
    id: strawberry.ID
    email: str
    email_verified: bool
    role: Role
    joined_at: datetime


def member_of(view: MemberView) -> MemberType:
    return MemberType(id=strawberry.ID(view.user_id), email=view.email, email_verified=view.email_verified,
                      role=view.role, joined_at=view.joined_at)


async def member_node(principal: Principal, id: str) -> Optional[MemberType]:
    """`node(id)` for a `usr_` ID: a member of the caller's organization, for people only."""
    try:
        return member_of(await get_member(principal, id))
    except ApiError:
        return None


@strawberry.type
class Viewer:
    organization: OrganizationType
    api_key: Optional[ApiKeyType] = strawberry.field(description="The calling key; null for a signed-in person.")
    user: Optional[MemberType] = strawberry.field(description="The signed-in person; null for an API key.")
    role: Optional[Role] = strawberry.field(description="The person's role in the organization; null for an API key.")


def organization_of(principal: Principal) -> OrganizationType:
    return OrganizationType(id=principal.organization_id, name=principal.organization_name)


def api_key_of(principal: Principal) -> ApiKeyType | None:
    if principal.key_id is None:
        return None
    return ApiKeyType(id=principal.key_id, prefix=principal.key_prefix, name=principal.key_name, mode=principal.mode)


def viewer_node(principal: Principal, id: str) -> Optional[Union[OrganizationType, ApiKeyType]]:
    """`node(id)` for the viewer's own organization and key; any other `org_`/`key_` ID is null
    (a key sees neither other organizations nor, over the API, its organization's other keys)."""
    if id == principal.organization_id:
        return organization_of(principal)
    if principal.key_id is not None and id == principal.key_id:
        return api_key_of(principal)
    return None


@strawberry.type
class ViewerQueries:
    @strawberry.field
    async def viewer(self, info: strawberry.Info) -> Viewer:
        p = info.context["principal"]
        person = await viewer_member(p)
        user = member_of(person) if person else None
        return Viewer(organization=organization_of(p), api_key=api_key_of(p), user=user,
                      role=Role(p.role) if p.role else None)
