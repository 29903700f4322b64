"""GraphQL types and fields of sending domains: each a few lines calling schema/domains/resolvers.py."""

from __future__ import annotations

from typing import Annotated, Optional

import strawberry

from app.core.errors import ApiError
from schema.domains.resolvers import (
    DnsRecord,
    DomainCreate,
    DomainStatus,
    DomainView,
    RecordPurpose,
    RecordStatus,
    RecordType,
    create_domain,
    delete_domain,
    get_domain,
    list_domains,
    verify_domain,
)
from schema.graphql_common import GraphQLInput, Node, UserError, graphql_enum, node_type, user_errors, validated
from schema.idempotency.resolvers import IDEMPOTENCY_HELP

graphql_enum(DomainStatus, "DomainStatus", "`verified` once the DKIM record is published.")
graphql_enum(RecordStatus, "DnsRecordStatus", "What the last DNS check found for a record.")
graphql_enum(RecordPurpose, "DnsRecordPurpose", "What a DNS record is for.")
graphql_enum(RecordType, "DnsRecordKind", "A DNS record's type (TXT or MX).")


@strawberry.pydantic.type(name="DnsRecord", description="A DNS record to publish for a sending domain.")
class DnsRecordType(DnsRecord):
    pass


@node_type(DomainView, name="Domain", description="A sending domain: mail from it is DKIM-signed.")
class DomainType(DomainView, Node):
    id: strawberry.ID
    dns_records: list[DnsRecordType]


@strawberry.pydantic.input(name="CreateDomainInput")
class CreateDomainInput(GraphQLInput):
    name: str
    idempotency_key: Annotated[Optional[str], strawberry.field(description=IDEMPOTENCY_HELP)] = None


@strawberry.input(name="DomainIdInput")
class DomainIdInput:
    id: strawberry.ID
    idempotency_key: Annotated[Optional[str], strawberry.field(description=IDEMPOTENCY_HELP)] = None


@strawberry.type
class DomainPayload:
    domain: Optional[DomainType]
    user_errors: list[UserError]


@strawberry.type
class DomainQueries:
    @strawberry.field(description="The organization's sending domains, by name.")
    async def domains(self, info: strawberry.Info) -> list[DomainType]:
        return await list_domains(info.context["settings"], info.context["principal"])

    @strawberry.field
    async def domain(self, info: strawberry.Info, id: strawberry.ID) -> Optional[DomainType]:
        try:
            return await get_domain(info.context["settings"], info.context["principal"], str(id))
        except ApiError:
            return None


@strawberry.type
class DomainMutations:
    @strawberry.mutation(description="Add a sending domain: its DKIM key pair and the DNS records to publish.")
    async def create_domain(self, info: strawberry.Info, input: CreateDomainInput) -> DomainPayload:
        try:
            view = await create_domain(info.context["settings"], info.context["principal"],
                                       validated(input, DomainCreate), input.idempotency_key)
        except ApiError as error:
            return DomainPayload(domain=None, user_errors=user_errors(error))
        return DomainPayload(domain=view, user_errors=[])

    @strawberry.mutation(description="Check a domain's DNS records now.")
    async def verify_domain(self, info: strawberry.Info, input: DomainIdInput) -> DomainPayload:
        try:
            view = await verify_domain(info.context["settings"], info.context["principal"], str(input.id))
        except ApiError as error:
            return DomainPayload(domain=None, user_errors=user_errors(error))
        return DomainPayload(domain=view, user_errors=[])

    @strawberry.mutation(description="Remove a sending domain and its DKIM key.")
    async def delete_domain(self, info: strawberry.Info, input: DomainIdInput) -> DomainPayload:
        try:
            view = await delete_domain(info.context["settings"], info.context["principal"], str(input.id),
                                       input.idempotency_key)
        except ApiError as error:
            return DomainPayload(domain=None, user_errors=user_errors(error))
        return DomainPayload(domain=view, user_errors=[])
