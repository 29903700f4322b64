"""GraphQL types and fields of analytics: each a few lines calling schema/analytics/resolvers.py."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from schema.analytics.resolvers import (
    AutomationRevenue,
    ContactAnalytics,
    ContactBucket,
    ContactRevenue,
    CurrencyAutomations,
    CurrencyRevenue,
    CurrencyValue,
    DEFAULT_ATTRIBUTION_HOURS,
    EventAnalytics,
    EventBucket,
    EventTypeFigures,
    MessageAnalytics,
    MessageBucket,
    StatusCount,
    TagCount,
    Window,
    contact_analytics,
    event_analytics,
    message_analytics,
    revenue_by_automation,
    top_contacts,
    window,
)

@strawberry.experimental.pydantic.type(model=StatusCount, all_fields=True)
class StatusCountType:
    pass


@strawberry.experimental.pydantic.type(model=MessageBucket, all_fields=True)
class MessageBucketType:
    pass


@strawberry.experimental.pydantic.type(model=MessageAnalytics, name="MessageAnalytics", all_fields=True)
class MessageAnalyticsType:
    pass


@strawberry.experimental.pydantic.type(model=CurrencyValue, all_fields=True)
class CurrencyValueType:
    pass


@strawberry.experimental.pydantic.type(model=EventTypeFigures, all_fields=True)
class EventTypeFiguresType:
    pass


@strawberry.experimental.pydantic.type(model=EventBucket, all_fields=True)
class EventBucketType:
    pass


@strawberry.experimental.pydantic.type(model=EventAnalytics, name="EventAnalytics", all_fields=True)
class EventAnalyticsType:
    pass


@strawberry.experimental.pydantic.type(model=ContactBucket, all_fields=True)
class ContactBucketType:
    pass


@strawberry.experimental.pydantic.type(model=TagCount, all_fields=True)
class TagCountType:
    pass


@strawberry.experimental.pydantic.type(model=ContactAnalytics, name="ContactAnalytics", all_fields=True)
class ContactAnalyticsType:
    pass


@strawberry.experimental.pydantic.type(model=ContactRevenue, all_fields=True)
class ContactRevenueType:
    pass


@strawberry.experimental.pydantic.type(model=CurrencyRevenue, all_fields=True)
class CurrencyRevenueType:
    pass


@strawberry.experimental.pydantic.type(model=AutomationRevenue, all_fields=True)
class AutomationRevenueType:
    pass


@strawberry.experimental.pydantic.type(model=CurrencyAutomations, all_fields=True)
class CurrencyAutomationsType:
    pass


@strawberry.type(description="Aggregates for one window; each field runs its own query.")
class Analytics:
    _window: strawberry.Private[Window]

    @strawberry.field
    async def messages(self, info: strawberry.Info) -> MessageAnalyticsType:
        return MessageAnalyticsType.from_pydantic(await message_analytics(info.context["principal"], self._window))

    @strawberry.field
    async def events(self, info: strawberry.Info) -> EventAnalyticsType:
        return EventAnalyticsType.from_pydantic(await event_analytics(info.context["principal"], self._window))

    @strawberry.field
    async def contacts(self, info: strawberry.Info) -> ContactAnalyticsType:
        return ContactAnalyticsType.from_pydantic(await contact_analytics(info.context["principal"], self._window))

    @strawberry.field(description="Per currency, the top contacts by summed event value (limit 1-100).")
    async def top_contacts(self, info: strawberry.Info, limit: int = 10) -> list[CurrencyRevenueType]:
        result = await top_contacts(info.context["principal"], self._window, limit)
        return [CurrencyRevenueType.from_pydantic(c) for c in result.currencies]

    @strawberry.field(
        description="Per currency, the automations the window's valued events are attributed to: each event to "
        "the automation whose message to its contact was sent last, at or before it and at most "
        "`attributionHours` (1-2160, default 168) before it."
    )
    async def revenue_by_automation(
        self, info: strawberry.Info, attribution_hours: int = DEFAULT_ATTRIBUTION_HOURS
    ) -> list[CurrencyAutomationsType]:
        result = await revenue_by_automation(info.context["principal"], self._window, attribution_hours)
        return [CurrencyAutomationsType.from_pydantic(c) for c in result.currencies]


@strawberry.type
class AnalyticsQueries:
    @strawberry.field(
        description="Analytics for [from, to) in local-time buckets of `timezone`; granularity hour, day or week."
    )
    def analytics(
        self,
        from_: Annotated[datetime, strawberry.argument(name="from")],
        to: datetime,
        granularity: str = "day",
        timezone: str = "UTC",
    ) -> Analytics:
        return Analytics(_window=window(from_, to, granularity, timezone))
