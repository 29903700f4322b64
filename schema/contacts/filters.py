"""The contact filters shared by the list and the export (REST, GraphQL and CSV/NDJSON alike)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise import Tortoise
from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from app.core.errors import invalid
from models import Contact, ContactTag
from schema.contracts import check_fits

MAX_TAG_FILTERS = 10
MAX_FIELD_FILTERS = 10


@dataclass
class ContactFilters:
    tags: list[str] = field(default_factory=list)  # all must match
    email: str | None = None  # case-insensitive substring
    custom_fields: dict[str, str] = field(default_factory=dict)  # name -> value, equality
    created_after: datetime | None = None

    def check(self) -> "ContactFilters":
        if len(self.tags) > MAX_TAG_FILTERS:
            raise invalid("tag", f"At most {MAX_TAG_FILTERS} tags.", "too_many")
        for tag in self.tags:
            check_fits("tag", tag, ContactTag, "tag")
        if len(self.custom_fields) > MAX_FIELD_FILTERS:
            raise invalid("customField", f"At most {MAX_FIELD_FILTERS} custom-field filters.", "too_many")
        for name in self.custom_fields:
            if not name or len(name) > 100:
                raise invalid("customField", "A custom field name has 1 to 100 characters.", "invalid")
        if self.created_after is not None and self.created_after.tzinfo is None:
            raise invalid("createdAfter", "Give a time zone, e.g. 2026-11-27T17:00:00Z.", "invalid_format")
        return self


def custom_field_params(params: list[tuple[str, str]]) -> dict[str, str]:
    """`customField[plan]=pro` query parameters as {"plan": "pro"}."""
    return {k[len("customField[") : -1]: v for k, v in params if k.startswith("customField[") and k.endswith("]")}


def _candidates(value: str) -> list[Any]:
    """A query-string value matches the same text, or the JSON number/boolean it spells
    (`customField[seats]=5` finds `{"seats": 5}` as well as `{"seats": "5"}`)."""
    found: list[Any] = [value]
    try:
        parsed = json.loads(value)
    except ValueError:
        return found
    if isinstance(parsed, bool) or (isinstance(parsed, int) and -(2**63) <= parsed < 2**63):
        found.append(parsed)
    elif isinstance(parsed, (int, float)):  # beyond 64 bits a JSON number is compared as a float
        found.append(float(parsed))
    return found


async def filtered_contacts(organization_id: str, filters: ContactFilters) -> QuerySet[Contact]:
    filters.check()
    query = Contact.filter(organization_id=organization_id)
    for tag in dict.fromkeys(filters.tags):
        tagged = ContactTag.filter(organization_id=organization_id, tag=tag)
        query = query.filter(id__in=Subquery(tagged.values("contact_id")))
    if filters.email:
        query = query.filter(email_key__contains=filters.email.lower())
    if filters.created_after:
        query = query.filter(created_at__gt=filters.created_after)
    for name, value in filters.custom_fields.items():
        query = await _custom_field_equals(query, organization_id, name, value)
    return query


async def _custom_field_equals(query: QuerySet[Contact], organization_id: str, name: str, value: str):
    connection = Tortoise.get_connection("default")
    if connection.capabilities.dialect == "postgres":
        # `custom_fields @> {...}`: served by the GIN index (jsonb_path_ops).
        match = Q()
        for candidate in _candidates(value):
            match |= Q(custom_fields__contains={name: candidate})
        return query.filter(match)
    # SQLite has no JSON lookups in Tortoise: find the ids with json_extract (the path is a
    # bound parameter, so any field name is safe).
    path = '$."' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    values = [1 if c is True else 0 if c is False else c for c in _candidates(value)]
    marks = ", ".join("?" for _ in values)
    _, rows = await connection.execute_query(
        f"SELECT id FROM contacts WHERE organization_id = ? AND json_extract(custom_fields, ?) IN ({marks})",
        [organization_id, path, *values],
    )
    return query.filter(id__in=[row["id"] for row in rows])
