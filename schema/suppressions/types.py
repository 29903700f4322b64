"""GraphQL types and fields of suppressions: each a few lines calling schema/suppressions/resolvers.py."""

from __future__ import annotations

from typing import Annotated, Optional

import strawberry

from app.core.errors import ApiError
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
from schema.suppressions.resolvers import (
    SuppressionAdd,
    SuppressionReason,
    SuppressionRemove,
    SuppressionView,
    add_suppression,
    get_suppression,
    list_suppressions,
    remove_suppression,
)

strawberry.enum(SuppressionReason, name="SuppressionReason", description="Why an address is suppressed.")


@node_type(SuppressionView, name="Suppression", description="An address your organization never sends to.")
class SuppressionType(SuppressionView, Node):
    id: strawberry.ID
    message_id: Annotated[Optional[strawberry.ID], strawberry.field(description="The message that caused it, if any.")]


@strawberry.pydantic.input(name="AddSuppressionInput")
class AddSuppressionInput(GraphQLInput):
    email: str
    reason: SuppressionReason = SuppressionReason.MANUAL
    detail: Optional[str] = None
    idempotency_key: Annotated[Optional[str], strawberry.field(description=IDEMPOTENCY_HELP)] = None


@strawberry.pydantic.input(name="RemoveSuppressionInput")
class RemoveSuppressionInput(GraphQLInput):
    email: str
    idempotency_key: Annotated[Optional[str], strawberry.field(description=IDEMPOTENCY_HELP)] = None


@strawberry.input
class SuppressionFilter:
    reason: Optional[SuppressionReason] = None
    email: Optional[str] = strawberry.field(default=None, description="Case-insensitive substring.")


@strawberry.type
class AddSuppressionPayload:
    suppression: Optional[SuppressionType]
    created: bool
    user_errors: list[UserError]


@strawberry.type
class RemoveSuppressionPayload:
    suppression: Optional[SuppressionType]
    user_errors: list[UserError]


@strawberry.type
class SuppressionQueries:
    @strawberry.field
    async def suppression(self, info: strawberry.Info, email: str) -> Optional[SuppressionType]:
        try:
            return await get_suppression(info.context["principal"], email)
        except ApiError:
            return None

    @strawberry.field
    async def suppressions(
        self,
        info: strawberry.Info,
        first: int = 50,
        after: Optional[str] = None,
        filter: Optional[SuppressionFilter] = None,
    ) -> Connection[SuppressionType]:
        page = await list_suppressions(
            info.context["principal"],
            first,
            after,
            reason=filter.reason if filter else None,
            email=filter.email if filter else None,
        )
        return connection(page, after)


@strawberry.type
class SuppressionMutations:
    @strawberry.mutation
    async def add_suppression(self, info: strawberry.Info, input: AddSuppressionInput) -> AddSuppressionPayload:
        try:
            view, created = await add_suppression(
                info.context["principal"], validated(input, SuppressionAdd), input.idempotency_key
            )
        except ApiError as error:
            return AddSuppressionPayload(suppression=None, created=False, user_errors=user_errors(error))
        return AddSuppressionPayload(suppression=view, created=created, user_errors=[])

    @strawberry.mutation
    async def remove_suppression(
        self, info: strawberry.Info, input: RemoveSuppressionInput
    ) -> RemoveSuppressionPayload:
        try:
            data = validated(input, SuppressionRemove)
            view = await remove_suppression(info.context["principal"], data.email, input.idempotency_key)
        except ApiError as error:
            return RemoveSuppressionPayload(suppression=None, user_errors=user_errors(error))
        return RemoveSuppressionPayload(suppression=view, user_errors=[])
