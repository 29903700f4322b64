"""Contact import jobs: claim them, parse them, upsert them in batches, resumably.

Flow: the upload is stored as the chunks of a job (`schema/imports/jobs.py`, which the
resolvers call: store, queue, discard, cancel); once `pending`, a runner (`ImportRunner`, in
`viperatron serve` and `viperatron worker`, or the CLI in-process) claims it with a lease,
like messages and automation runs (app/engines/leases.py): `status IN ('pending',
'running') AND due_at <= now`, `FOR UPDATE SKIP LOCKED` on PostgreSQL, `due_at` = lease
expiry while running, the lease renewed after every batch.

Running a job: the chunks are copied to a temporary file, then
  pass 1 counts the data rows (`total`) and finds duplicate emails (a set of 64-bit hashes of
         the lower-cased email, plus {hash: last row} for the duplicated ones only);
  pass 2 parses the rows from `next_row` on and upserts them in batches of 5,000 through
         `schema.contacts.writes.upsert_contacts`. Each batch's contacts and the job's counters,
         errors and `next_row` are written in ONE transaction, fenced by the claim (attempt
         number, status `running`): a batch of a worker whose lease was taken over, or of a
         job canceled meanwhile, rolls back whole. So counts are exact, a job whose worker
         died resumes at `next_row`, and cancel takes effect at the next batch boundary.

Row numbers are 1-based DATA rows: the CSV header is not counted, nor are blank lines.
A CSV cell that begins with `'` before =, +, -, @, TAB or CR loses that one `'`: the CSV
export adds it against spreadsheet formula injection (schema/contacts/csv_cells.py), so
exports import back.
A duplicate email inside one file: the last row wins, earlier ones count as `skipped`.
"""

from __future__ import annotations

import asyncio
import csv
import json
import logging
import os
import re
import tempfile
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Callable, Iterator

from pydantic_core import PydanticCustomError
from tortoise import Tortoise
from tortoise.transactions import in_transaction

from app.core import wakeups as _wakeups
from app.core.clock import now
from app.core.validation import MAX_JSON_BYTES, MAX_TAG_CHARS, compact_json, fast_normalize_email, loads_strict
from app.core.wakeups import idle
from app.engines.leases import fenced, pick_params, pick_sql
from models import ImportChunk, ImportJob
from schema.contacts.csv_cells import csv_cell_value
from schema.contacts.writes import ContactRow, upsert_contacts
from schema.imports.jobs import drop_file, purge_stale_uploads

log = logging.getLogger("viperatron.imports")

MAX_ROWS = 1_000_000
MAX_ERRORS = 1000
BATCH_ROWS = 5000
MAX_ATTEMPTS = 10
MAX_TAGS = 100
MAX_NAME_CHARS = 200
IDLE_POLL_SECONDS = 2.0


# ----------------------------------------------------------------------------- parsing


class JobFailed(Exception):
    """The file as a whole cannot be imported (no email column, too many rows, …)."""


@dataclass
class RowResult:
    row: int
    contact: ContactRow | None = None
    error: dict | None = None
    dedup_key: str | None = None  # what pass 1 hashed: the stripped, lower-cased email cell


def _error(row: int, field_name: str | None, code: str, message: str) -> RowResult:
    return RowResult(row, error={"row": row, "field": field_name, "code": code, "message": message})


def _bad_encoding(text: str) -> bool:
    try:
        text.encode("utf-8")
        return False
    except UnicodeEncodeError:
        return True


_ROLES = {
    "email": "email",
    "firstname": "first_name",
    "first_name": "first_name",
    "lastname": "last_name",
    "last_name": "last_name",
    "tags": "tags",
}


# Python's csv module refuses a cell longer than this (its field_size_limit, a process-wide
# setting left at its default); such a row is a row error. Every field's own limit is smaller.
MAX_CSV_CELL_CHARS = csv.field_size_limit()
_UNQUOTED_END = re.compile(r"[,\r\n]")


class _RecordLines:
    """The file's lines as csv.reader takes them, keeping those of the record being read."""

    def __init__(self, f):
        self.f = f
        self.record: list[str] = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self.f)
        self.record.append(line)
        return line


