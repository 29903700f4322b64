"""Contacts export (GET /api/v1/contacts/export): CSV and NDJSON, with filters, records equal
to the API's view, formulas neutralized in CSV and the export importing back to the same values."""

from __future__ import annotations

import csv
import io
import json

from models import Contact
from tests.helpers import CSV, create_contact, import_and_run, upsert_ok


async def test_export_streams_csv_and_ndjson_with_filters(client, key):
    for i in range(1205):  # more than one batch
        await create_contact(key, f"u{i}@example.com", custom_fields={"n": i} if i % 2 else {"plan": "pro, \"team\"\nplus"})
    await upsert_ok(client, key, email="tagged@example.com", firstName="Tä", tags=["x", "y"], customFields={"plan": "pro"})
    response = await client.get("/api/v1/contacts/export", headers=key.headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="contacts.csv"'
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 1206
    assert list(rows[0]) == ["id", "email", "firstName", "lastName", "tags", "createdAt", "updatedAt", "n", "plan"]
    by_email = {r["email"]: r for r in rows}
    assert by_email["u0@example.com"]["plan"] == 'pro, "team"\nplus' and by_email["u0@example.com"]["n"] == ""
    assert by_email["u1@example.com"]["n"] == "1"  # non-string values as JSON
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    tagged = next(r for r in rows if r["email"] == "tagged@example.com")
    assert (tagged["tags"], tagged["firstName"], tagged["plan"]) == ("x;y", "Tä", "pro")
    response = await client.get("/api/v1/contacts/export", params={"format": "ndjson", "tag": "x"}, headers=key.headers)
    assert response.headers["content-type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert [line["email"] for line in lines] == ["tagged@example.com"] and lines[0]["customFields"] == {"plan": "pro"}
    bad = await client.get("/api/v1/contacts/export", params={"format": "xml"}, headers=key.headers)
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "format"


async def test_export_records_match_the_api_view(client, key):
    await upsert_ok(client, key, email="same@example.com", firstName="Sá", tags=["b", "a"], customFields={"n": 1.5, "x": [1]})
    [viewed] = (await client.get("/api/v1/contacts", headers=key.headers)).json()["data"]
    exported = await client.get("/api/v1/contacts/export", params={"format": "ndjson"}, headers=key.headers)
    assert [json.loads(line) for line in exported.text.splitlines()] == [viewed]


TRICKY = ["=1+1", "-5", "+1", "@x", "\t=x", "'=x", "''@x", "plain'", "'plain", "a=b"]


async def stored_values(key) -> dict[str, tuple]:
    contacts = await Contact.filter(organization_id=key.organization_id).prefetch_related("tags")
    return {c.email: (c.first_name, c.last_name, c.custom_fields["note"], [t.tag for t in c.tags]) for c in contacts}


async def test_csv_export_neutralizes_formulas_and_imports_back_to_the_same_values(client, key, settings):
    for i, value in enumerate(TRICKY):
        await upsert_ok(client, key, email=f"t{i}@example.com", firstName=value, lastName="L" + value, tags=[value.strip()],
                        customFields={"note": value})
    await upsert_ok(client, key, email="formula-name@example.com", firstName="F", lastName="L", tags=["f"],
                    customFields={"note": "n", "=HYPERLINK(1)": "x"})
    before = await stored_values(key)
    assert before["t4@example.com"][2] == "\t=x"  # custom fields are stored as sent
    exported = await client.get("/api/v1/contacts/export", headers=key.headers)
    assert exported.status_code == 200
    rows = {r["email"]: r for r in csv.DictReader(io.StringIO(exported.text))}
    assert list(rows["formula-name@example.com"])[-2:] == ["'=HYPERLINK(1)", "note"]
    for email, (first, last, note, [tag]) in before.items():
        row = rows[email]
        for value, cell in ((first, row["firstName"]), (last, row["lastName"]), (note, row["note"]), (tag, row["tags"])):
            formula = value.lstrip("'")[:1] in ("=", "+", "-", "@", "\t", "\r")
            assert cell == ("'" + value if formula else value), (value, cell)
    assert rows["t0@example.com"]["note"] == "'=1+1" and rows["t5@example.com"]["note"] == "''=x"
    assert rows["t7@example.com"]["note"] == "plain'" and rows["t8@example.com"]["note"] == "'plain"

    await Contact.filter(organization_id=key.organization_id).delete()
    job = await import_and_run(client, key, settings, exported.content, CSV)
    assert (job["status"], job["created"], job["failed"]) == ("completed", len(TRICKY) + 1, 0), job
    assert await stored_values(key) == before
    formula_name = await Contact.get(organization_id=key.organization_id, email_key="formula-name@example.com")
    assert (formula_name.custom_fields["note"], formula_name.custom_fields["=HYPERLINK(1)"]) == ("n", "x")
