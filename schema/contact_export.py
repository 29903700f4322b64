"""Export (`GET /api/v1/contacts/export`): the filtered contacts as CSV or NDJSON, streamed.

Rows are read in id order, 1,000 at a time (keyset pagination), and written out as they
come, so memory does not grow with the number of contacts. The CSV has one column per
custom field name used in the organization, so the file imports back unchanged.
"""

from __future__ import annotations

import csv
import io
import json
from typing import AsyncIterator, Literal

from tortoise import Tortoise

from app.auth import Principal
from app.errors import invalid
from models import Contact
from schema.contact_filters import ContactFilters, filtered_contacts
from schema.contacts import ContactView, _with_tags

BATCH = 1000
FORMATS = {"csv": "text/csv; charset=utf-8", "ndjson": "application/x-ndjson"}
BASE_COLUMNS = ["id", "email", "firstName", "lastName", "tags", "createdAt", "updatedAt"]

Format = Literal["csv", "ndjson"]


async def export_contacts(principal: Principal, format: str, filters: ContactFilters) -> AsyncIterator[bytes]:
    """Validate now (so bad input is a 4xx, not a broken stream) and return the byte stream."""
    if format not in FORMATS:
        raise invalid("format", "Must be `csv` or `ndjson`.", "invalid")
    query = await filtered_contacts(principal.organization_id, filters)
    fields = await _custom_field_names(principal.organization_id) if format == "csv" else []
    return _stream(query, format, fields)


async def _stream(query, format: str, fields: list[str]) -> AsyncIterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if format == "csv":
        writer.writerow(BASE_COLUMNS + [_column(f) for f in fields])
    last_id = ""
    while True:
        rows: list[Contact] = await query.filter(id__gt=last_id).order_by("id").limit(BATCH).prefetch_related(
            _with_tags()
        )
        if not rows:
            break
        last_id = rows[-1].id
        for contact in rows:
            view = ContactView.of(contact).model_dump(mode="json", by_alias=True)
            if format == "ndjson":
                buffer.write(json.dumps(view, ensure_ascii=False) + "\n")
                continue
            custom = view["customFields"]
            writer.writerow(
                [view[c] if c != "tags" else ";".join(view["tags"]) for c in BASE_COLUMNS]
                + [_cell(custom.get(f)) for f in fields]
            )
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
        if len(rows) < BATCH:
            break
    if buffer.tell():
        yield buffer.getvalue().encode()


def _column(name: str) -> str:
    # A custom field named like a built-in column keeps its data under a distinct header.
    return f"customFields.{name}" if name in BASE_COLUMNS or name in ("first_name", "last_name") else name


def _cell(value) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


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
