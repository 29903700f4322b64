"""The export on PostgreSQL: `COPY (SELECT …) TO STDOUT`, each CSV line or NDJSON object built
by the server, byte for byte what the Python path (schema/contacts/export.py) writes.

How it stays identical to the Python path:

- One column per row in COPY's text format: the whole CSV line (cells quoted as Python's
  csv.writer does: when they hold `,`, `"`, CR or LF, with `"` doubled; formula-like cells
  get the leading `'` of csv_cells.csv_safe_cell) or the whole JSON object (keys in the same
  order, `json.dumps`'s `", "` and `": "` separators, strings escaped by `to_json`, which
  escapes what `json.dumps(ensure_ascii=False)` does, lowercase `\\u00XX` alike).
- COPY's text format escapes `\\`, BS, FF, LF, CR, TAB and VT with a backslash and ends
  each row with a bare LF, so a bare LF is always a row end: it becomes CRLF for CSV, then
  the escapes are undone (`_unescape`).
- Custom field values are jsonb. Its text of a number is the exact decimal; the Python path
  reads it as a float and writes Python's shortest form, the same digits as long as numbers
  were written by Python (every writer of this app) — except below 1e-4, where Python writes
  an exponent (`1e-05`). A row holding such a number (at any depth) comes out of COPY as a
  marker line (`\\x01` + id) and is formatted in Python instead (`fallback`).

Each COPY reads CHUNK_ROWS contacts after the last id (keyset pagination, like the Python
path's pages), so every statement stays short: the request deadline's statement timeout
still bounds each one, and a slow client never holds a statement open — the COPY runs
into memory, and the next one waits while QUEUE_CHUNKS chunks are unsent (backpressure), so
memory is bounded by about (QUEUE_CHUNKS + 2) chunks whatever the number of contacts.

PostgreSQL cannot bind parameters into COPY: asyncpg's copy_from_query has the server quote
each value (`quote_literal`) and puts the literals in the statement; values never meet
string formatting here.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

from tortoise import Tortoise
from tortoise.queryset import QuerySet

from app.core.db import SOLID_STATE_READS
from models import Contact

CHUNK_ROWS = 20_000
FIRST_ROWS = 1_000  # the first COPY is small, so the first bytes leave soon; then 4× until CHUNK_ROWS
QUEUE_CHUNKS = 2
WORK_MEM = "16MB"  # per export COPY, for its transaction only
MARKER = b"\x01"  # a row the server leaves to Python (see the module docstring)
Fallback = Callable[[list[str]], Awaitable[dict[str, bytes]]]
COLUMNS = ("id", "email", "first_name", "last_name", "custom_fields", "created_at", "updated_at")

# A number Python writes differently from jsonb (below 1e-4 jsonb writes `0.0000…`, Python an
# exponent) may sit anywhere in this JSON text: the row goes to Python. (Strings holding
# `0.0000` go too: slower, still right.)
def _python_only(json_text: str) -> str:
    return f"{json_text} LIKE '%0.0000%'"


def _time(value: str) -> str:
    """datetime.isoformat() of a UTC time with `+00:00` as `Z`: six digits of microseconds, none
    when they are zero. One to_char and a replace of the zero fraction (a text round trip with
    padding cost 2.4x more; a date_trunc test choosing between two to_char formats 10 % more)."""
    return f"replace(to_char({value}, 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), '.000000Z', 'Z')"


_FORMULA = "61, 43, 45, 64, 9, 13"  # = + - @ TAB CR


def _safe(expr: str) -> str:
    """csv_cells.csv_safe_cell: a leading `'` when the text, after its leading `'`s, starts
    with =, +, -, @, TAB or CR. All of these (and `'`) are below `A` (65), so a cell starting
    with a letter stops at the first test."""
    return (
        f"CASE WHEN ascii({expr}) < 65 AND (ascii({expr}) IN ({_FORMULA}) OR (ascii({expr}) = 39"
        f" AND ascii(ltrim({expr}, '''')) IN ({_FORMULA}))) THEN '''' || {expr} ELSE {expr} END"
    )


def _quoted(expr: str) -> str:
    """Python csv.writer's QUOTE_MINIMAL: in quotes, `"` doubled, when it holds , " CR or LF."""
    found = f"strpos({expr}, ',') + strpos({expr}, '\"') + strpos({expr}, chr(10)) + strpos({expr}, chr(13))"
    return f"CASE WHEN {found} > 0 THEN '\"' || replace({expr}, '\"', '\"\"') || '\"' ELSE {expr} END"


def _json(expr: str) -> str:
    return f"coalesce(to_json({expr})::text, 'null')"