def _scan(text: str, state: str) -> str:
    """Follow the default CSV dialect's quoting through `text`: state is "start" (of a field,
    or just after a quote), "field" (unquoted), "quoted", or "end" (the record ended)."""
    i, n = 0, len(text)
    while i < n:
        if state == "quoted":
            j = text.find('"', i)
            if j < 0:
                return state
            state, i = "start", j + 1  # a closing quote, or the first of a doubled one
        elif state == "field":
            match = _UNQUOTED_END.search(text, i)
            if match is None:
                return state
            state, i = ("start" if match[0] == "," else "end"), match.end()
        else:
            c = text[i]
            state = "quoted" if c == '"' else "start" if c == "," else "end" if c in "\r\n" else "field"
            i += 1
        if state == "end":
            return state
    return state


def _csv_records(f) -> Iterator[list[str] | csv.Error]:
    """The records of a CSV file. A record the csv module cannot read (a cell over
    MAX_CSV_CELL_CHARS) comes out as its csv.Error; its remaining lines (a quoted cell may span
    lines) are skipped, so reading goes on at the next record."""
    lines = _RecordLines(f)
    reader = csv.reader(lines)
    while True:
        lines.record.clear()
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            state = _scan("".join(lines.record), "start")
            while state != "end" and (line := next(f, None)) is not None:
                state = _scan(line, state)
            yield exc
            continue
        yield record


def open_text(path: str):
    # surrogateescape: an undecodable byte becomes a lone surrogate that the row check finds,
    # so one bad row does not stop the file. utf-8-sig drops a leading BOM.
    return open(path, encoding="utf-8-sig", errors="surrogateescape", newline="")


class CsvFile:
    """Rows of a CSV file: header row required, with an `email` column."""

    def __init__(self, path: str):
        self.path = path

    def _reader(self, f):
        reader = _csv_records(f)
        for record in reader:
            if isinstance(record, csv.Error):
                raise JobFailed(f"The header row cannot be read: {record}.")
            if record and any(cell.strip() for cell in record):
                header = [csv_cell_value(h.strip()) for h in record]
                break
        else:
            raise JobFailed("The file has no header row; the first line must name the columns, one of them `email`.")
        if _bad_encoding("".join(header)):
            raise JobFailed("The header row is not valid UTF-8.")
        roles: list[Any] = []
        for name in header:
            role = _ROLES.get(name.lower())
            roles.append(role if role else (("field", name) if name else None))
        if "email" not in roles:
            raise JobFailed(f"The header row has no `email` column (columns: {', '.join(header)[:500]}).")
        return reader, roles

    def keys(self) -> Iterator[str | None]:
        """Pass 1: the lower-cased email cell of every data row (None when empty)."""
        with open_text(self.path) as f:
            reader, roles = self._reader(f)
            index = roles.index("email")
            for record in reader:
                if isinstance(record, csv.Error):
                    yield None
                    continue
                if not record or not "".join(record).strip():
                    continue
                cell = csv_cell_value(record[index].strip()) if index < len(record) else ""
                yield cell.lower() or None

    def rows(self) -> Iterator[tuple[int, Any]]:
        """Pass 2: (row number, (record, roles))."""
        with open_text(self.path) as f:
            reader, roles = self._reader(f)
            number = 0
            for record in reader:
                if not isinstance(record, csv.Error) and (not record or not "".join(record).strip()):
                    continue
                number += 1
                yield number, record, roles

    @staticmethod
    def parse(number: int, record: list[str] | csv.Error, roles: list) -> RowResult:
        if isinstance(record, csv.Error):
            if "field larger than field limit" in str(record):
                return _error(number, None, "too_long", f"A cell has more than {MAX_CSV_CELL_CHARS:,} characters.")
            return _error(number, None, "invalid_csv", f"The row cannot be read: {record}.")
        if _bad_encoding("".join(record)):
            return _error(number, None, "invalid_encoding", "The row is not valid UTF-8.")
        email = first = last = None
        tags: list[str] = []
        fields: dict[str, str] = {}
        for role, cell in zip(roles, record):
            if role is None:
                continue
            value = csv_cell_value(cell.strip())
            if not value:
                continue  # an empty cell is "not given"
            if role == "email":
                email = value
            elif role == "first_name":
                first = value
            elif role == "last_name":
                last = value
            elif role == "tags":
                tags = [t.strip() for t in value.split(";") if t.strip()]
            else:
                fields[role[1]] = value
        return _contact(number, email, first, last, tags, fields, [])


