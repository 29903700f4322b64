"""A send is stored the same whichever way it is written: in one statement (PostgreSQL, no
attachments, nobody listening for message.queued), in one statement with other sends (the
same, outside a transaction), or through the ORM in a transaction."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from tortoise.transactions import in_transaction

from app.core.db import dialect
from app.core.principal import Principal
from models import Message, MessageRecipient, MessageTag
from schema.delivery import resolvers
from schema.webhook_endpoints.resolvers import EventType, subscriptions
from tests.helpers import BACKEND, send_ok

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

    async def through_the_orm(client, row, keys):
        written_by_orm.append(row["id"])
        await resolvers._insert(Message(**row), keys, [], False)

    monkeypatch.setattr(resolvers, "_write_message", through_the_orm)
    slow = await send_ok(client, key, **BODY)
    if dialect() == "postgres":
        assert written_by_orm == [slow]  # the first send took the one-statement path
    assert await stored(fast) == await stored(slow)
    row, recipients, tags = await stored(fast)
    assert recipients == [("bcc", "dan@example.com"), ("cc", "carol@example.com"), ("to", "bob@example.com"),
                          ("to", "jane@example.com")]
    assert tags == ["a", "b"] and row["track_opens"] is True and row["track_clicks"] is None
    assert row["recipient_names"] and row["organization_id"] == key.organization_id


def _caller(key) -> Principal:
    return Principal(key.id, key.organization_id, "t", "", "", "live", 10**6, 10**6)


def _group_sizes(monkeypatch, batcher) -> list[int]:
    """The sizes of the groups `batcher` goes on to write together, as they are written."""
    sizes: list[int] = []
    write_many = batcher.write_many

    async def counted(items):
        sizes.append(len(items))
        return await write_many(items)

    monkeypatch.setattr(batcher, "write_many", counted)
    return sizes


async def _organizations(make_key, count: int) -> list:
    """Keys of `count` new organizations whose webhook subscriptions are read (and cached)
    already, so that their sends reach the groups in the same turn of the event loop."""
    keys = [await make_key() for _ in range(count)]
    for key in keys:
        await subscriptions.wants(key.organization_id, EventType.MESSAGE_QUEUED, sandbox=False)
    return keys


@pytest.mark.skipif(BACKEND != "postgres", reason="sends are written together on PostgreSQL only")
async def test_sends_written_together_store_what_each_would_alone(client, make_key, monkeypatch):
    groups = _group_sizes(monkeypatch, resolvers._message_writes)
    keys = await _organizations(make_key, 5)
    data = resolvers.SendEmail.model_validate(BODY)
    results = await asyncio.gather(*(resolvers.queue_email(_caller(k), data) for k in keys))
    assert groups == [5]
    alone = await send_ok(client, keys[0], **BODY)
    expected = await stored(alone)
    for key, result in zip(keys, results):
        row, recipients, tags = await stored(result.message_id)
        assert (row | {"organization_id": "", "api_key_id": ""}, recipients, tags) == (
            expected[0] | {"organization_id": "", "api_key_id": ""}, expected[1], expected[2])
        assert row["organization_id"] == key.organization_id and row["api_key_id"] == key.id


@pytest.mark.skipif(BACKEND != "postgres", reason="sends are written together on PostgreSQL only")
async def test_a_send_that_cannot_be_stored_fails_alone_when_written_together(make_key, monkeypatch):
    tried = _group_sizes(monkeypatch, resolvers._message_writes)
    keys = await _organizations(make_key, 3)
    data = resolvers.SendEmail.model_validate(BODY)
    outcomes = await asyncio.gather(*(
        resolvers.queue_email(_caller(k), data, automation_id="auto_missing" if i == 1 else None)  # no such automation
        for i, k in enumerate(keys)), return_exceptions=True)
    assert tried == [3]  # written together first, then each alone
    assert isinstance(outcomes[1], asyncpg.ForeignKeyViolationError)
    for key, outcome in zip((keys[0], keys[2]), (outcomes[0], outcomes[2])):
        assert (await Message.get(id=outcome.message_id)).organization_id == key.organization_id
    assert await Message.filter(organization_id=keys[1].organization_id).count() == 0


@pytest.mark.skipif(BACKEND != "postgres", reason="contacts are read together on PostgreSQL only")
async def test_templates_read_together_each_get_their_own_organizations_contact(client, make_key, monkeypatch):
    groups = _group_sizes(monkeypatch, resolvers._contact_reads)
    keys = await _organizations(make_key, 4)
    for i, key in enumerate(keys[:3]):  # the same address in three organizations, a fourth without it
        response = await client.post("/api/v1/contacts", headers=key.headers,
                                     json={"email": "Jane@Example.com", "firstName": f"Jane{i}", "customFields": {"n": i}})
        assert response.status_code in (200, 201)
    data = resolvers.SendEmail.model_validate(
        {"to": "jane@example.com", "from": "hello@acme.com", "subject": "Hi {{firstName}} {{n}}", "text": "x"})
    results = await asyncio.gather(*(resolvers.queue_email(_caller(k), data) for k in keys))
    assert groups == [4]
    subjects = [(await Message.get(id=r.message_id)).subject for r in results]
    assert subjects == ["Hi Jane0 0", "Hi Jane1 1", "Hi Jane2 2", "Hi  "]


class _RolledBack(Exception):
    pass


async def test_a_send_inside_a_transaction_is_written_in_it(make_key, monkeypatch):
    """Not grouped with other sends: it reads and writes on the transaction's connection, and a
    rollback takes it back."""
    grouped = []

    async def refuse(item):
        grouped.append(item)
        raise AssertionError("a send in a transaction went to a group")

    for batcher in (resolvers._contact_reads, resolvers._message_writes):
        monkeypatch.setattr(batcher, "submit", refuse)
    key = await make_key()
    data = resolvers.SendEmail.model_validate({**BODY, "to": "jane@example.com"})
    queued = []
    with pytest.raises(_RolledBack):
        async with in_transaction():
            queued.append(await resolvers.queue_email(_caller(key), data))
            assert await Message.filter(id=queued[0].message_id).exists()  # visible inside
            raise _RolledBack
    assert not await Message.filter(organization_id=key.organization_id).exists()
    assert grouped == []
