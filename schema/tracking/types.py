"""GraphQL fields of tracking settings: each a few lines calling schema/tracking/resolvers.py."""

from __future__ import annotations

from typing import Annotated, Optional

import strawberry

from app.core.errors import ApiError
from schema.graphql_common import GraphQLInput, UserError, user_errors, validated
from schema.idempotency.resolvers import IDEMPOTENCY_HELP
from schema.tracking.resolvers import (
    TrackingSettings,
    TrackingUpdate,
    get_tracking_settings,
    update_tracking_settings,
)


@strawberry.pydantic.type(name="TrackingSettings", description="Whether messages that do not say are tracked.")
class TrackingSettingsType(TrackingSettings):
    pass


@strawberry.pydantic.input(name="UpdateTrackingSettingsInput")
class UpdateTrackingSettingsInput(GraphQLInput):
    opens: Optional[bool] = None
    clicks: Optional[bool] = None
    idempotency_key: Annotated[Optional[str], strawberry.field(description=IDEMPOTENCY_HELP)] = None


@strawberry.type
class UpdateTrackingSettingsPayload:
    tracking_settings: Optional[TrackingSettingsType]
    user_errors: list[UserError]


@strawberry.type
class TrackingQueries:
    @strawberry.field(description="Your organization's tracking defaults.")
    async def tracking_settings(self, info: strawberry.Info) -> TrackingSettingsType:
        return await get_tracking_settings(info.context["principal"])


@strawberry.type
class TrackingMutations:
    @strawberry.mutation(description="Turn open or click tracking on or off for messages that do not say.")
    async def update_tracking_settings(self, info: strawberry.Info,
                                       input: UpdateTrackingSettingsInput) -> UpdateTrackingSettingsPayload:
        try:
            view = await update_tracking_settings(info.context["principal"], validated(input, TrackingUpdate))
        except ApiError as error:
            return UpdateTrackingSettingsPayload(tracking_settings=None, user_errors=user_errors(error))
        return UpdateTrackingSettingsPayload(tracking_settings=view, user_errors=[])