class NdjsonFile:
    """One JSON object per line: email, firstName/first_name, lastName/last_name, tags (a list,
    or a `;`-separated string), customFields (an object; a `null` value removes the key); any
    other key is a custom field too."""

    def __init__(self, path: str):
        self.path = path

    def _lines(self) -> Iterator[tuple[int, str]]:
        with open_text(self.path) as f:
            number = 0
            for line in f:
                if not line.strip():
                    continue
                number += 1
                yield number, line

    def keys(self) -> Iterator[str | None]:
        for _, line in self._lines():
            try:
                item = loads_strict(line)
            except ValueError:
                yield None
                continue
            email = item.get("email") if isinstance(item, dict) else None
            yield (email.strip().lower() or None) if isinstance(email, str) else None

    def rows(self) -> Iterator[tuple[int, Any]]:
        for number, line in self._lines():
            yield number, line, None

    @staticmethod
    def parse(number: int, line: str, _roles=None) -> RowResult:
        if _bad_encoding(line):
            return _error(number, None, "invalid_encoding", "The line is not valid UTF-8.")
        try:
            item = loads_strict(line)
        except json.JSONDecodeError as exc:
            return _error(number, None, "invalid_json", f"Not valid JSON: {exc}.")
        if not isinstance(item, dict):
            return _error(number, None, "invalid_type", "Each line must be a JSON object.")
        email = first = last = None
        tags: list[str] = []
        fields: dict[str, Any] = {}
        custom: Any = None
        for key, value in item.items():
            role = _NDJSON_ROLES.get(key)
            if key in ("customFields", "custom_fields"):
                custom = value
                continue
            if role in ("email", "first_name", "last_name"):
                if value is None:
                    continue
                if not isinstance(value, str):
                    api_name = {"email": "email", "first_name": "firstName", "last_name": "lastName"}[role]
                    return _error(number, api_name, "invalid_type", "Must be a string.")
                value = value.strip()
                if not value:
                    continue
                if role == "email":
                    email = value
                elif role == "first_name":
                    first = value
                else:
                    last = value
            elif role == "tags":
                if value is None:
                    continue
                if isinstance(value, str):
                    value = value.split(";")
                if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
                    return _error(number, "tags", "invalid_type", "Must be a list of strings.")
                tags = [t.strip() for t in value if t.strip()]
            else:
                fields[key] = value
        if custom is not None:
            if not isinstance(custom, dict):
                return _error(number, "customFields", "invalid_type", "Must be an object.")
            fields.update(custom)
        removed = [k for k, v in fields.items() if v is None]
        for k in removed:
            del fields[k]
        return _contact(number, email, first, last, tags, fields, removed)


_NDJSON_ROLES = {
    "email": "email", "firstName": "first_name", "first_name": "first_name",
    "lastName": "last_name", "last_name": "last_name", "tags": "tags",
}


def _contact(number, email, first, last, tags, fields, removed) -> RowResult:
    if email is None:
        return _error(number, "email", "required", "The email is missing.")
    try:
        normalized = fast_normalize_email(email)
    except PydanticCustomError as exc:
        return _error(number, "email", "invalid_email", exc.message())
    for name, value in (("firstName", first), ("lastName", last)):
        if value is not None and len(value) > MAX_NAME_CHARS:
            return _error(number, name, "too_long", f"At most {MAX_NAME_CHARS} characters.")
    if tags:
        tags = list(dict.fromkeys(tags))
        if len(tags) > MAX_TAGS:
            return _error(number, "tags", "too_many", f"At most {MAX_TAGS} tags.")
        if any(len(t) > MAX_TAG_CHARS for t in tags):
            return _error(number, "tags", "too_long", f"Each tag has at most {MAX_TAG_CHARS} characters.")
        if any("\r" in t or "\n" in t for t in tags):
            return _error(number, "tags", "invalid", "A tag is one line: no line breaks.")
    encoded = None
    if fields:
        # Encoded once: the size check (json_bytes' measure: compact, ASCII-escaped, so one
        # character per byte) and the upsert's `custom_fields` argument.
        encoded = compact_json(fields)
        if len(encoded) > MAX_JSON_BYTES:
            return _error(number, "customFields", "too_large", "At most 32 KiB of JSON.")
    return RowResult(
        number,
        dedup_key=email.lower(),
        contact=ContactRow(
            email=normalized, email_key=normalized.lower(), first_name=first, last_name=last,
            tags=tags, set_fields=fields, remove_keys=removed, fields_json=encoded,
        ),
    )



