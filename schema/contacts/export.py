"""Export (`GET /api/v1/contacts/export`): the filtered contacts as CSV or NDJSON, streamed.

Rows are read in id order, 1,000 at a time (keyset pagination), and written out as they
come, so memory does not grow with the number of contacts. On PostgreSQL the server builds
the lines instead, 20,000 rows per `COPY … TO STDOUT` (schema/contacts/export_copy.py), with
the same bytes as a result; SQLite (and a few rows COPY leaves to Python) take this path. The CSV has one column per
custom field name used in the organization, so the file imports back unchanged. Cells that
a spreadsheet would run as a formula (=, +, -, @, TAB, CR first) get a leading `'`, which
the CSV import removes again (schema/contacts/csv_cells.py: csv_safe_cell / csv_cell_value).
"""

from __future__ import annotations

import csv
import io
import json
from enum import StrEnum
from typing import AsyncIterator

from tortoise import Tortoise

from app.core.db import dialect
from app.core.errors import invalid
from app.core.principal import Principal
from models import Contact, ContactTag
from schema.contacts.csv_cells import csv_safe_cell
from schema.contacts.export_copy import copy_pages
from schema.contacts.filters import ContactFilters, filtered_contacts

BATCH = 1000


class ExportFormat(StrEnum):
    """The file formats of an export. Member names are the wire values."""

    csv = "csv"
    ndjson = "ndjson"


FORMATS = {ExportFormat.csv: "text/csv; charset=utf-8", ExportFormat.ndjson: "application/x-ndjson"}
BASE_COLUMNS = ["id", "email", "firstName", "lastName", "tags", "createdAt", "updatedAt"]


async def export_contacts(principal: Principal, format: str, filters: ContactFilters,
                          copy: bool = True) -> AsyncIterator[bytes]:
    """Validate now (so bad input is a 4xx, not a broken stream) and return the byte stream.
    On PostgreSQL the rows come from COPY (the same bytes; `copy=False`: the Python path)."""
    if format not in FORMATS:
        raise invalid("format", "Must be `csv` or `ndjson`.", "invalid")
    query = await filtered_contacts(principal.organization_id, filters)
    fields = await _custom_field_names(principal.organization_id) if format == "csv" else []
    if copy and dialect() == "postgres":
        return _copy_stream(query, format, fields)
    return _stream(query, format, fields)


async def _stream(query, format: str, fields: list[str]) -> AsyncIterator[bytes]:
    if format == "csv":
        yield _header(fields)
    last_id = ""
    while True:
        # Plain rows, not model objects and views: this loop is the export's cost.
        rows = await query.filter(id__gt=last_id).order_by("id").limit(BATCH).values(*COLUMNS)
        if not rows:
            break
        tags = await _tags_between(rows[0]["organization_id"], last_id, rows[-1]["id"])
        last_id = rows[-1]["id"]
        yield _lines(rows, tags, format, fields)
        if len(rows) < BATCH:
            break


async def _copy_stream(query, format: str, fields: list[str]) -> AsyncIterator[bytes]:
    """PostgreSQL: the rows by COPY (schema/contacts/export_copy.py), the same bytes."""
    if format == "csv":
        yield _header(fields)

    async def fallback(ids: list[str]) -> dict[str, bytes]:
        rows = await Contact.filter(id__in=ids).order_by("id").values(*COLUMNS)
        tags: dict[str, list[str]] = {}
        for contact_id, tag in await ContactTag.filter(contact_id__in=ids).order_by("id").values_list("contact_id", "tag"):
            tags.setdefault(contact_id, []).append(tag)
        return {row["id"]: _lines([row], tags, format, fields) for row in rows}

    async for chunk in copy_pages(query, format, fields, fallback):
        yield chunk


def _header(fields: list[str]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(BASE_COLUMNS + [csv_safe_cell(_column(f)) for f in fields])
    return buffer.getvalue().encode()


def _lines(rows: list[dict], tags: dict[str, list[str]], format: str, fields: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        record = _record(row, tags.get(row["id"], []))
        if format == "ndjson":
            buffer.write(json.dumps(record, ensure_ascii=False) + "\n")
            continue
        custom = record["customFields"]
        writer.writerow(
            [_cell(record[c]) if c != "tags" else _cell(";".join(record["tags"])) for c in BASE_COLUMNS]
            + [_cell(custom.get(f)) for f in fields]
        )
    return buffer.getvalue().encode()


COLUMNS = ("id", "organization_id", "email", "first_name", "last_name", "custom_fields", "created_at", "updated_at")


async def _tags_between(organization_id: str, after_id: str, last_id: str) -> dict[str, list[str]]:
    """Tags of the page's contacts by one id-range query (served by the unique (contact, tag)
    index), rather than `IN (1,000 ids)`, which PostgreSQL answered with a table scan."""
    found: dict[str, list[str]] = {}
    rows = (
        await ContactTag.filter(organization_id=organization_id, contact_id__gt=after_id, contact_id__lte=last_id)
        .order_by("id")
        .values_list("contact_id", "tag")
    )
    for contact_id, tag in rows:
        found.setdefault(contact_id, []).append(tag)
    return found


def _record(row: dict, tags: list[str]) -> dict:
    """The same fields, names and formats as ContactView's JSON (a test checks it)."""
    return {
        "id": row["id"],
        "email": row["email"],
        "firstName": row["first_name"],
        "lastName": row["last_name"],
        "tags": tags,
        "customFields": row["custom_fields"] or {},
        "createdAt": _time(row["created_at"]),
        "updatedAt": _time(row["updated_at"]),
    }


def _time(value) -> str:
    return value.isoformat().replace("+00:00", "Z")


def _column(name: str) -> str:
    # A custom field named like a built-in column keeps its data under a distinct header.
    return f"customFields.{name}" if name in BASE_COLUMNS or name in ("first_name", "last_name") else name


def _cell(value) -> str:
    """Non-strings as JSON; formula-like text neutralized (csv_safe_cell), which
    the CSV import undoes, so an export still imports back to the same values."""
    if value is None:
        return ""
    return csv_safe_cell(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))


async def _custom_field_names(organization_id: str) -> list[str]:
    connection = Tortoise.get_connection("default")
    if connection.capabilities.dialect == "postgres":
        sql = "SELECT DISTINCT jsonb_object_keys(custom_fields) AS name FROM contacts WHERE organization_id = $1"
    else:
        sql = (
            "SELECT DISTINCT j.key AS name FROM contacts, json_each(contacts.custom_fields) AS j "
            "WHERE contacts.organization_id = ?"
        )
    _, rows = await connection.execute_query(sql, [organization_id])
    return sorted(row["name"] for row in rows)
