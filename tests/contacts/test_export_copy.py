"""The PostgreSQL export by COPY (schema/contacts/export_copy.py) gives the Python path's bytes:
hostile cells, every filter, pages of COPY and rows left to Python; and it streams."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from models import Contact
from schema.contacts import export_copy
from schema.contacts.export import export_contacts
from schema.contacts.filters import ContactFilters
from tests.helpers import BACKEND, create_contact

pytestmark = pytest.mark.skipif(BACKEND != "postgres", reason="COPY is PostgreSQL's")

HOSTILE = [
    "plain", "", "a,b", 'say "hi"', '"', "line\nbreak", "cr\rhere", "crlf\r\nend", "tab\there", "back\\slash",
    "\\n not a newline", "ends with \\", "\\\\", "\\\t\\", "ctl\x01\x08\x0b\x0c\x1f\x7f", "é ünï 日本 🙂 \u202e",
    "=1+1", "+1", "-5", "@x", "\t=x", "\r=x", "'=x", "''@x", "'plain", "plain'", "a=b", " =lead", ";", "x;y",
    '\\"', "{\"json\": 1}", "null", "\x01starts", "ct_fake,id",
]
NUMBERS = [0, -1, 5, 1.5, 0.1 + 0.2, 123.0, -0.0, 1e16, 1e15 + 0.5, 2**70, 0.0001, True, False, None,
           [1, "a,b", [None]], {"b": 1, "a": {"c": "q\"\n"}}]
PYTHON_ONLY = [1e-7, -2.5e-5, [1, [3e-9]], {"deep": {"x": 1e-300}}]
FIELD_NAMES = ["note", "n", "a,b", 'q"', "line\nname", "=HYPERLINK(1)", "id", "first_name", "ü", "back\\"]


async def both(organization_id: str, format: str, filters: ContactFilters | None = None) -> tuple[bytes, bytes]:
    principal = SimpleNamespace(organization_id=organization_id)
    out = []
    for copy in (True, False):
        stream = await export_contacts(principal, format, filters or ContactFilters(), copy=copy)
        out.append(b"".join([chunk async for chunk in stream]))
    return out[0], out[1]


async def hostile_contacts(key) -> None:
    base = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    values = HOSTILE + NUMBERS + PYTHON_ONLY
    for i, value in enumerate(values):
        text = value if isinstance(value, str) else None
        custom = {FIELD_NAMES[i % len(FIELD_NAMES)]: value, "note": text if text is not None else value}
        if i % 3 == 0:
            custom["n"] = i
        if i % 7 == 0:
            custom = {}
        row = await create_contact(
            key, f"u{i}{'+' if i % 2 else ''}@example.com", first_name=text, last_name=HOSTILE[-1 - i % len(HOSTILE)],
            tags=[t for t in (HOSTILE[i % len(HOSTILE)], "all", "odd" if i % 2 else "") if t.strip()],
            custom_fields=custom,
        )
        created = base + timedelta(seconds=i, microseconds=0 if i % 4 else 123456 + i)
        await Contact.filter(id=row.id).update(created_at=created, updated_at=created + timedelta(microseconds=i))
    await create_contact(key, "=formula@example.com", first_name="-x", custom_fields={"plan": "pro", "seats": 5})
    await create_contact(key, "five@example.com", custom_fields={"plan": "pro", "seats": "5"})


async def test_copy_gives_the_python_path_bytes_for_hostile_cells(key, monkeypatch):
    await hostile_contacts(key)
    for rows in (3, 1000):  # pages of 3: page ends at rows left to Python and at markers
        monkeypatch.setattr(export_copy, "CHUNK_ROWS", rows)
        for format in ("csv", "ndjson"):
            copied, python = await both(key.organization_id, format)
            assert copied == python, (rows, format)
            assert copied.count(b"\n") >= len(HOSTILE + NUMBERS + PYTHON_ONLY)
    csv_bytes, _ = await both(key.organization_id, "csv")
    assert b"1e-07" in csv_bytes and b"0.0000001" not in csv_bytes  # Python's form, by the fallback


async def test_copy_gives_the_python_path_bytes_for_every_filter(key, make_key, monkeypatch):
    await hostile_contacts(key)
    other = await make_key()
    await create_contact(other, "u1+@example.com", tags=["all"], custom_fields={"plan": "pro"})
    monkeypatch.setattr(export_copy, "CHUNK_ROWS", 4)
    after = datetime(2026, 1, 2, 3, 4, 20, tzinfo=UTC)
    cases = [
        ContactFilters(tags=["all"]), ContactFilters(tags=["all", "odd"]), ContactFilters(tags=["a,b"]),
        ContactFilters(tags=["nobody"]), ContactFilters(email="+@EXAMPLE"), ContactFilters(email="%"),
        ContactFilters(email="_"), ContactFilters(email="\\"), ContactFilters(created_after=after),
        ContactFilters(custom_fields={"plan": "pro"}), ContactFilters(custom_fields={"seats": "5"}),
        ContactFilters(custom_fields={"note": 'say "hi"'}), ContactFilters(custom_fields={"note": "1.5"}),
        ContactFilters(custom_fields={"a,b": "a,b", "note": "a,b"}), ContactFilters(custom_fields={"note": "true"}),
        ContactFilters(tags=["all"], email="u1", created_after=after - timedelta(days=1), custom_fields={"n": "3"}),
    ]
    for filters in cases:
        for format in ("csv", "ndjson"):
            copied, python = await both(key.organization_id, format, filters)
            assert copied == python, (filters, format)
    copied, _ = await both(key.organization_id, "ndjson", ContactFilters(custom_fields={"seats": "5"}))
    assert copied.count(b"\n") == 2  # 5 and "5"; the other organization's contact never shows


async def test_copy_streams_a_large_export_in_bounded_chunks(key, monkeypatch):
    for i in range(60):
        await create_contact(key, f"s{i}@example.com", custom_fields={"n": i})
    monkeypatch.setattr(export_copy, "CHUNK_ROWS", 5)
    monkeypatch.setattr(export_copy, "FIRST_ROWS", 5)
    statements = []
    copy = export_copy._copy

    async def counted(sql, values, output):
        statements.append(values)
        await copy(sql, values, output)

    monkeypatch.setattr(export_copy, "_copy", counted)
    stream = await export_contacts(SimpleNamespace(organization_id=key.organization_id), "ndjson", ContactFilters())
    first = await anext(stream)
    assert first.count(b"\n") == 5
    # The reader runs ahead by at most the queue's chunks, not to the end (12 statements).
    assert len(statements) <= export_copy.QUEUE_CHUNKS + 2
    rest = [chunk async for chunk in stream]
    assert sum(chunk.count(b"\n") for chunk in [first, *rest]) == 60 and len(statements) == 13
