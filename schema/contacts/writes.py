"""The bulk write path for contacts: many rows upserted with the single upsert's semantics,
and the one find-or-create of contacts by email (`find_or_create_contacts`: events, and the
single upsert's `find_or_create_contact`).

`upsert_contacts` is the only place import jobs write contacts. Semantics (the same as
`POST /api/v1/contacts`): a row matches the organization's contact by `email_key` (the
lower-cased email) and the stored email keeps its first spelling; `first_name`/`last_name`
are set when given (None = not given); tags are added, never removed; custom fields are
merged shallowly (`set_fields` overwrite those keys, `remove_keys` are deleted): the rule of
`schema.contacts.resolvers.merge_custom_fields`, which tests/contacts/test_merge.py checks
both paths against.
With `update_existing=False` an existing contact is left untouched and counted as skipped.

PostgreSQL: set-based SQL, one `INSERT … SELECT FROM unnest(…) ON CONFLICT DO UPDATE` for the
contacts and one for the tags (rows are sorted by email_key so concurrent batches lock in the
same order). SQLite (one process, one writer): the existing rows are read, merged in Python
and written with executemany, all in one transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Iterable

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from app.core import clock
from app.core.ids import new_id, new_ids
from app.core.validation import email_key
from models import Contact

BATCH_SIZE = 5000


@dataclass
class ContactRow:
    email: str
    email_key: str
    first_name: str | None = None
    last_name: str | None = None
    tags: list[str] = field(default_factory=list)
    set_fields: dict = field(default_factory=dict)
    remove_keys: list[str] = field(default_factory=list)
    # set_fields as compact JSON, when the caller has it already (the import checks its size)
    fields_json: str | None = None


@dataclass
class UpsertCounts:
    created: int = 0
    updated: int = 0
    skipped: int = 0

    def __iadd__(self, other: "UpsertCounts") -> "UpsertCounts":
        self.created += other.created
        self.updated += other.updated
        self.skipped += other.skipped
        return self


_PG_UPSERT = """
INSERT INTO contacts AS c
    (id, organization_id, email, email_key, first_name, last_name, custom_fields, created_at, updated_at)
SELECT r.id, $1, r.email, r.email_key, r.first_name, r.last_name, r.fields::jsonb, $2, $2
FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
    AS r(id, email, email_key, first_name, last_name, fields)
ON CONFLICT (organization_id, email_key) DO {action}
RETURNING c.id, c.email_key, (c.xmax = 0) AS inserted
"""

_PG_UPDATE = """UPDATE SET
    first_name = COALESCE(EXCLUDED.first_name, c.first_name),
    last_name = COALESCE(EXCLUDED.last_name, c.last_name),
    custom_fields = c.custom_fields || EXCLUDED.custom_fields,
    updated_at = EXCLUDED.updated_at"""

# A batch without keys to remove (every CSV batch): contacts and their tags in one statement,
# the tags joined to the contacts the upsert RETURNs by email_key (those it inserted or
# updated: with DO NOTHING an existing contact gets no tags), inserted in row order; only the
# counts come back.
_PG_UPSERT_TAGGED = """
WITH up AS ({upsert}),
tagged AS (
    INSERT INTO contact_tags (contact_id, organization_id, tag)
    SELECT up.id, $1, t.tag FROM unnest($9::text[], $10::text[]) WITH ORDINALITY AS t(email_key, tag, n)
    JOIN up ON up.email_key = t.email_key
    ORDER BY t.n
    ON CONFLICT (contact_id, tag) DO NOTHING
)
SELECT count(*) FILTER (WHERE up.inserted) AS created, count(*) AS written FROM up
"""

# Keys removed (NDJSON `null`) after the merge; the keys set and removed by one row are disjoint.
_PG_REMOVE = """
UPDATE contacts SET custom_fields = contacts.custom_fields - r.keys
FROM (SELECT id, ARRAY(SELECT jsonb_array_elements_text(keys::jsonb)) AS keys
      FROM unnest($1::text[], $2::text[]) AS x(id, keys)) AS r
