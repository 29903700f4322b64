"""A send is stored the same whichever way it is written: in one statement (PostgreSQL, no
attachments, nobody listening for message.queued) or through the ORM in a transaction."""

from __future__ import annotations

from app.core.db import dialect
from models import Message, MessageRecipient, MessageTag
from schema.delivery import resolvers
from tests.helpers import send_ok

BODY = {"to": ["Jane Doe <jane@example.com>", "bob@example.com"], "cc": "carol@example.com",
        "bcc": ["dan@example.com"], "replyTo": "help@example.com", "from": "Acme <hello@acme.com>",
        "subject": "Hi {{firstName}}", "html": "<p>Hello</p>", "text": "Hello", "tags": ["a", "b", "a"],
        "metadata": {"order": 7}, "variables": {"firstName": "J"}, "headers": {"X-Campaign": "c1"},
        "tracking": {"opens": True}, "unsubscribe": False}
IGNORED = {"id", "created_at", "updated_at", "due_at"}


async def stored(message_id: str) -> tuple[dict, list, list]:
    message = await Message.get(id=message_id)
    row = {name: getattr(message, name) for name in Message._meta.db_fields if name not in IGNORED}
    recipients = sorted(await MessageRecipient.filter(message_id=message_id).values_list("kind", "email_key"))
    tags = sorted(await MessageTag.filter(message_id=message_id).values_list("tag", flat=True))
    return row, recipients, tags


async def test_both_ways_of_writing_a_send_store_the_same(client, key, monkeypatch):
    fast = await send_ok(client, key, **BODY)
    written_by_orm = []

    async def through_the_orm(connection, row, keys):
        written_by_orm.append(row["id"])
        await resolvers._insert(Message(**row), keys, [], False)

    monkeypatch.setattr(resolvers, "_insert_in_one_statement", through_the_orm)
    slow = await send_ok(client, key, **BODY)
    if dialect() == "postgres":
        assert written_by_orm == [slow]  # the first send took the one-statement path
    assert await stored(fast) == await stored(slow)
    row, recipients, tags = await stored(fast)
    assert recipients == [("bcc", "dan@example.com"), ("cc", "carol@example.com"), ("to", "bob@example.com"),
                          ("to", "jane@example.com")]
    assert tags == ["a", "b"] and row["track_opens"] is True and row["track_clicks"] is None
    assert row["recipient_names"] and row["organization_id"] == key.organization_id
