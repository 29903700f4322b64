"""Custom-field merge: one Python reference (`merge_custom_fields`), every write path checked
against it on the same rows. The bulk path (`upsert_contacts`: set-based SQL on PostgreSQL, a
read-merge-write in Python on SQLite) runs on this process's backend, so CI covers both; so
does the single upsert (`POST /api/v1/contacts`)."""

from __future__ import annotations

import uuid

import pytest
from tortoise.transactions import in_transaction

from app.core.validation import email_key
from models import Contact
from schema.contacts.resolvers import merge_custom_fields
from schema.contacts.writes import ContactRow, find_or_create_contact, upsert_contacts

MANY_CURRENT = {f"k{i:03}": i for i in range(150)}
MANY_GIVEN = {
    **{f"k{i:03}": f"v{i}" for i in range(0, 150, 3)},  # overwrite every third
    **{f"k{i:03}": None for i in range(1, 150, 5)},  # remove some (one overlaps nothing given)
    **{f"n{i:03}": [i, str(i)] for i in range(60)},  # and add new ones
}

# (name, current custom fields or None when the contact does not exist yet, given fields)
CASES = [
    ("absent current", None, {"plan": "pro", "seats": 3}),
    ("absent current, null given", None, {"plan": "pro", "gone": None}),
    ("absent current, nothing given", None, {}),
    ("empty current", {}, {"plan": "pro"}),
    ("empty current, null given", {}, {"plan": None}),
    ("empty given", {"plan": "pro", "seats": 3}, {}),
    ("overwrite", {"plan": "free", "seats": 1}, {"plan": "pro"}),
    ("null removes", {"plan": "free", "seats": 1}, {"seats": None}),
    ("null of an absent key", {"plan": "free"}, {"never": None}),
    ("every key removed", {"a": 1, "b": 2}, {"a": None, "b": None}),
    ("key not given stays", {"keep": "me", "x": 1}, {"x": 2}),
    ("nested object replaced whole", {"address": {"city": "Oslo", "zip": "0150"}}, {"address": {"city": "Bergen"}}),
    ("null inside a nested object is a value", {"o": {"a": 1}}, {"o": {"a": None, "b": [None]}}),
    ("value changes type", {"a": "text", "b": {"x": 1}, "c": [1]}, {"a": {"now": "object"}, "b": [1, 2], "c": "s"}),
    ("unicode keys", {"ключ": "старое", "名前": "古い"}, {"名前": "新しい", "😀 emoji": "ok", "clé": None, "ключ": None}),
    ("odd keys", {"a.b": 1, "a": {"b": 2}}, {"a.b": 3, " spaced key ": "x", "quote'\"": "y", "": "empty key"}),
    ("numbers", {"n": 1}, {"n": 0, "neg": -42, "big": 2**53 + 1, "huge": 10**30, "f": 1.5, "small": -0.25, "tiny": 1e-7}),
    ("booleans", {"t": False, "f": True}, {"t": True, "f": False, "new": False}),
    ("lists", {"l": [1, 2]}, {"l": [3], "mixed": [1, "a", None, {"x": [True]}], "empty": []}),
    ("strings", {"s": "old"}, {"s": "", "sp": " ", "nl": "a\nb", "q": "'=1+1", "esc": "back\\slash \"q\""}),
    ("empty containers", {"o": {"a": 1}, "l": [1]}, {"o": {}, "l": []}),
    ("many keys", MANY_CURRENT, MANY_GIVEN),
]


def _row(email: str, given: dict) -> ContactRow:
    """`given` as the import passes it to the bulk path: null values are keys to remove."""
    return ContactRow(
        email=email,
        email_key=email_key(email),
        set_fields={k: v for k, v in given.items() if v is not None},
        remove_keys=[k for k, v in given.items() if v is None],
    )


async def _stored(organization_id: str, email: str) -> dict:
    contact = await Contact.get(organization_id=organization_id, email_key=email_key(email))
    return contact.custom_fields


def _email(index: int) -> str:
    return f"merge{index}-{uuid.uuid4().hex[:6]}@example.com"


async def test_the_bulk_path_merges_like_the_reference(make_key):
    key = await make_key()
    org = key.organization_id
    emails = [_email(i) for i in range(len(CASES))]
    for email, (_, current, _) in zip(emails, CASES):
        if current is not None:
            await Contact.create(organization_id=org, email=email, email_key=email_key(email), custom_fields=current)
    counts = await upsert_contacts(org, [_row(email, given) for email, (_, _, given) in zip(emails, CASES)])
    absent = sum(1 for _, current, _ in CASES if current is None)
    assert (counts.created, counts.updated, counts.skipped) == (absent, len(CASES) - absent, 0)
    for email, (name, current, given) in zip(emails, CASES):
        assert await _stored(org, email) == merge_custom_fields(current, given), name


async def test_the_bulk_path_merges_like_the_reference_one_row_at_a_time(make_key):
    """A batch of one (the other test's batch mixes inserts and updates)."""
    key = await make_key()
    org = key.organization_id
    for index, (name, current, given) in enumerate(CASES):
        email = _email(index)
        if current is not None:
            await Contact.create(organization_id=org, email=email, email_key=email_key(email), custom_fields=current)
        async with in_transaction() as conn:
            await upsert_contacts(org, [_row(email, given)], connection=conn)
        assert await _stored(org, email) == merge_custom_fields(current, given), name


@pytest.mark.parametrize("name, current, given", CASES, ids=[c[0] for c in CASES])
async def test_the_single_upsert_merges_like_the_reference(client, make_key, name, current, given):
    key = await make_key()
    email = _email(0)
    if current is not None:
        await Contact.create(
            organization_id=key.organization_id, email=email, email_key=email_key(email), custom_fields=current
        )
    response = await client.post("/api/v1/contacts", json={"email": email, "customFields": given}, headers=key.headers)
    assert response.status_code == (201 if current is None else 200), response.text
    expected = merge_custom_fields(current, given)
    assert response.json()["customFields"] == expected
    assert await _stored(key.organization_id, email) == expected


async def test_find_or_create_contact_finds_then_creates_once(make_key):
    key = await make_key()
    org = key.organization_id
    async with in_transaction() as conn:
        first_id, created = await find_or_create_contact(conn, org, "Mixed.Case@Example.com")
    assert created is True
    async with in_transaction() as conn:
        again_id, created_again = await find_or_create_contact(conn, org, "mixed.case@example.com")
    assert (again_id, created_again) == (first_id, False)
    contact = await Contact.get(id=first_id)
    assert (contact.email, contact.email_key, contact.custom_fields) == (
        "Mixed.Case@Example.com", "mixed.case@example.com", {}
    )
