"""GraphQL types and fields of analytics: each a few lines calling schema/analytics/resolvers.py."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from models.delivery import MessageStatus
from schema.analytics.resolvers import (
    DEFAULT_ATTRIBUTION_HOURS,
    AutomationRevenue,
    ContactAnalytics,
    ContactBucket,
    ContactRevenue,
    CurrencyAutomations,
    CurrencyRevenue,
    CurrencyValue,
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
from schema.graphql_common import DecimalString, as_in, graphql_enum

graphql_enum(MessageStatus, "MessageStatus", "A message's status, in the order of its life.")


# The views the resolvers return, as GraphQL types.
@strawberry.pydantic.type(name="StatusCount")
class StatusCountType(StatusCount):
    pass


@strawberry.pydantic.type(name="MessageBucket")
class MessageBucketType(MessageBucket):
    statuses: list[StatusCountType]


@strawberry.pydantic.type(name="MessageAnalytics")
class MessageAnalyticsType(MessageAnalytics):
    buckets: list[MessageBucketType]
    statuses: list[StatusCountType]


@strawberry.pydantic.type(name="CurrencyValue")
class CurrencyValueType(CurrencyValue):
    sum: DecimalString = as_in(CurrencyValue, "sum")
    average: DecimalString = as_in(CurrencyValue, "average")


@strawberry.pydantic.type(name="EventTypeFigures")
class EventTypeFiguresType(EventTypeFigures):
    values: list[CurrencyValueType]


@strawberry.pydantic.type(name="EventBucket")
class EventBucketType(EventBucket):
    types: list[EventTypeFiguresType]


@strawberry.pydantic.type(name="EventAnalytics")
class EventAnalyticsType(EventAnalytics):
    buckets: list[EventBucketType]
    totals: list[EventTypeFiguresType]


@strawberry.pydantic.type(name="ContactBucket")
class ContactBucketType(ContactBucket):
    pass


@strawberry.pydantic.type(name="TagCount")
class TagCountType(TagCount):
    pass


@strawberry.pydantic.type(name="ContactAnalytics")
class ContactAnalyticsType(ContactAnalytics):
    buckets: list[ContactBucketType]
    tags: list[TagCountType]


@strawberry.pydantic.type(name="ContactRevenue")
class ContactRevenueType(ContactRevenue):
    contact_id: strawberry.ID = as_in(ContactRevenue, "contact_id")
    total: DecimalString = as_in(ContactRevenue, "total")


@strawberry.pydantic.type(name="CurrencyRevenue")
class CurrencyRevenueType(CurrencyRevenue):
    contacts: list[ContactRevenueType]


@strawberry.pydantic.type(name="AutomationRevenue")
class AutomationRevenueType(AutomationRevenue):
    automation_id: strawberry.ID = as_in(AutomationRevenue, "automation_id")
    total: DecimalString = as_in(AutomationRevenue, "total")


@strawberry.pydantic.type(name="CurrencyAutomations")
class CurrencyAutomationsType(CurrencyAutomations):
    automations: list[AutomationRevenueType]


@strawberry.type(description="Aggregates for one window; each field runs its own query.")
class Analytics:
    _window: strawberry.Private[Window]

    @strawberry.field
    async def messages(self, info: strawberry.Info) -> MessageAnalyticsType:
        return await message_analytics(info.context["principal"], self._window)

    @strawberry.field
    async def events(self, info: strawberry.Info) -> EventAnalyticsType:
        return await event_analytics(info.context["principal"], self._window)

    @strawberry.field
    async def contacts(self, info: strawberry.Info) -> ContactAnalyticsType:
        return await contact_analytics(info.context["principal"], self._window)

    @strawberry.field(description="Per currency, the top contacts by summed event value (limit 1-100).")
    async def top_contacts(self, info: strawberry.Info, limit: int = 10) -> list[CurrencyRevenueType]:
        result = await top_contacts(info.context["principal"], self._window, limit)
        return result.currencies

    @strawberry.field(
        description="Per currency, the automations the window's valued events are attributed to: each event to "
        "the automation whose message to its contact was sent last, at or before it and at most "
        "`attributionHours` (1-2160, default 168) before it."
    )
    async def revenue_by_automation(
        self, info: strawberry.Info, attribution_hours: int = DEFAULT_ATTRIBUTION_HOURS
    ) -> list[CurrencyAutomationsType]:
        result = await revenue_by_automation(info.context["principal"], self._window, attribution_hours)
        return result.currencies


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