def source_for(path: str, fmt: str):
    return CsvFile(path) if fmt == "csv" else NdjsonFile(path)


@dataclass
class Plan:
    """Pass 1's result: how many data rows, and the last row of every duplicated email."""

    total: int
    last_of_duplicate: dict[int, int]


def plan(source) -> Plan:
    seen: set[int] = set()
    last: dict[int, int] = {}
    total = 0
    for key in source.keys():
        total += 1
        if total > MAX_ROWS:
            raise JobFailed(f"The file has more than {MAX_ROWS:,} data rows.")
        if key is None:
            continue
        h = hash(key)
        if h in seen:
            last[h] = total
        else:
            seen.add(h)
    return Plan(total, last)


# ----------------------------------------------------------------------------- claims
# The claim, fence and lease of app/engines/leases.py, as for messages and automation runs:
# one job at a time (limit 1, no per-organization cap: a runner holds one job).

CLAIMABLE = ("pending", "running")
HELD = "running"  # a claimed job's status while its lease holds
CLAIMABLE_BY_ID = ("uploading", *CLAIMABLE)  # the CLI claims the job it has just uploaded

_CLAIM = {
    True: """
UPDATE import_jobs j SET status = 'running', due_at = $3, attempts = j.attempts + 1,
    started_at = COALESCE(j.started_at, $1), updated_at = $1
FROM picked WHERE j.id = picked.id
RETURNING j.id, j.attempts
""",
    False: """
UPDATE import_jobs SET status = 'running', due_at = $3, attempts = attempts + 1,
    started_at = COALESCE(started_at, $1), updated_at = $1
WHERE id IN (SELECT id FROM picked)
RETURNING id, attempts
""",
}
# One job a claim, the limit written into the text (pick_sql: one generic plan, not one per claim).
_CLAIM_DUE = {pg: pick_sql("import_jobs", CLAIMABLE, pg, claim, limit=1) for pg, claim in _CLAIM.items()}
_CLAIM_ONE = {pg: pick_sql("import_jobs", CLAIMABLE_BY_ID, pg, claim, one=True, limit=1)
              for pg, claim in _CLAIM.items()}


@dataclass(frozen=True)
class JobClaim:
    id: str
    attempt: int


async def _claim(
    statements: dict[bool, str], lease_seconds: float, only: str | None = None,
    organizations: Collection[str] | None = None,
) -> JobClaim | None:
    conn = Tortoise.get_connection("default")
    at = now()
    params = pick_params(at, 1, at + timedelta(seconds=lease_seconds), None, None, only, organizations)
    _, rows = await conn.execute_query(statements[conn.capabilities.dialect == "postgres"], params)
    return JobClaim(rows[0]["id"], rows[0]["attempts"]) if rows else None


async def claim_due(lease_seconds: float, organizations: Collection[str] | None = None) -> JobClaim | None:
    """Claim the job due first (pending, or running with an expired lease), only of
    `organizations` when given."""
    return await _claim(_CLAIM_DUE, lease_seconds, organizations=organizations)


async def claim_job(job_id: str, lease_seconds: float) -> JobClaim | None:
    """Claim one given job now (the CLI runs its own job, `uploading` or due); None when it
    is gone, ended, or running under another claim's lease."""
    return await _claim(_CLAIM_ONE, lease_seconds, job_id)


def _fenced(claim: JobClaim, connection=None):
    """The job's row while this claim holds it (app/engines/leases.py: fenced)."""
    return fenced(ImportJob, claim, HELD, connection)


class Fenced(Exception):
    """The claim is no longer ours (canceled, or the lease was taken over)."""


# ----------------------------------------------------------------------------- running


@dataclass
class Progress:
    job_id: str
    phase: str  # "counting" | "importing" | "done"
    total: int | None
    processed: int
    created: int
    updated: int
    skipped: int
    failed: int


async def _spool(job_id: str, path: str) -> None:
    ids = await ImportChunk.filter(job_id=job_id).order_by("seq").values_list("id", flat=True)
    with open(path, "wb") as out:
        for chunk_id in ids:
            data = await ImportChunk.filter(id=chunk_id).values_list("data", flat=True)
            out.write(bytes(data[0]))


