"""Open and click tracking (docs/tracking.md): the organization's defaults, what a send asks
for, and the opens and clicks recorded when the pixel is fetched or a tracked link followed.

Recording is bounded: the token is checked before anything touches the database, and one
message keeps at most MAX_RECORDED engagements in detail (its counters go on counting)."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Optional

from pydantic import Field
from tortoise.expressions import F

from app.core import clock
from app.core.errors import ApiError, ErrorCode
from app.core.principal import Principal, check_may_change
from app.core.settings import Settings
from app.core.signing import open_token
from models import Message, MessageEngagement, Organization
from schema.contracts import ApiModel, ViewModel
from schema.webhook_endpoints.resolvers import publish

OPEN_PURPOSE = "track-open"
CLICK_PURPOSE = "track-click"
MAX_RECORDED = 50
MAX_AGENT = 200


class AgentClass(StrEnum):
    HUMAN = "human"  # a mail client, as far as its User-Agent tells
    PROXY = "proxy"  # an image proxy fetching for a person (Gmail, Yahoo): a real open
    MACHINE = "machine"  # no person: Apple Mail Privacy Protection, link scanners, bots


# Image proxies that fetch when a person opens (Gmail and Yahoo cache per message).
_PROXIES = re.compile(r"GoogleImageProxy|YahooMailProxy|ggpht\.com", re.IGNORECASE)
# Fetches no person asked for: security scanners, link checkers and bots.
_MACHINES = re.compile(
    r"bot\b|crawler|spider|preview|scanner|Barracuda|Proofpoint|Mimecast|SafeLinks|python-requests|curl/|wget|"
    r"Go-http-client|HeadlessChrome|facebookexternalhit|Slackbot|Microsoft Office/|ms-office",
    re.IGNORECASE,
)
# Apple Mail Privacy Protection loads every image of every message through Apple's proxies,
# presenting a bare "Mozilla/5.0" as its User-Agent: an open no person made (yet).
_APPLE_MPP = re.compile(r"^Mozilla/5\.0$")


def agent_class(user_agent: str) -> AgentClass:
    agent = user_agent.strip()
    if not agent or _APPLE_MPP.match(agent) or _MACHINES.search(agent):
        return AgentClass.MACHINE
    if _PROXIES.search(agent):
        return AgentClass.PROXY
    return AgentClass.HUMAN


class TrackingChoice(ApiModel):
    """What a send asks for; a field left out follows the organization's default."""

    opens: Optional[bool] = Field(None, description="Add a 1×1 image that reports opens.")
    clicks: Optional[bool] = Field(None, description="Route http(s) links through a redirect that reports clicks.")


class TrackingSettings(ApiModel):
    opens: bool = Field(description="Track opens of messages that do not say.")
    clicks: bool = Field(description="Track clicks of messages that do not say.")


class TrackingUpdate(ApiModel):
    opens: Optional[bool] = None
    clicks: Optional[bool] = None


class Engagement(ViewModel):
    opens: int
    clicks: int
    first_opened_at: Optional[datetime]
    first_clicked_at: Optional[datetime]


async def get_tracking_settings(principal: Principal) -> TrackingSettings:
    org = await Organization.get(id=principal.organization_id)
    return TrackingSettings(opens=org.track_opens, clicks=org.track_clicks)


async def update_tracking_settings(principal: Principal, data: TrackingUpdate) -> TrackingSettings:
    check_may_change(principal, False, "organization's settings")
    changes = {f"track_{name}": value for name, value in (("opens", data.opens), ("clicks", data.clicks))
               if value is not None}
    if changes:
        await Organization.filter(id=principal.organization_id).update(**changes)
    return await get_tracking_settings(principal)


async def organization_defaults(organization_id: str) -> tuple[bool, bool]:
    """The organization's (opens, clicks) defaults, for the worker (which caches them)."""
    row = await Organization.filter(id=organization_id).values("track_opens", "track_clicks")
    return (row[0]["track_opens"], row[0]["track_clicks"]) if row else (False, False)


def _not_found() -> ApiError:
    return ApiError(ErrorCode.NOT_FOUND, "This link is not valid.")


async def _record(message_id: str, kind: str, user_agent: str, url: str | None = None) -> None:
    now = clock.now()
    counter, first = ("opens", "first_opened_at") if kind == "opened" else ("clicks", "first_clicked_at")
    message = await Message.filter(id=message_id).only("id", "organization_id", "opens", "clicks").first()
    if message is None:  # erased since it was sent
        return
    await Message.filter(id=message_id).update(**{counter: F(counter) + 1})
    await Message.filter(id=message_id, **{f"{first}__isnull": True}).update(**{first: now})
    who = agent_class(user_agent).value
    data = {"messageId": message_id, "url": url, "agentClass": who, "userAgent": user_agent[:MAX_AGENT]}
    await publish(message.organization_id, f"message.{kind}", {k: v for k, v in data.items() if v is not None})
    if message.opens + message.clicks >= MAX_RECORDED:
        return
    await MessageEngagement.create(
        organization_id=message.organization_id, message_id=message_id, kind=kind, url=url,
        agent_class=who, agent=user_agent[:MAX_AGENT], at=now,
    )


async def record_open(settings: Settings, token: str, user_agent: str) -> None:
    """The pixel was fetched. An invalid token records nothing (and is not an error: the image
    is served anyway, so a broken link shows no broken image)."""
    payload = open_token(settings.secret_key or "", OPEN_PURPOSE, token)
    if payload is None:
        return
    await _record(payload.decode("utf-8", "replace"), "opened", user_agent)


async def record_click(settings: Settings, token: str, user_agent: str) -> str:
    """A tracked link was followed: the URL signed into the token (never anything else)."""
    payload = open_token(settings.secret_key or "", CLICK_PURPOSE, token)
    if payload is None or b"\n" not in payload:
        raise _not_found()
    message_id, _, url = payload.decode("utf-8", "replace").partition("\n")
    await _record(message_id, "clicked", user_agent, url)
    return url
