"""Erasure (`DELETE /api/v1/contacts/{id}`): remove a person, keep anonymous counts.

Removed: the contact and its tags; the content and addresses of every message to, cc or
bcc that address (subject, bodies, variables, metadata, headers, attachments, SMTP replies
and timeline details, which can quote the address); the properties of its events and
their link to the contact; stored idempotent responses that contain the address.
Kept, anonymous: message rows with status, tags and times, and events with type, value,
currency and time, so delivery and revenue figures stay right. No event is deleted, so the
event rollups analytics read (counts and sums per type, currency and time slot, with no contact
in them) need no change. `suppress=true` also puts the address on the suppression list, so it
is never mailed again.
"""

from __future__ import annotations

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from app.core.errors import not_found
from app.core.ids import require_id
from app.core.principal import Principal
from models import (
    Contact,
    Event,
    Message,
    MessageAttachment,
    MessageEvent,
    MessageRecipient,
)
from schema.contracts import ApiModel
from schema.idempotency.resolvers import idempotent
from schema.suppressions.resolvers import suppress as add_suppression

ERASED = "[erased]"


class ErasureResult(ApiModel):
    id: str
    deleted: bool
    messages_redacted: int
    events_anonymized: int
    suppressed: bool


async def erase_contact(
    principal: Principal, contact_id: str, suppress: bool = False, idempotency_key: str | None = None
) -> ErasureResult:
    async def run() -> tuple[ErasureResult, int]:
        return await _erase_contact(principal, contact_id, suppress), 200

    request = {"id": contact_id, "suppress": suppress}
    return (await idempotent(principal, idempotency_key, "contacts.erase", request, run, ErasureResult)).result


async def _erase_contact(principal: Principal, contact_id: str, suppress: bool) -> ErasureResult:
    require_id("contact", contact_id)
    org = principal.organization_id
    async with in_transaction() as conn:
        contact = await Contact.filter(id=contact_id, organization_id=org).using_db(conn).first()
        if contact is None:
            raise not_found("Contact")
        key = contact.email_key
        message_ids = list(
            await MessageRecipient.filter(organization_id=org, email_key=key)
            .using_db(conn)
            .distinct()
            .values_list("message_id", flat=True)
        )
        if message_ids:
            await _lock_in_id_order(conn, message_ids)
            await Message.filter(id__in=message_ids).using_db(conn).update(
                to=[ERASED], cc=[], bcc=[], reply_to=[], recipient_names={}, subject=ERASED, html=None, text=None,
                variables={}, metadata={}, headers={}, last_reply=None, attachment_count=0,
            )
            await MessageAttachment.filter(message_id__in=message_ids).using_db(conn).delete()
            await MessageEvent.filter(message_id__in=message_ids).using_db(conn).update(detail="")
            await MessageRecipient.filter(message_id__in=message_ids).using_db(conn).delete()
        events = await Event.filter(organization_id=org, contact_id=contact.id).using_db(conn).update(
            properties={}, contact_id=None
        )
        await _forget_idempotent_responses(conn, org, contact.email)
        await contact.delete(using_db=conn)
    if suppress:

        await add_suppression(org, contact.email, "manual", "erased on request")
    return ErasureResult(
        id=contact_id, deleted=True, messages_redacted=len(message_ids), events_anonymized=events, suppressed=suppress
    )


async def _lock_in_id_order(conn, message_ids: list[str]) -> None:
    """Lock the messages in id order before writing them, as the delivery worker's exchange
    does when it records outcomes (app/engines/delivery_queue.py): two writers that lock rows in
    one order may wait for each other but never in a cycle, which PostgreSQL would break by
    failing one of them. The update alone would lock them in the order its plan reads them
    (a bitmap scan: where they lie in the table). SQLite has one writer at a time."""
    if conn.capabilities.dialect == "postgres":
        # The lock the update takes anyway (it changes no key): inserts that refer to these
        # messages (timeline events, opens) are not held up by it.
        await conn.execute_query(
            "SELECT id FROM messages WHERE id = ANY($1::text[]) ORDER BY id FOR NO KEY UPDATE", [message_ids])


async def _forget_idempotent_responses(conn, organization_id: str, email: str) -> None:
    """A replayed upsert would return the erased contact: drop stored responses naming it."""
    dialect = Tortoise.get_connection("default").capabilities.dialect
    mark = "$1" if dialect == "postgres" else "?"
    mark2 = "$2" if dialect == "postgres" else "?"
    await conn.execute_query(
        "DELETE FROM idempotency_records WHERE organization_id = "
        f"{mark} AND LOWER(CAST(response AS TEXT)) LIKE {mark2} ESCAPE '!'",
        [organization_id, "%" + email.lower().replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%"],
    )
