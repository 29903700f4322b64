"""`/api/v1/analytics/…`: thin adapters over schema/analytics/resolvers.py (see its docstring)."""

from fastapi import Query

from rest_compat.common import Caller, feature_router, limit_query, one_of
from schema.analytics.resolvers import (
    DEFAULT_ATTRIBUTION_HOURS,
    MAX_ATTRIBUTION_HOURS,
    MAX_TOP,
    AutomationRevenueReport,
    ContactAnalytics,
    EventAnalytics,
    Granularity,
    MessageAnalytics,
    TopContacts,
    contact_analytics,
    event_analytics,
    message_analytics,
    revenue_by_automation,
    top_contacts,
    window,
)

router = feature_router("/analytics", "analytics")

TIME = {"type": "string", "format": "date-time"}  # checked by `window`, which names the parameter
FROM = Query(..., alias="from", description="Window start, inclusive (ISO 8601 with a time zone)",
             json_schema_extra=TIME)
TO = Query(..., description="Window end, exclusive: after `from`, and at most 366 days after it (31 with `hour`)",
           json_schema_extra=TIME)
GRANULARITY = one_of(Granularity, "day", "hour, day or week (weeks start on Monday)")
TIMEZONE = Query("UTC", description="IANA time zone of the buckets, e.g. Europe/Berlin")


@router.get("/messages", operation_id="getMessageAnalytics", response_model=MessageAnalytics,
            summary="Messages by status per bucket",
            description="Messages created in the window, by current status; deliveryRate = sent / (sent + failed + "
            "suppressed); medianSecondsToSend = median of sentAt − createdAt of sent messages.")
async def messages(caller: Caller, from_: str = FROM, to: str = TO, granularity: str = GRANULARITY,
                   timezone: str = TIMEZONE) -> MessageAnalytics:
    return await message_analytics(caller, window(from_, to, granularity, timezone))


@router.get("/events", operation_id="getEventAnalytics", response_model=EventAnalytics,
            summary="Events per type per bucket",
            description="Count per event type, and per currency the count, sum and average of `value` (decimal strings).")
async def events(caller: Caller, from_: str = FROM, to: str = TO, granularity: str = GRANULARITY,
                 timezone: str = TIMEZONE) -> EventAnalytics:
    return await event_analytics(caller, window(from_, to, granularity, timezone))


@router.get("/contacts", operation_id="getContactAnalytics", response_model=ContactAnalytics,
            summary="Contacts: total, new per bucket, per tag")
async def contacts(caller: Caller, from_: str = FROM, to: str = TO, granularity: str = GRANULARITY,
                   timezone: str = TIMEZONE) -> ContactAnalytics:
    return await contact_analytics(caller, window(from_, to, granularity, timezone))


@router.get("/revenue/top-contacts", operation_id="getTopContacts", response_model=TopContacts,
            summary="Top contacts by summed event value",
            description="Per currency, the `limit` contacts with the largest summed `value` in the window.")
async def revenue_top_contacts(caller: Caller, from_: str = FROM, to: str = TO,
                               limit: int = limit_query(10, MAX_TOP)) -> TopContacts:
    return await top_contacts(caller, window(from_, to), limit)


@router.get("/revenue/automations", operation_id="getRevenueByAutomation", response_model=AutomationRevenueReport,
            summary="Revenue per automation",
            description="Per currency, the automations the window's valued events are attributed to (last touch): "
            "each event to the automation whose message to the event's contact was sent last at or before the "
            "event, at most `attributionHours` before it; `sent` counts the automation's messages sent in the "
            "window.")
async def revenue_automations(
    caller: Caller, from_: str = FROM, to: str = TO,
    attribution_hours: int = Query(DEFAULT_ATTRIBUTION_HOURS, alias="attributionHours",
                                   description=f"1 to {MAX_ATTRIBUTION_HOURS} (90 days); default 168 (7 days)",
                                   json_schema_extra={"minimum": 1, "maximum": MAX_ATTRIBUTION_HOURS}),
) -> AutomationRevenueReport:
    return await revenue_by_automation(caller, window(from_, to), attribution_hours)
