"""The bulk upsert (`upsert_contacts`) on PostgreSQL takes one of two statement shapes: contacts
and tags in one statement (a batch with no keys to remove: every CSV batch), or the upsert
RETURNING rows, then the removals and the tags (a batch with NDJSON `null`s). Both must store
and count the same; a removal of a key nobody has changes nothing but the shape taken. On
SQLite both runs take the one SQLite path."""

from __future__ import annotations

import uuid

import pytest

from app.core.validation import email_key
from models import Contact, ContactTag
from schema.contacts.writes import ContactRow, upsert_contacts


def _rows(tag: str, absent_key: bool) -> list[ContactRow]:
    rows = []
    for i in range(12):
        email = f"Person{i}@Example.com"
        rows.append(ContactRow(
            email=email, email_key=email_key(email),
            first_name=f"First{i}" if i % 2 else None, last_name="Last" if i % 3 == 0 else None,
            tags=[t for t in (["vip", "beta"] if i % 4 == 0 else ["beta"] if i % 4 == 1 else [])],
            set_fields={"plan": "pro", "n": i} if i % 2 == 0 else {},
        ))
    rows.append(ContactRow(email="person3@example.com", email_key="person3@example.com", tags=["late"]))  # last wins
    if absent_key:
        rows[5].remove_keys = [f"absent-{tag}"]
    return rows


async def _org_with_contacts(make_key) -> str:
    org = (await make_key()).organization_id
    for i in range(0, 12, 3):  # some contacts exist, with fields, names and a tag
        email = f"person{i}@example.com"
        contact = await Contact.create(
            organization_id=org, email=email.upper() if i % 2 else email, email_key=email,
            first_name="Old", custom_fields={"plan": "free", "keep": i},
        )
        await ContactTag.create(contact_id=contact.id, organization_id=org, tag="old")
    return org


async def _stored(org: str) -> list[tuple]:
    out = []
    for contact in await Contact.filter(organization_id=org).order_by("email_key"):
        tags = await ContactTag.filter(contact_id=contact.id).order_by("id").values_list("tag", flat=True)
        out.append((contact.email, contact.first_name, contact.last_name, contact.custom_fields, list(tags)))
    return out


@pytest.mark.parametrize("update_existing", [True, False])
async def test_both_statement_shapes_store_the_same(make_key, update_existing):
    results = []
    for absent_key in (False, True):
        org = await _org_with_contacts(make_key)
        counts = await upsert_contacts(
            org, _rows(uuid.uuid4().hex[:6], absent_key), update_existing=update_existing,
            extra_tags=("imported", "beta"),
        )
        results.append(((counts.created, counts.updated, counts.skipped), await _stored(org)))
    assert results[0] == results[1]
    (created, updated, skipped), stored = results[0]
    assert (created, updated, skipped) == ((8, 4, 1) if update_existing else (8, 0, 5))
    assert len(stored) == 12
    person0 = stored[0]
    if update_existing:
        assert person0 == ("person0@example.com", "Old", "Last", {"plan": "pro", "n": 0, "keep": 0},
                           ["old", "vip", "beta", "imported"])
    else:
        assert person0 == ("person0@example.com", "Old", None, {"plan": "free", "keep": 0}, ["old"])