WHERE contacts.id = r.id
"""

_PG_TAGS = """
INSERT INTO contact_tags (contact_id, organization_id, tag)
SELECT t.contact_id, $1, t.tag FROM unnest($2::text[], $3::text[]) AS t(contact_id, tag)
ON CONFLICT (contact_id, tag) DO NOTHING
"""


def _last_wins(rows: Iterable[ContactRow]) -> tuple[list[ContactRow], int]:
    """One row per email_key (the last), sorted by key; and how many earlier ones were dropped."""
    by_key: dict[str, ContactRow] = {}
    count = 0
    for row in rows:
        count += 1
        by_key.pop(row.email_key, None)
        by_key[row.email_key] = row
    unique = sorted(by_key.values(), key=lambda r: r.email_key)
    return unique, count - len(unique)


def _tags_for(row: ContactRow, extra_tags: tuple[str, ...]) -> list[str]:
    if not extra_tags:
        return list(dict.fromkeys(row.tags)) if row.tags else []
    return list(dict.fromkeys([*row.tags, *extra_tags]))


async def upsert_contacts(
    organization_id: str,
    rows: list[ContactRow],
    *,
    update_existing: bool = True,
    extra_tags: Iterable[str] = (),
    connection=None,
) -> UpsertCounts:
    """Upsert `rows` into the organization's contacts (see the module docstring).

    Rows with the same email_key: the last wins, earlier ones count as skipped. Runs in
    `connection` (a transaction) when given, else in a transaction of its own."""
    unique, dropped = _last_wins(rows)
    extra = tuple(dict.fromkeys(extra_tags))
    if not unique:
        return UpsertCounts(skipped=dropped)
    if connection is None:
        async with in_transaction() as conn:
            counts = await _write(conn, organization_id, unique, update_existing, extra)
    else:
        counts = await _write(connection, organization_id, unique, update_existing, extra)
    counts.skipped += dropped
    return counts


async def _write(conn, organization_id: str, rows: list[ContactRow], update_existing: bool, extra: tuple) -> UpsertCounts:
    if conn.capabilities.dialect == "postgres":
        return await _write_postgres(conn, organization_id, rows, update_existing, extra)
    return await _write_sqlite(conn, organization_id, rows, update_existing, extra)


_PG_QUERIES = {
    (update_existing, tagged): (_PG_UPSERT_TAGGED if tagged else "{upsert}").format(
        upsert=_PG_UPSERT.format(action=_PG_UPDATE if update_existing else "NOTHING")
    )
    for update_existing in (True, False) for tagged in (True, False)
}


async def _write_postgres(conn, organization_id, rows, update_existing, extra) -> UpsertCounts:
    now = clock.now()
    dumps = json.dumps
    params = [
        organization_id,
        now,
        new_ids("ct", len(rows)),
        [r.email for r in rows],
        [r.email_key for r in rows],
        [r.first_name for r in rows],
        [r.last_name for r in rows],
        [(r.fields_json or dumps(r.set_fields, separators=(",", ":"))) if r.set_fields else "{}" for r in rows],
    ]
    if not any(r.remove_keys for r in rows):
        tag_keys: list[str] = []
        tag_names: list[str] = []
        for row in rows:
            tags = _tags_for(row, extra)
            tag_keys += [row.email_key] * len(tags)
            tag_names += tags
        counts = (await conn.execute_query_dict(_PG_QUERIES[update_existing, True], [*params, tag_keys, tag_names]))[0]
        created, written = counts["created"], counts["written"]
        return UpsertCounts(created=created, updated=written - created, skipped=len(rows) - written)
    returned = await conn.execute_query_dict(_PG_QUERIES[update_existing, False], params)
    created = sum(1 for r in returned if r["inserted"])
    counts = UpsertCounts(created=created, updated=len(returned) - created, skipped=len(rows) - len(returned))
    ids = {r["email_key"]: r["id"] for r in returned}
    removals = [(ids[r.email_key], r.remove_keys) for r in rows if r.remove_keys and r.email_key in ids]
    if removals:
        await conn.execute_query_dict(
            _PG_REMOVE, [[i for i, _ in removals], [json.dumps(keys) for _, keys in removals]]
        )
    tag_ids: list[str] = []
    tag_names: list[str] = []
    for row in rows:
        contact_id = ids.get(row.email_key)
        if contact_id is None:
            continue
        for tag in _tags_for(row, extra):
            tag_ids.append(contact_id)
            tag_names.append(tag)
    if tag_ids:
        await conn.execute_query_dict(_PG_TAGS, [organization_id, tag_ids, tag_names])
    return counts


_SQLITE_INSERT = """
INSERT INTO contacts
    (id, organization_id, email, email_key, first_name, last_name, custom_fields, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
_SQLITE_UPDATE = "UPDATE contacts SET first_name = ?, last_name = ?, custom_fields = ?, updated_at = ? WHERE id = ?"
_SQLITE_TAGS = """
INSERT INTO contact_tags (contact_id, organization_id, tag) VALUES (?, ?, ?)
ON CONFLICT (contact_id, tag) DO NOTHING
"""
_SQLITE_IN_LIMIT = 500


async def _write_sqlite(conn, organization_id, rows, update_existing, extra) -> UpsertCounts:
    now = clock.now()
    keys = [r.email_key for r in rows]
    existing: dict[str, dict] = {}
    for start in range(0, len(keys), _SQLITE_IN_LIMIT):
        part = keys[start : start + _SQLITE_IN_LIMIT]
        marks = ",".join("?" * len(part))
        found = await conn.execute_query_dict(
            "SELECT id, email_key, first_name, last_name, custom_fields FROM contacts "
            f"WHERE organization_id = ? AND email_key IN ({marks})",
            [organization_id, *part],
        )
        for item in found:
            existing[item["email_key"]] = item
    counts = UpsertCounts()
    inserts, updates, tags = [], [], []
    for row in rows:
        old = existing.get(row.email_key)
        if old is None:
            contact_id = new_id("ct")
            fields = dict(row.set_fields)
            inserts.append(
                [contact_id, organization_id, row.email, row.email_key, row.first_name, row.last_name,
                 json.dumps(fields), now, now]
            )
            counts.created += 1
        elif not update_existing:
            counts.skipped += 1
            continue
        else:
            contact_id = old["id"]
            stored = old["custom_fields"]
            fields = json.loads(stored) if isinstance(stored, (str, bytes)) else dict(stored or {})
            fields.update(row.set_fields)
            for key in row.remove_keys:
                fields.pop(key, None)
            updates.append(
                [row.first_name if row.first_name is not None else old["first_name"],
                 row.last_name if row.last_name is not None else old["last_name"],
                 json.dumps(fields), now, contact_id]
            )
            counts.updated += 1
        tags.extend([contact_id, organization_id, tag] for tag in _tags_for(row, extra))
    if inserts:
        await conn.execute_many(_SQLITE_INSERT, inserts)
    if updates:
        await conn.execute_many(_SQLITE_UPDATE, updates)
    if tags:
        await conn.execute_many(_SQLITE_TAGS, tags)
    return counts


def dialect() -> str:
    return Tortoise.get_connection("default").capabilities.dialect


# ----------------------------------------------------------------------------- find or create

# Joined to unnest (not `= ANY(array)`) so that even without table statistics (a fresh database)
# the plan is one unique-index lookup per key, not a scan of the organization's contacts.
# Each key probed through the unique (organization, email_key) index. As a plain join, the
# generic plan PostgreSQL keeps for a prepared statement after five runs could hash-join every
# contact of the organization instead (it cannot see how few keys come): measured 2.5 ms
# against 0.7 ms per single event with 14k contacts. OFFSET 0 keeps the subquery a probe.
PROBE_CONTACT = "CROSS JOIN LATERAL (SELECT id FROM contacts WHERE organization_id = $1 AND email_key = {key} OFFSET 0) c"
_PG_FIND_CONTACTS = f"""
SELECT k.email_key, c.id FROM unnest($2::text[]) AS k(email_key)
{PROBE_CONTACT.format(key="k.email_key")}
"""
_PG_CREATE_CONTACTS = """
INSERT INTO contacts (id, organization_id, email, email_key, custom_fields, created_at, updated_at)
SELECT r.id, $1, r.email, r.email_key, '{}'::jsonb, $2, $2
FROM unnest($3::text[], $4::text[], $5::text[]) AS r(id, email, email_key)
ON CONFLICT (organization_id, email_key) DO NOTHING
"""


async def find_or_create_contacts(
    conn, organization_id: str, emails: Iterable[str]
) -> tuple[dict[str, str], set[str]]:
    """The one find-or-create of contacts (events name contacts by email; the single upsert
    makes its contact): email_key -> contact id for every address, and the keys of the
    contacts this call created. Absent contacts are created bare, with the first spelling
    given. One lookup, then (when some are missing) one INSERT … ON CONFLICT DO NOTHING and a
    lookup of those: a contact a concurrent writer created is found (not created here), not
    duplicated. Missing keys go in sorted, so concurrent batches lock in one order.
    PostgreSQL: set-based SQL (unnest); SQLite: the ORM, in the caller's transaction."""
    spelling: dict[str, str] = {}
    for email in emails:
        spelling.setdefault(email_key(email), email)
    if conn.capabilities.dialect == "postgres":
        rows = await conn.execute_query_dict(_PG_FIND_CONTACTS, [organization_id, list(spelling)])
        found = {r["email_key"]: r["id"] for r in rows}
        missing = sorted(k for k in spelling if k not in found)
        if not missing:
            return found, set()
        made = {k: new_id("ct") for k in missing}
        await conn.execute_query_dict(
            _PG_CREATE_CONTACTS,
            [organization_id, clock.now(), [made[k] for k in missing], [spelling[k] for k in missing], missing],
        )
        rows = await conn.execute_query_dict(_PG_FIND_CONTACTS, [organization_id, missing])
        found.update((r["email_key"], r["id"]) for r in rows)
    else:
        query = Contact.filter(organization_id=organization_id).using_db(conn)
        found = dict(await query.filter(email_key__in=list(spelling)).values_list("email_key", "id"))
        missing = sorted(k for k in spelling if k not in found)
        if not missing:
            return found, set()
        bare = [Contact(organization_id=organization_id, email=spelling[k], email_key=k) for k in missing]
        made = {c.email_key: c.id for c in bare}
        await Contact.bulk_create(bare, ignore_conflicts=True, using_db=conn)
        found.update(await query.filter(email_key__in=missing).values_list("email_key", "id"))
    # Ours when it carries the id this call gave it (a conflict kept the other writer's row).
    return found, {k for k in missing if found.get(k) == made[k]}


async def contact_ids(conn, organization_id: str, emails: Iterable[str]) -> dict[str, str]:
    """email_key -> contact id for every address, absent contacts created bare
    (find_or_create_contacts)."""
    found, _ = await find_or_create_contacts(conn, organization_id, emails)
    return found


async def find_or_create_contact(conn, organization_id: str, email: str) -> tuple[str, bool]:
    """The organization's contact with this email, created bare if absent (race-safe): its id
    and whether this call created it (find_or_create_contacts, for one address)."""
    found, created = await find_or_create_contacts(conn, organization_id, [email])
    key = email_key(email)
    return found[key], key in created