async def run_job(
    claim: JobClaim,
    lease_seconds: float,
    *,
    batch_rows: int = BATCH_ROWS,
    on_progress: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    max_batches: int | None = None,
) -> str:
    """Run a claimed job until it ends or the claim is lost. Returns the job's status as this
    runner leaves it: completed, failed, canceled, lost (claim taken over) or paused
    (`should_stop()` or `max_batches` reached: the lease is released, the job resumes later)."""
    job = await ImportJob.get(id=claim.id)
    if job.attempts > MAX_ATTEMPTS:
        await _end(claim, "failed", f"Gave up after {MAX_ATTEMPTS} attempts.")
        return "failed"
    handle, path = tempfile.mkstemp(prefix=f"viperatron-{job.id}-", suffix="." + job.format)
    os.close(handle)
    try:
        await _spool(job.id, path)
        source = source_for(path, job.format)
        if on_progress:
            on_progress(_progress(job, "counting"))
        try:
            layout = await asyncio.to_thread(plan, source)  # seconds for 1M rows: off the event loop
        except JobFailed as exc:
            return await _end(claim, "failed", str(exc))
        if job.total != layout.total:
            job.total = layout.total
            if not await _fenced(claim).update(total=layout.total):
                return await _status_after_fence(claim)
        options = job.options or {}
        update_existing = bool(options.get("updateExisting", True))
        extra_tags = tuple(options.get("tags") or ())
        errors = list(job.errors or [])
        batches = 0
        lease = timedelta(seconds=lease_seconds)
        reader = _BatchReader(source, job.next_row, layout.last_of_duplicate, batch_rows)

        async def flush(part: _Batch) -> None:
            nonlocal batches
            async with in_transaction() as conn:
                written = await upsert_contacts(
                    job.organization_id, part.contacts, update_existing=update_existing, extra_tags=extra_tags,
                    connection=conn,
                )
                job.created += written.created
                job.updated += written.updated
                job.skipped += written.skipped + part.skipped
                job.failed += part.failed
                job.processed = job.next_row = part.last_row
                errors.extend(part.errors[: max(0, MAX_ERRORS - len(errors))])
                job.errors = errors
                changed = await _fenced(claim, conn).update(
                    created=job.created, updated=job.updated, skipped=job.skipped, failed=job.failed,
                    processed=part.last_row, next_row=part.last_row, errors=errors, due_at=now() + lease,
                    updated_at=now(),
                )
                if not changed:
                    raise Fenced()
            batches += 1
            if on_progress:
                on_progress(_progress(job, "importing"))

        # Batch N+1 is parsed while batch N is written: the database's time and the parsing (most
        # of the job's Python) overlap instead of adding up. Parsing goes a slice at a time,
        # yielding to the event loop in between, so the write's round trips go on meanwhile (a
        # thread would hold the GIL for up to the switch interval at each of them).
        writing: asyncio.Task | None = None
        try:
            while True:
                part = _Batch()
                while reader.fill(part, PARSE_SLICE):
                    if writing is not None:
                        await asyncio.sleep(0)
                if writing is not None:
                    await writing
                    writing = None
                    await asyncio.sleep(0)
                    if should_stop() or (max_batches is not None and batches >= max_batches):
                        await _fenced(claim).update(due_at=now())  # release: resume at once elsewhere
                        return "paused"
                if not part.rows:
                    break
                writing = asyncio.ensure_future(flush(part))
                if part.rows < batch_rows:  # the last, partial batch
                    await writing
                    writing = None
                    break
        except Fenced:
            return await _status_after_fence(claim)
        finally:
            if writing is not None:
                await asyncio.wait([writing])
                if not writing.cancelled():
                    writing.exception()  # retrieved: what raised here is what counts
            reader.close()
        status = await _end(claim, "completed", None)
        if on_progress and status == "completed":
            job.status = "completed"
            on_progress(_progress(job, "done"))
        return status
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass


@dataclass
class _Batch:
    """Up to `batch_rows` data rows, parsed: what one transaction writes."""

    rows: int = 0  # data rows read
    last_row: int = 0
    contacts: list[ContactRow] = field(default_factory=list)
    skipped: int = 0  # rows a later row of the file overrides (same email)
    failed: int = 0
    errors: list[dict] = field(default_factory=list)  # of the failed rows, at most MAX_ERRORS


PARSE_SLICE = 500  # rows parsed between two turns of the event loop (a few ms)


