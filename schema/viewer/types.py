"""`viewer`: who the calling key is and which organization it belongs to."""

from __future__ import annotations

import strawberry


@strawberry.type(name="Organization")
class OrganizationType:
    id: strawberry.ID
    name: str


@strawberry.type(name="ApiKey")
class ApiKeyType:
    id: strawberry.ID
    prefix: str
    name: str
    mode: str


@strawberry.type
class Viewer:
    organization: OrganizationType
    api_key: ApiKeyType


@strawberry.type
class ViewerQueries:
    @strawberry.field
    def viewer(self, info: strawberry.Info) -> Viewer:
        p = info.context["principal"]
        return Viewer(
            organization=OrganizationType(id=p.organization_id, name=p.organization_name),
            api_key=ApiKeyType(id=p.key_id, prefix=p.key_prefix, name=p.key_name, mode=p.mode),
        )
