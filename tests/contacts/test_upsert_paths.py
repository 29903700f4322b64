"""A contact upsert answers and stores the same whichever way it is written: one statement on
PostgreSQL, or the ORM in a transaction (SQLite, and here on PostgreSQL by hand)."""

from __future__ import annotations

from app.core.db import dialect
from models import Contact, ContactTag
from schema.contacts import resolvers

STEPS = [
    {"email": "{Local}@Example.com", "firstName": "Jane", "tags": ["vip", "beta", "vip"],
     "customFields": {"plan": "pro", "seats": 5, "gone": None}},
    {"email": "{local}@example.com"},  # nothing given: nothing changes, updatedAt included
    {"email": "{LOCAL}@example.com", "lastName": "Doe", "tags": ["beta", "new"],
     "customFields": {"seats": None, "nested": {"a": 1}}},
]
VOLATILE = ("id", "createdAt", "updatedAt")


async def walk(client, key, email: str) -> list[tuple[int, dict, bool]]:
    answers = []
    previous = None
    for step in STEPS:
        address = step["email"].format(Local=email.capitalize(), local=email, LOCAL=email.upper())
        response = await client.post("/api/v1/contacts", json={**step, "email": address}, headers=key.headers)
        body = response.json()
        moved = previous is not None and body["updatedAt"] != previous
        previous = body["updatedAt"]
        answers.append((response.status_code, {k: v for k, v in body.items() if k not in VOLATILE}, moved))
    contact = await Contact.get(organization_id=key.organization_id, email_key=f"{email.lower()}@example.com")
    tags = await ContactTag.filter(contact_id=contact.id).order_by("id").values_list("tag", flat=True)
    answers.append((0, {"stored": (contact.email, contact.first_name, contact.last_name, contact.custom_fields,
                                   list(tags))}, False))
    return answers


async def test_both_ways_of_writing_an_upsert_agree(client, key, monkeypatch):
    fast = await walk(client, key, "jane")
    if dialect() == "postgres":
        async def through_the_orm(connection, principal, data):
            return await resolvers._upsert_with_the_orm(principal, data)

        monkeypatch.setattr(resolvers, "_upsert_in_one_statement", through_the_orm)
    slow = await walk(client, key, "jim")
    for step in fast + slow:  # the address differs, the rest must not
        for value in step[1].values():
            if isinstance(value, dict) and "email" in value:
                value.pop("email")
        step[1].pop("email", None)
        if "stored" in step[1]:
            step[1]["stored"] = step[1]["stored"][1:]
    assert fast == slow
    assert [s[0] for s in fast[:3]] == [201, 200, 200] and [s[2] for s in fast[:3]] == [False, False, True]
    assert fast[3][1]["stored"] == ("Jane", "Doe", {"plan": "pro", "nested": {"a": 1}}, ["vip", "beta", "new"])