def _page(inner: str, tags: str) -> str:
    """The page's rows with their tags: one aggregate over the page's id range of
    contact_tags (its (contact_id, tag) index), not one lookup per contact."""
    return f"""WITH page AS MATERIALIZED ({inner})
SELECT p.*, t.tags FROM page p LEFT JOIN (
  SELECT contact_id, {tags} AS tags FROM contact_tags
  WHERE contact_id >= (SELECT min(id) FROM page) AND contact_id <= (SELECT max(id) FROM page)
  GROUP BY contact_id
) t ON t.contact_id = p.id"""


def _csv_sql(inner: str, first_param: int, fields: list[str]) -> tuple[str, list]:
    """Layers: the page's rows with tags and custom field texts ('' for none); their cells,
    formula-safe; the line joined as is; the line. Most lines need no quoting: when the joined
    line holds no `"`, CR or LF and exactly one comma per cell boundary, no cell holds one, and
    the line is used as it is (one check per line, not four per cell)."""
    names = ["email", "first_name", "last_name", "tags"] + [f"f{i}" for i in range(len(fields))]
    order = ["id", "email", "first_name", "last_name", "tags", "created_at", "updated_at"]
    order += [f"f{i}" for i in range(len(fields))]
    texts = [f"coalesce(r.custom_fields #>> ARRAY[${first_param + i}::text], '') AS f{i}" for i in range(len(fields))]
    python_only = " OR ".join(_python_only(f"r.f{i}") for i in range(len(fields))) or "false"
    safe = [f"{_safe(f'r.{name}')} AS {name}" for name in names]
    quoted = [f"q.{c}" if c not in names else _quoted(f"q.{c}") for c in order]
    sql = f"""
SELECT CASE WHEN q.python_only THEN chr(1) || q.id
  WHEN strpos(q.line, '"') + strpos(q.line, chr(10)) + strpos(q.line, chr(13)) = 0
   AND octet_length(q.line) - octet_length(replace(q.line, ',', '')) = {len(order) - 1} THEN q.line
  ELSE concat_ws(',', {', '.join(quoted)}) END
FROM (
  SELECT s.*, concat_ws(',', {', '.join(f's.{c}' for c in order)}) AS line
  FROM (
    SELECT r.id, {python_only} AS python_only, {_time('r.created_at')} AS created_at,
           {_time('r.updated_at')} AS updated_at, {', '.join(safe)}
    FROM (
      SELECT r.id, r.email, coalesce(r.first_name, '') AS first_name, coalesce(r.last_name, '') AS last_name,
             coalesce(r.tags, '') AS tags, r.created_at, r.updated_at{''.join(', ' + t for t in texts)}
      FROM ({_page(inner, "string_agg(tag, ';' ORDER BY id)")}) r OFFSET 0
    ) r OFFSET 0
  ) s OFFSET 0
) q ORDER BY q.id"""
    return sql, list(fields)


def _ndjson_sql(inner: str) -> str:
    custom = (
        "CASE WHEN r.custom_fields IS NULL OR r.custom_fields IN ('null', '{}', '[]', '\"\"', '0', 'false') "
        "THEN '{}' ELSE r.custom_fields::text END"
    )
    tags = "'[' || string_agg(to_json(tag)::text, ', ' ORDER BY id) || ']'"
    return f"""
SELECT CASE WHEN {_python_only('r.custom')} THEN chr(1) || r.id ELSE
  '{{"id": ' || {_json('r.id')} || ', "email": ' || {_json('r.email')} || ', "firstName": ' || {_json('r.first_name')}
  || ', "lastName": ' || {_json('r.last_name')} || ', "tags": ' || coalesce(r.tags, '[]') || ', "customFields": '
  || r.custom || ', "createdAt": "' || {_time('r.created')} || '", "updatedAt": "' || {_time('r.updated')}
  || '"}}' END
FROM (
  SELECT r.*, {custom} AS custom, r.created_at AS created, r.updated_at AS updated
  FROM ({_page(inner, tags)}) r OFFSET 0
) r ORDER BY r.id"""


def _sql_of(queryset) -> tuple[str, list]:
    """The parameterized SQL (`$1`…) and values Tortoise would send for this queryset."""
    queryset._choose_db_if_not_chosen()
    queryset._make_query()
    sql, values = queryset.query.get_parameterized_sql()
    return sql, list(values)


def copy_statement(query: QuerySet[Contact], format: str, fields: list[str], after_id: str,
                   rows: int | None = None) -> tuple[str, list]:
    """The SELECT whose COPY gives the page of `rows` contacts after `after_id` (the filters and
    the organization scope are Tortoise's, as in the Python path)."""
    inner, values = _sql_of(query.filter(id__gt=after_id).order_by("id").limit(rows or CHUNK_ROWS).values(*COLUMNS))
    if format == "csv":
        sql, extra = _csv_sql(inner, len(values) + 1, fields)
        return sql, values + extra
    return _ndjson_sql(inner), values


