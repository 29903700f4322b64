"""`viewer`: who the calling key is and which organization it belongs to."""

from __future__ import annotations

from typing import Optional, Union

import strawberry

from app.core.principal import Principal
from schema.graphql_common import Node


@strawberry.type(name="Organization")
class OrganizationType(Node):
    id: strawberry.ID
    name: str


@strawberry.type(name="ApiKey")
class ApiKeyType(Node):
    id: strawberry.ID
    prefix: str
    name: str
    mode: str


@strawberry.type
class Viewer:
    organization: OrganizationType
    api_key: ApiKeyType


def organization_of(principal: Principal) -> OrganizationType:
    return OrganizationType(id=principal.organization_id, name=principal.organization_name)


def api_key_of(principal: Principal) -> ApiKeyType:
    return ApiKeyType(id=principal.key_id, prefix=principal.key_prefix, name=principal.key_name, mode=principal.mode)


def viewer_node(principal: Principal, id: str) -> Optional[Union[OrganizationType, ApiKeyType]]:
    """`node(id)` for the viewer's own organization and key; any other `org_`/`key_` ID is null
    (a key sees neither other organizations nor, over the API, its organization's other keys)."""
    if id == principal.organization_id:
        return organization_of(principal)
    if id == principal.key_id:
        return api_key_of(principal)
    return None


@strawberry.type
class ViewerQueries:
    @strawberry.field
    def viewer(self, info: strawberry.Info) -> Viewer:
        p = info.context["principal"]
        return Viewer(organization=organization_of(p), api_key=api_key_of(p))