class _BatchReader:
    """Pass 2, a batch at a time: the rows after `after`, parsed and checked."""

    def __init__(self, source, after: int, last_of_duplicate: dict[int, int], batch_rows: int):
        self.rows = source.rows()
        self.parse = source.parse
        self.after = after
        self.dupes = last_of_duplicate
        self.batch_rows = batch_rows
        self.done = False

    def fill(self, part: _Batch, limit: int) -> bool:
        """Add up to `limit` rows to `part`; True while it has room and the file has rows."""
        parse, dupes, after = self.parse, self.dupes, self.after
        room = min(limit, self.batch_rows - part.rows)
        count = 0
        for number, item, roles in self.rows:
            if number <= after:
                continue
            result = parse(number, item, roles)
            if result.contact is not None:
                last = dupes.get(hash(result.dedup_key)) if dupes else None
                if last is not None and last != number:
                    part.skipped += 1  # a later row of the file has this email
                else:
                    part.contacts.append(result.contact)
            else:
                part.failed += 1
                if len(part.errors) < MAX_ERRORS:
                    part.errors.append(result.error)
            part.last_row = number
            count += 1
            if count >= room:
                break
        else:
            self.done = True
        part.rows += count
        return not self.done and part.rows < self.batch_rows

    def close(self) -> None:
        self.rows.close()


def _progress(job: ImportJob, phase: str) -> Progress:
    return Progress(job.id, phase, job.total, job.processed, job.created, job.updated, job.skipped, job.failed)


async def _status_after_fence(claim: JobClaim) -> str:
    job = await ImportJob.filter(id=claim.id).first()
    if job is None:
        return "canceled"
    return "canceled" if job.status == "canceled" else "lost"


async def _end(claim: JobClaim, status: str, error: str | None) -> str:
    at = now()
    changed = await _fenced(claim).update(status=status, error=error, finished_at=at, due_at=at, updated_at=at)
    if not changed:
        return await _status_after_fence(claim)
    await drop_file(claim.id)
    return status


# ----------------------------------------------------------------------------- the runner

wakeups = _wakeups.imports  # the resolvers notify it when a job is queued


class ImportRunner:
    """Claims due import jobs and runs them, one at a time; runs beside the delivery worker."""

    def __init__(
        self, settings, *, batch_rows: int = BATCH_ROWS, idle_poll_seconds: float | None = None,
        organizations: Collection[str] | None = None,
    ):
        """`organizations`: claim only their work (tests scope runners to their own organizations; None: all)."""
        self.organizations = organizations
        self.lease_seconds = settings.lease_seconds
        self.batch_rows = batch_rows
        self.idle = idle_poll_seconds if idle_poll_seconds is not None else max(settings.idle_poll_seconds, IDLE_POLL_SECONDS)
        self._stopping = asyncio.Event()
        self._last_purge = 0.0

    def stop(self) -> None:
        self._stopping.set()

    async def run_once(self, **kwargs) -> str | None:
        """Claim one due job and run it; None when nothing was due."""
        claim = await claim_due(self.lease_seconds, self.organizations)
        if claim is None:
            return None
        try:
            return await run_job(
                claim, self.lease_seconds, batch_rows=self.batch_rows, should_stop=self._stopping.is_set, **kwargs
            )
        except Exception:
            log.exception("import %s failed unexpectedly", claim.id)
            # Try again later (the attempt cap ends a job that always fails).
            await _fenced(claim).update(due_at=now() + timedelta(seconds=min(30 * claim.attempt, 600)))
            return "retry"

    async def drain(self) -> list[str]:
        """Run every job due now, then return (tests and one-shot runs)."""
        outcomes = []
        while (outcome := await self.run_once()) is not None:
            outcomes.append(outcome)
        return outcomes

    async def run(self) -> None:
        wake = wakeups.listen()
        log.info("import runner started")
        try:
            while not self._stopping.is_set():
                try:
                    outcome = await self.run_once()
                except Exception:
                    log.exception("claiming import jobs failed; retrying shortly")
                    outcome = None
                if outcome is None:
                    await self._purge_stale_uploads()
                    await idle(self._stopping, wake, self.idle)
        finally:
            wakeups.unlisten(wake)

    async def _purge_stale_uploads(self) -> None:
        loop = asyncio.get_running_loop()
        if loop.time() - self._last_purge < 600:
            return
        self._last_purge = loop.time()
        try:
            await purge_stale_uploads()
        except Exception:
            log.exception("purging abandoned uploads failed")