_ESCAPES = ((b"\\n", b"\n"), (b"\\r", b"\r"), (b"\\t", b"\t"), (b"\\b", b"\b"), (b"\\f", b"\f"), (b"\\v", b"\v"))


def _unescape(data: bytes) -> bytes:
    """Undo COPY text escaping. Every backslash starts a two-byte escape, so splitting on the
    escaped backslash (`\\\\`, found left to right) leaves parts whose escapes are all one of
    the others."""
    if b"\\" not in data:
        return data
    parts = []
    for part in data.split(b"\\\\"):
        if b"\\" in part:
            for escaped, byte in _ESCAPES:
                part = part.replace(escaped, byte)
        parts.append(part)
    return b"\\".join(parts)


async def _copy(sql: str, values: list, output: Callable[[bytes], Awaitable[None]]) -> None:
    client = Tortoise.get_connection("default")
    async with client.acquire_connection() as connection, connection.transaction(readonly=True):
        # Times written in UTC (_time), for this transaction only: a released connection keeps
        # its session settings (app/core/db.py releases it without a reset). A page (its rows
        # and their sort) fits in WORK_MEM; with the default 4 MB both went to temporary files,
        # 15 % of the statement's time. SOLID_STATE_READS: the page of an organization holding a
        # tenth of the contacts had been read along the primary key, skipping the other
        # organizations' rows (10 of every 11 read: 147 ms a page); now its index (25 ms).
        await connection.execute(
            "SET LOCAL DateStyle TO ISO; SET LOCAL TimeZone TO 'UTC';"
            f" SET LOCAL work_mem TO '{WORK_MEM}'; {SOLID_STATE_READS}"
        )
        await connection.copy_from_query(sql, *values, output=output, format="text")


async def _copy_rows(sql: str, values: list) -> bytes:
    """One COPY's output, whole: the statement never waits for the client."""
    parts: list[bytes] = []

    async def output(data: bytes) -> None:
        parts.append(data)

    await _copy(sql, values, output)
    return b"".join(parts)


def _finish(rows: bytes, format: str) -> bytes:
    """COPY text rows (bare LF ends) as the export's bytes: CRLF line ends for CSV, unescaped."""
    return _unescape(rows.replace(b"\n", b"\r\n") if format == "csv" else rows)


def _last_id(rows: bytes, format: str) -> str:
    """The id of the last row: its line starts with it (CSV: a bare id cell; NDJSON:
    `{"id": "…`; a marker: `\x01` + id). Ids never need quoting or escaping."""
    last = rows[rows.rfind(b"\n", 0, -1) + 1 : -1]
    if last.startswith(MARKER):
        return last[1:].decode()
    if format == "ndjson":
        return last[len(b'{"id": "') :].split(b'"', 1)[0].decode()
    return last.split(b",", 1)[0].decode()


async def _with_fallback(rows: bytes, format: str, fallback: Fallback) -> bytes:
    """_finish, with marker lines replaced by the Python path's lines of those contacts."""
    lines = rows.split(b"\n")[:-1]
    ids = [line[1:].decode() for line in lines if line.startswith(MARKER)]
    if not ids:
        return _finish(rows, format)
    formatted = await fallback(ids)
    return b"".join(formatted[line[1:].decode()] if line.startswith(MARKER) else _finish(line + b"\n", format)
                    for line in lines)


async def copy_pages(query: QuerySet[Contact], format: str, fields: list[str],
                     fallback: Fallback) -> AsyncIterator[bytes]:
    """The export's rows (no header), one COPY of CHUNK_ROWS contacts after another, read by a
    task ahead of the response through a queue of QUEUE_CHUNKS chunks. `fallback(ids)` gives
    the Python path's lines (with their line ends) of the contacts COPY left to Python."""
    queue: asyncio.Queue = asyncio.Queue(QUEUE_CHUNKS)
    done = object()

    async def produce() -> None:
        last_id, size = "", min(FIRST_ROWS, CHUNK_ROWS)
        try:
            while True:
                rows = await _copy_rows(*copy_statement(query, format, fields, last_id, size))
                if not rows:
                    break
                last_id = _last_id(rows, format)
                count = rows.count(b"\n")
                await queue.put(await _with_fallback(rows, format, fallback) if MARKER in rows else _finish(rows, format))
                if count < size:
                    break
                size = min(size * 4, CHUNK_ROWS)
        except Exception as exc:  # noqa: BLE001  (handed to the response, which raises it)
            await queue.put(exc)
            return
        await queue.put(done)

    task = asyncio.create_task(produce())
    try:
        while True:
            item = await queue.get()
            if item is done:
                return
            if isinstance(item, Exception):
                raise item
            yield item
    finally:
        if not task.done():
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass
