"""Webhook endpoints for integrators (docs/webhooks.md): an organization's URLs, the event
types each receives, and the log of what was sent to them. `publish` is how every feature
reports an event; the worker's runner (app/engines/endpoint_deliveries.py) delivers it,
signed like automation webhooks, with their address rules and retries.

`publish` runs on hot paths (every send, every delivery outcome): it knows which
organizations have endpoints from an in-process cache (CACHE_SECONDS; changes made in this
process apply at once), so an organization without endpoints costs no query."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Optional

from cachetools import TTLCache
from pydantic import Field, StrictBool
from tortoise.transactions import in_transaction

from app.core import clock, wakeups
from app.core.errors import ApiError, ErrorCode, invalid
from app.core.ids import new_id, require_id
from app.core.principal import Principal, check_may_change
from app.core.webhook_urls import WebhookUrl
from models import Message, WebhookDelivery, WebhookEndpoint
from models.automations import new_webhook_secret
from schema.contracts import ApiModel, Page, ViewModel, check_page_size, decode_cursor
from schema.idempotency.resolvers import idempotent

CACHE_SECONDS = 10.0
MAX_ENDPOINTS = 20  # per organization
TEST_EVENT = "webhook.test"


class EventType(StrEnum):
    MESSAGE_QUEUED = "message.queued"
    MESSAGE_SENT = "message.sent"
    MESSAGE_DEFERRED = "message.deferred"
    MESSAGE_BOUNCED = "message.bounced"
    MESSAGE_COMPLAINED = "message.complained"
    MESSAGE_FAILED = "message.failed"
    MESSAGE_OPENED = "message.opened"
    MESSAGE_CLICKED = "message.clicked"
    MESSAGE_UNSUBSCRIBED = "message.unsubscribed"
    CONTACT_CREATED = "contact.created"
    CONTACT_UPDATED = "contact.updated"
    CONTACT_UNSUBSCRIBED = "contact.unsubscribed"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    DELIVERED = "delivered"
    FAILED = "failed"


SECRET_HELP = ("Signs every call: `Viperatron-Signature: t=<unix>,v1=<hex HMAC-SHA256 of '<t>.' + body>`. Shown "
               "only to your organization (not to a test key).")


class EndpointCreate(ApiModel):
    url: WebhookUrl = Field(description="An http(s) URL that answers 2xx within 10 s; loopback, private and "
                            "link-local addresses are refused.", examples=["https://example.com/viperatron/webhooks"])
    events: list[EventType] = Field(min_length=1, max_length=len(EventType),
                                    description="The event types to send it.")
    description: str = Field("", max_length=200)


class EndpointUpdate(ApiModel):
    url: Optional[WebhookUrl] = None
    events: Optional[list[EventType]] = Field(None, min_length=1, max_length=len(EventType))
    description: Optional[str] = Field(None, max_length=200)
    enabled: Optional[StrictBool] = None


class EndpointView(ViewModel):
    id: str
    url: str
    description: str
    events: list[EventType]
    enabled: bool
    secret: Optional[str] = Field(description=SECRET_HELP)
    created_at: datetime
    updated_at: datetime


class DeliveryView(ViewModel):
    id: str
    endpoint_id: str
    event_id: str
    event_type: str
    status: DeliveryStatus
    attempts: int
    last_detail: str = Field(description="The receiver's answer (or why it was not called) at the last attempt.")
    payload: dict[str, Any]
    created_at: datetime
    delivered_at: Optional[datetime]


def _view(principal: Principal, endpoint: WebhookEndpoint) -> EndpointView:
    return EndpointView(id=endpoint.id, url=endpoint.url, description=endpoint.description,
                        events=[EventType(e) for e in endpoint.events], enabled=endpoint.enabled,
                        secret=endpoint.secret if principal.may_change(False) else None,
                        created_at=endpoint.created_at, updated_at=endpoint.updated_at)


def _delivery_view(row: WebhookDelivery) -> DeliveryView:
    return DeliveryView(id=row.id, endpoint_id=row.endpoint_id, event_id=row.event_id, event_type=row.event_type,
                        status=DeliveryStatus(row.status), attempts=row.attempts, last_detail=row.last_detail,
                        payload=row.payload, created_at=row.created_at, delivered_at=row.delivered_at)


def message_event(message: Message, status: str, detail: str = "") -> dict[str, Any]:
    """The `data` of a message.* event: what an integrator needs to match it to its send."""
    return {"messageId": message.id, "status": status, "to": list(message.to), "cc": list(message.cc),
            "subject": message.subject, "tags": list(message.tags), "metadata": dict(message.metadata),
            "detail": detail}


# ----------------------------------------------------------------------------- the cache


class _Subscriptions:
    """organization id -> [(endpoint id, event types)] of its enabled endpoints, per process."""

    def __init__(self) -> None:
        self._entries: TTLCache[str, list[tuple[str, frozenset[str]]]] = TTLCache(50_000, CACHE_SECONDS)

    async def of(self, organization_id: str) -> list[tuple[str, frozenset[str]]]:
        found = self._entries.get(organization_id)
        if found is None:
            rows = await WebhookEndpoint.filter(organization_id=organization_id, enabled=True).values("id", "events")
            found = self._entries[organization_id] = [(r["id"], frozenset(r["events"])) for r in rows]
        return found

    async def wants(self, organization_id: str, event_type: EventType | str, *, sandbox: bool = False) -> bool:
        """Whether an event of this type would go anywhere (test mode's never does)."""
        return not sandbox and any(str(event_type) in kinds for _, kinds in await self.of(organization_id))

    def forget(self, organization_id: str) -> None:
        self._entries.pop(organization_id, None)


subscriptions = _Subscriptions()


async def publish(organization_id: str, event_type: EventType | str, data: dict[str, Any], *,
                  sandbox: bool = False, only_endpoint: str | None = None) -> int:
    """Queue the event for each endpoint of the organization subscribed to it; how many. In
    the caller's transaction when it has one. Test-mode events (a test key's) go nowhere: an
    integrator's endpoint sees live traffic only."""
    if sandbox:
        return 0
    kind = str(event_type)
    targets = [eid for eid, kinds in await subscriptions.of(organization_id)
               if (kind in kinds if only_endpoint is None else eid == only_endpoint)]
    if only_endpoint is not None and not targets:  # a test event for a disabled endpoint
        targets = [only_endpoint]
    if not targets:
        return 0
    now = clock.now()
    event_id = new_id("wev")
    payload = {"id": event_id, "type": kind, "createdAt": now.isoformat().replace("+00:00", "Z"), "data": data}
    await WebhookDelivery.bulk_create([
        WebhookDelivery(organization_id=organization_id, endpoint_id=eid, event_id=event_id, event_type=kind,
                        payload=payload, status="pending", due_at=now, created_at=now, updated_at=now)
        for eid in targets
    ])
    wakeups.webhook_deliveries.notify()
    return len(targets)


# ----------------------------------------------------------------------------- API


def _not_found() -> ApiError:
    return ApiError(ErrorCode.NOT_FOUND, "Webhook endpoint not found.")


async def _get(principal: Principal, endpoint_id: str) -> WebhookEndpoint:
    row = await WebhookEndpoint.filter(id=require_id("webhook_endpoint", endpoint_id),
                                       organization_id=principal.organization_id).first()
    if row is None:
        raise _not_found()
    return row


async def create_endpoint(principal: Principal, data: EndpointCreate,
                          idempotency_key: str | None = None) -> EndpointView:
    check_may_change(principal, False, "webhook endpoint")

    async def run() -> tuple[EndpointView, int]:
        if await WebhookEndpoint.filter(organization_id=principal.organization_id).count() >= MAX_ENDPOINTS:
            raise invalid("url", f"An organization has at most {MAX_ENDPOINTS} webhook endpoints.", "too_many")
        row = await WebhookEndpoint.create(organization_id=principal.organization_id, url=data.url,
                                           description=data.description, events=[e.value for e in data.events],
                                           secret=new_webhook_secret())
        subscriptions.forget(principal.organization_id)
        return _view(principal, row), 201

    return (await idempotent(principal, idempotency_key, "webhooks.create", data, run, EndpointView)).result


async def list_endpoints(principal: Principal) -> list[EndpointView]:
    rows = await WebhookEndpoint.filter(organization_id=principal.organization_id).order_by("created_at", "id")
    return [_view(principal, r) for r in rows]


async def get_endpoint(principal: Principal, endpoint_id: str) -> EndpointView:
    return _view(principal, await _get(principal, endpoint_id))


async def update_endpoint(principal: Principal, endpoint_id: str, data: EndpointUpdate,
                          idempotency_key: str | None = None) -> EndpointView:
    async def run() -> tuple[EndpointView, int]:
        row = await _get(principal, endpoint_id)
        check_may_change(principal, False, "webhook endpoint")
        for name in ("url", "description", "enabled"):
            if getattr(data, name) is not None:
                setattr(row, name, getattr(data, name))
        if data.events is not None:
            row.events = [e.value for e in data.events]
        await row.save()
        subscriptions.forget(principal.organization_id)
        return _view(principal, row), 200

    request = {"id": endpoint_id, "body": data.model_dump(mode="json", by_alias=True, exclude_unset=True)}
    return (await idempotent(principal, idempotency_key, "webhooks.update", request, run, EndpointView)).result


async def delete_endpoint(principal: Principal, endpoint_id: str) -> EndpointView:
    """Delete the endpoint and its delivery log; nothing more is sent to it."""
    row = await _get(principal, endpoint_id)
    check_may_change(principal, False, "webhook endpoint")
    view = _view(principal, row)
    await WebhookEndpoint.filter(id=row.id).delete()
    subscriptions.forget(principal.organization_id)
    return view


async def rotate_endpoint_secret(principal: Principal, endpoint_id: str,
                                 idempotency_key: str | None = None) -> EndpointView:
    """A new secret at once; calls still queued are signed with it."""

    async def run() -> tuple[EndpointView, int]:
        row = await _get(principal, endpoint_id)
        check_may_change(principal, False, "webhook endpoint")
        row.secret = new_webhook_secret()
        await row.save(update_fields=["secret", "updated_at"])
        return _view(principal, row), 200

    request = {"id": endpoint_id}
    return (await idempotent(principal, idempotency_key, "webhooks.rotate", request, run, EndpointView)).result


async def send_test_event(principal: Principal, endpoint_id: str) -> DeliveryView:
    """Queue a `webhook.test` event to this endpoint alone (whatever it subscribes to)."""
    row = await _get(principal, endpoint_id)
    check_may_change(principal, False, "webhook endpoint")
    async with in_transaction():
        await publish(principal.organization_id, TEST_EVENT,
                      {"message": "A test event from Viperatron.", "endpointId": row.id}, only_endpoint=row.id)
        delivery = await WebhookDelivery.filter(endpoint_id=row.id).order_by("-created_at", "-id").first()
    return _delivery_view(delivery)


async def get_delivery(principal: Principal, delivery_id: str) -> DeliveryView:
    row = await WebhookDelivery.filter(id=require_id("webhook_delivery", delivery_id),
                                       organization_id=principal.organization_id).first()
    if row is None:
        raise ApiError(ErrorCode.NOT_FOUND, "Webhook delivery not found.")
    return _delivery_view(row)


async def list_deliveries(principal: Principal, endpoint_id: str, limit: int = 50, cursor: str | None = None,
                          *, size_field: str = "first", cursor_field: str = "after") -> Page[DeliveryView]:
    """The endpoint's deliveries, newest first."""
    check_page_size(limit, size_field)
    row = await _get(principal, endpoint_id)
    query = WebhookDelivery.filter(endpoint_id=row.id)
    last_id = decode_cursor(cursor, cursor_field)
    if last_id:
        query = query.filter(id__lt=last_id)
    rows = await query.order_by("-id").limit(limit + 1)
    return Page.of([_delivery_view(r) for r in rows[:limit]], len(rows) > limit)
