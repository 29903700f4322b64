"""`/api/v1/tracking`: the organization's open and click tracking defaults (schema/tracking)."""

from rest_compat.common import Caller, feature_router, live_only
from schema.tracking.resolvers import TrackingSettings, TrackingUpdate, get_tracking_settings, update_tracking_settings

router = feature_router("/tracking", "tracking")


@router.get("", operation_id="getTrackingSettings", response_model=TrackingSettings,
            summary="Get the tracking defaults",
            description="Whether messages that do not say (`tracking` in a send) get open and click tracking.")
async def get(caller: Caller) -> TrackingSettings:
    return await get_tracking_settings(caller)


@router.patch("", operation_id="updateTrackingSettings", response_model=TrackingSettings,
              summary="Change the tracking defaults",
              description="Turn open or click tracking on or off for messages that do not say; fields left out stay "
              "as they are. Applies to messages delivered from then on (within 30 s).",
              responses=live_only("organization's settings"))
async def update(body: TrackingUpdate, caller: Caller) -> TrackingSettings:
    return await update_tracking_settings(caller, body)
