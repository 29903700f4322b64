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

from models import Contact

CHUNK_ROWS = 20_000
QUEUE_CHUNKS = 2
MARKER = b"\x01"  # a row the server leaves to Python (see the module docstring)
Fallback = Callable[[list[str]], Awaitable[dict[str, bytes]]]
COLUMNS = ("id", "email", "first_name", "last_name", "custom_fields", "created_at", "updated_at")

# A number Python writes differently from jsonb (an exponent below 1e-4), at any depth.
_PYTHON_ONLY = """jsonb_path_exists(r.custom_fields, '$.** ? (@.type() == "number" && @ != 0 && @.abs() < 0.0001)')"""
_TAGS_CSV = "(SELECT string_agg(t.tag, ';' ORDER BY t.id) FROM contact_tags t WHERE t.contact_id = r.id)"
_TAGS_JSON = "(SELECT '[' || string_agg(to_json(t.tag)::text, ', ' ORDER BY t.id) || ']' FROM contact_tags t WHERE t.contact_id = r.id)"


def _time(column: str) -> str:
    """datetime.isoformat() of a UTC time, `+00:00` as `Z` (microseconds only when not 0)."""
    return (
        f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN date_trunc('second', "
        f"{column}) = {column} THEN '' ELSE to_char({column}, '.US') END || 'Z'"
    )


def _safe(expr: str) -> str:
    """csv_cells.csv_safe_cell: a leading `'` when the text, after its leading `'`s, starts
    with =, +, -, @, TAB or CR."""
    return f"CASE WHEN left(ltrim({expr}, ''''), 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN '''' || {expr} ELSE {expr} END"


def _quoted(expr: str) -> str:
    """Python csv.writer's QUOTE_MINIMAL: in quotes, `"` doubled, when it holds , " CR or LF."""
    return f"""CASE WHEN {expr} ~ '[",\\r\\n]' THEN '"' || replace({expr}, '"', '""') || '"' ELSE {expr} END"""


def _json(expr: str) -> str:
    return f"coalesce(to_json({expr})::text, 'null')"


def _csv_sql(inner: str, first_param: int, fields: list[str]) -> tuple[str, list]:
    """Three layers: the page's rows; their cells as text, formula-safe; the quoted line."""
    values = [f"r.custom_fields #>> ARRAY[${first_param + i}::text] AS f{i}" for i in range(len(fields))]
    cells = ["s.id"] + [_quoted(f"s.{c}") for c in ("email", "first_name", "last_name", "tags")]
    cells += ["s.created_at", "s.updated_at"] + [_quoted(f"s.f{i}") for i in range(len(fields))]
    safe = [
        f"{_safe(f'coalesce(r.{c}, {empty})')} AS {c}"
        for c, empty in (("email", "''"), ("first_name", "''"), ("last_name", "''"), ("tags", "''"))
    ] + [f"{_safe(f'coalesce(r.f{i}, {empty})')} AS f{i}" for i, empty in enumerate(["''"] * len(fields))]
    sql = f"""
SELECT CASE WHEN s.python_only THEN chr(1) || s.id ELSE concat_ws(',', {', '.join(cells)}) END
FROM (
  SELECT r.id, r.python_only, {_time('r.created_at')} AS created_at, {_time('r.updated_at')} AS updated_at,
         {', '.join(safe)}
  FROM (
    SELECT r.*, {_TAGS_CSV} AS tags, {_PYTHON_ONLY} AS python_only{''.join(', ' + v for v in values)}
    FROM ({inner}) r OFFSET 0
  ) r OFFSET 0
) s ORDER BY s.id"""
    return sql, list(fields)


def _ndjson_sql(inner: str) -> str:
    custom = (
        "CASE WHEN r.custom_fields IS NULL OR r.custom_fields IN ('null', '{}', '[]', '\"\"', '0', 'false') "
        "THEN '{}' ELSE r.custom_fields::text END"
    )
    return f"""
SELECT CASE WHEN r.python_only THEN chr(1) || r.id ELSE
  '{{"id": ' || {_json('r.id')} || ', "email": ' || {_json('r.email')} || ', "firstName": ' || {_json('r.first_name')}
  || ', "lastName": ' || {_json('r.last_name')} || ', "tags": ' || coalesce(r.tags, '[]') || ', "customFields": '
  || {custom} || ', "createdAt": "' || {_time('r.created_at')} || '", "updatedAt": "' || {_time('r.updated_at')}
  || '"}}' END
FROM (
  SELECT r.*, {_TAGS_JSON} AS tags, {_PYTHON_ONLY} AS python_only FROM ({inner}) r OFFSET 0
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
    async with client.acquire_connection() as connection:
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
        last_id = ""
        try:
            while True:
                rows = await _copy_rows(*copy_statement(query, format, fields, last_id))
                if not rows:
                    break
                last_id = _last_id(rows, format)
                count = rows.count(b"\n")
                await queue.put(await _with_fallback(rows, format, fallback) if MARKER in rows else _finish(rows, format))
                if count < CHUNK_ROWS:
                    break
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
