"""One-click unsubscribe (RFC 8058): what `POST /u/TOKEN` does once the token checked out
(app/core/unsubscribe.py; the page is app/web/unsubscribe.py).

The address is suppressed in the token's organization (reason `unsubscribed`, naming the
message), and, when the organization has a contact with that address, an `email.unsubscribed`
event is recorded for it through the events resolver, so automations can trigger on it. Both
are idempotent: a second POST changes nothing (the suppression is kept as first made; the event's
`eventId` is `unsubscribe:<message id>`, stored once). No contact is created for an address that
has none (an unsubscribe click is not a sign-up)."""

from __future__ import annotations

from pydantic import ValidationError

from app.core.errors import not_found
from app.core.principal import Principal
from app.core.unsubscribe import UnsubscribeLink
from app.core.validation import email_key
from models import Contact, Organization
from schema.contracts import ApiModel
from schema.events.resolvers import IngestEvent, ingest_event
from schema.suppressions.resolvers import SuppressionReason, suppress
from schema.webhook_endpoints.resolvers import EventType, publish

EVENT_TYPE = "email.unsubscribed"


class Unsubscribed(ApiModel):
    email: str
    event_id: str | None  # the `evt_` ID of the event, when the address is a contact's


def event_id_for(message_id: str) -> str:
    return f"unsubscribe:{message_id}"


async def unsubscribe(link: UnsubscribeLink) -> Unsubscribed:
    """Suppress the link's address in its organization and record the event (idempotently).
    404 when the organization no longer exists."""
    org = link.organization_id
    if not await Organization.filter(id=org).exists():
        raise not_found("Unsubscribe link")
    new = await suppress(org, link.address, SuppressionReason.UNSUBSCRIBED.value,
                         "one-click unsubscribe (List-Unsubscribe)", link.message_id)
    contact = await Contact.filter(organization_id=org, email_key=email_key(link.address)).first()
    if new:  # integrators' endpoints hear of it once
        data = {"messageId": link.message_id, "email": link.address}
        await publish(org, EventType.MESSAGE_UNSUBSCRIBED, data)
        if contact is not None:
            await publish(org, EventType.CONTACT_UNSUBSCRIBED, {**data, "contactId": contact.id})
    if contact is None:
        return Unsubscribed(email=link.address, event_id=None)
    try:
        event = IngestEvent(email=link.address, event_type=EVENT_TYPE, event_id=event_id_for(link.message_id),
                            properties={"messageId": link.message_id, "method": "one-click"})
    except ValidationError:  # an address the events API would not take: the suppression is what counts
        return Unsubscribed(email=link.address, event_id=None)
    result = await ingest_event(Principal.of_recipient(org), event)
    return Unsubscribed(email=link.address, event_id=result.event_id)
