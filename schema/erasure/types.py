"""GraphQL types and fields of erasure: each a few lines calling schema/erasure/resolvers.py."""

from __future__ import annotations

from typing import Optional

import strawberry

from app.core.errors import ApiError
from schema.erasure.resolvers import (
    ErasureResult,
    erase_contact,
)
from schema.graphql_common import UserError, as_in, user_errors
from schema.idempotency.resolvers import IDEMPOTENCY_HELP


@strawberry.pydantic.type(name="ContactErasure")
class ErasureType(ErasureResult):
    id: strawberry.ID = as_in(ErasureResult, "id")


@strawberry.input
class DeleteContactInput:
    id: strawberry.ID
    suppress: bool = strawberry.field(default=False, description="Also add the address to the suppression list.")
    idempotency_key: Optional[str] = strawberry.field(default=None, description=IDEMPOTENCY_HELP)


@strawberry.type
class DeleteContactPayload:
    erasure: ErasureType | None
    user_errors: list[UserError]


@strawberry.type
class ErasureMutations:
    @strawberry.mutation(description="Erase a contact and the personal data in its messages and events.")
    async def delete_contact(self, info: strawberry.Info, input: DeleteContactInput) -> DeleteContactPayload:
        try:
            result = await erase_contact(info.context["principal"], input.id, input.suppress, input.idempotency_key)
        except ApiError as error:
            return DeleteContactPayload(erasure=None, user_errors=user_errors(error))
        return DeleteContactPayload(erasure=result, user_errors=[])
