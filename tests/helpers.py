"""Shared test helpers: the backend this run uses, request helpers, factories on the real
database, and waiting for something to happen. Fixtures live in the conftest.py files; nothing
here is a fixture, and no test imports from another test module.

One meaning per name across the suite:

- `post_<operation>(client, key, …)` sends the request and returns the raw response, for tests
  about the response itself (its status, its error, its headers).
- `<operation>_ok(client, key, …)` sends it, asserts it succeeded and returns what it made (a
  message id, a contact, an event id, an automation), for tests that only need it done.
- `create_<thing>(org_or_key, …)` writes a row straight to the database (no API, no checks):
  data a test sets up by hand, with times in the past or statuses the API would not accept.
- `eventually(probe, timeout=…)` waits until `probe()` returns something truthy
  (`eventually_sync` in blocking code: subprocesses, threads, the browser).
"""

from __future__ import annotations

import asyncio
import dataclasses
import email
import email.policy
import hashlib
import hmac
import inspect
import os
import re
import socket
import subprocess
import tempfile
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable

import httpx
import pytest
from tortoise.transactions import in_transaction

import schema.graphql
from app.core.validation import email_key
from app.engines.automations import AutomationRunner, now
from app.engines.endpoint_deliveries import EndpointDeliveryRunner
from app.engines.imports import ImportRunner
from app.engines.worker import Worker
from models import AutomationRun, Contact, ContactTag, Event, IdempotencyRecord, Message
from schema.events import rollups

# ----------------------------------------------------------------------------- the backend
# One backend per pytest process (VIPERATRON_TEST_BACKEND=sqlite|postgres): Tortoise caches
# query executors per connection name, so the two must not share a process.

BACKEND = os.environ.get("VIPERATRON_TEST_BACKEND", "sqlite")
ROOT = Path(__file__).resolve().parent.parent  # the checkout
TMP = Path(tempfile.mkdtemp(prefix="viperatron-tests-"))  # this run's files: SQLite database, outbox, logs


def _database_url() -> str:
    if BACKEND == "postgres":
        url = os.environ.get("TEST_DATABASE_URL")
        if not url:
            raise RuntimeError("VIPERATRON_TEST_BACKEND=postgres needs TEST_DATABASE_URL")
        return url
    return f"sqlite://{TMP / 'test.db'}"


def _redis_url() -> str | None:
    if BACKEND == "postgres":
        url = os.environ.get("TEST_REDIS_URL")
        if not url:
            raise RuntimeError("VIPERATRON_TEST_BACKEND=postgres needs TEST_REDIS_URL")
        return url
    return None


DATABASE_URL = _database_url()
REDIS_URL = _redis_url()

requires_redis = pytest.mark.skipif(
    REDIS_URL is None, reason="needs Redis: runs in the PostgreSQL + Redis half (make test-postgres)"
)

# ----------------------------------------------------------------------------- request bodies

SEND = {"to": "jane@example.com", "from": "hello@acme.com", "subject": "Hi", "text": "Hello"}
EVENT = {"email": "jane@example.com", "eventType": "order.placed", "value": 129.00, "currency": "USD"}
ORDER = {**EVENT, "properties": {"orderId": "ord_1a2b3c", "sku": "ACME-TEE-L", "qty": 3, "shipping": {"country": "DE"}}}
TAG_BUYER = [{"type": "addTag", "tag": "buyer"}]
CSV = {"Content-Type": "text/csv"}
NDJSON = {"Content-Type": "application/x-ndjson"}
# The analytics tests' window: [11-27, 12-01) in UTC.
WINDOW = {"from": "2026-11-27T00:00:00Z", "to": "2026-12-01T00:00:00Z"}
HAS_EVENTS_QUERY = "events" in {f.name for f in schema.graphql.schema.get_type_by_name("Query").fields}

# ----------------------------------------------------------------------------- waiting


def _timed_out(timeout: float, what: str | Callable[[], str], last_error: BaseException | None) -> AssertionError:
    said = what() if callable(what) else what
    return AssertionError(
        f"not within {timeout} s: {said or 'the condition'}" + (f" (last error: {last_error!r})" if last_error else "")
    )


async def eventually(
    probe: Callable[[], Any], *, timeout: float, every: float = 0.02, what: str | Callable[[], str] = "",
    retry: tuple[type[BaseException], ...] = (),
) -> Any:
    """Call `probe()` (sync or async) until it returns something truthy, and return that. After
    `timeout` seconds: an AssertionError saying `what` did not happen (a callable is asked then).
    An exception from the probe fails at once (so an assertion inside it is checked on every
    try), unless it is one of `retry`: that counts as "not yet"."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            result = probe()
            if inspect.isawaitable(result):
                result = await result
        except retry as exc:
            result, last_error = None, exc
        if result:
            return result
        if time.monotonic() >= deadline:
            raise _timed_out(timeout, what, last_error)
        await asyncio.sleep(every)


def eventually_sync(
    probe: Callable[[], Any], *, timeout: float, every: float = 0.05, what: str | Callable[[], str] = "",
    retry: tuple[type[BaseException], ...] = (),
) -> Any:
    """`eventually` for blocking code: the same rules, sleeping the thread between tries."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            result = probe()
        except retry as exc:
            result, last_error = None, exc
        if result:
            return result
        if time.monotonic() >= deadline:
            raise _timed_out(timeout, what, last_error)
        time.sleep(every)


async def within_one_minute_window(seconds_needed: float = 10.0) -> None:
    """Wait, if need be, until the rest of the current clock minute leaves `seconds_needed`:
    a test counting a per-minute budget against the real clock must not see its window reset."""
    left = 60 - time.time() % 60
    if left < seconds_needed:
        await asyncio.sleep(left + 0.05)


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on (for servers that cannot take port 0)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_healthy(base: str, proc: subprocess.Popen, seconds: float = 30, log: Path | None = None) -> None:
    """Until the server at `base` answers /healthz; else kill it and raise with its output
    (its stderr pipe, or `log` when it writes to a file)."""

    def answers() -> bool:
        return httpx.get(f"{base}/healthz", timeout=1).status_code in (200, 503)

    try:
        eventually_sync(answers, timeout=seconds, every=0.1, what=f"{base}/healthz", retry=(httpx.HTTPError,))
    except AssertionError:
        proc.kill()
        output = proc.stderr.read()[-2000:] if proc.stderr else f"see {log}"
        raise RuntimeError(f"server did not start: {output}") from None


async def start_loops(*loops) -> Callable[[], Any]:
    """Start the `run()` loops of delivery workers or automation runners (as `viperatron worker`
    runs them); returns an async stopper that stops them and waits for them to finish."""
    tasks = [asyncio.create_task(loop.run()) for loop in loops]

    async def stop() -> None:
        for loop in loops:
            loop.stop()
        await asyncio.wait_for(asyncio.gather(*tasks), 30)

    return stop


# ----------------------------------------------------------------------------- requests


def iso(dt: datetime) -> str:
    """A time as the API writes it: UTC, with `Z`."""
    return dt.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


async def gql(client: httpx.AsyncClient, key, query: str, variables: dict | None = None) -> httpx.Response:
    """POST /graphql with `key` (None: no key at all)."""
    headers = key.headers if key else {}
    return await client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)


def idempotent_headers(key, idempotency_key: str) -> dict[str, str]:
    return {**key.headers, "Idempotency-Key": idempotency_key}


def api_routes(app) -> list[tuple[str, str]]:
    """Every /api/v1 operation, from the route table FastAPI publishes."""
    paths = app.openapi()["paths"]
    return [(method.upper(), path) for path, ops in paths.items() if path.startswith("/api/v1") for method in ops]


async def post_send(client, key, **body) -> httpx.Response:
    """POST /api/v1/delivery/send; `from` and `subject` default to SEND's, nothing else does."""
    body = {"from": SEND["from"], "subject": SEND["subject"], **body}
    return await client.post("/api/v1/delivery/send", json=body, headers=key.headers)


async def send_ok(client, key, **body) -> str:
    """post_send, asserting 202; the message id."""
    response = await post_send(client, key, **body)
    assert response.status_code == 202, response.text
    return response.json()["messageId"]


async def post_upsert(client, key, **body) -> httpx.Response:
    """POST /api/v1/contacts (upsert by email)."""
    return await client.post("/api/v1/contacts", json=body, headers=key.headers)


async def upsert_ok(client, key, **body) -> dict:
    """post_upsert, asserting 200 or 201; the contact."""
    response = await post_upsert(client, key, **body)
    assert response.status_code in (200, 201), response.text
    return response.json()


async def contact_of(client, key, email: str = "jane@example.com") -> dict:
    """The contact with that address, through GET /api/v1/contacts/by-email (asserting 200)."""
    response = await client.get(f"/api/v1/contacts/by-email/{email}", headers=key.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def ingest_ok(client, key, **body) -> str:
    """POST /api/v1/pipelines/events with exactly `body`, asserting 202; the event id."""
    response = await client.post("/api/v1/pipelines/events", json=body, headers=key.headers)
    assert response.status_code == 202, response.text
    return response.json()["eventId"]


async def ingest_order(client, key, **overrides) -> str:
    """ingest_ok of ORDER (jane's order.placed), with `overrides`; the event id."""
    return await ingest_ok(client, key, **{**ORDER, **overrides})


async def post_suppression(client, key, **body) -> httpx.Response:
    return await client.post("/api/v1/suppressions", json=body, headers=key.headers)


def automation_body(steps=None, conditions=None, **extra) -> dict:
    """An automation on order.placed (with `conditions`, when given) whose steps are TAG_BUYER
    unless given."""
    trigger = {"eventType": "order.placed", **({"conditions": conditions} if conditions is not None else {})}
    return {"name": "Receipt", "trigger": trigger, "steps": TAG_BUYER if steps is None else steps, **extra}


async def automation_ok(client, key, body: dict) -> dict:
    """POST /api/v1/automations, asserting 201; the automation."""
    response = await client.post("/api/v1/automations", json=body, headers=key.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def runs_of(client, key, automation_id: str) -> list[dict]:
    """The automation's runs, newest first (GET …/runs, asserting 200)."""
    response = await client.get(f"/api/v1/automations/{automation_id}/runs", headers=key.headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def get_analytics(client, key, path: str, **params) -> dict:
    """GET /api/v1/analytics/<path> over WINDOW (or `params`), asserting 200."""
    response = await client.get(f"/api/v1/analytics/{path}", params={**WINDOW, **params}, headers=key.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def seed_events(client, key) -> tuple[datetime, list[str]]:
    """Four events of two contacts over the last three days, one by one (so ids, and the list
    order, follow this order): (now, their ids)."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    events = [
        {"email": "a@example.com", "eventType": "order.placed", "value": 10, "currency": "USD",
         "occurredAt": iso(now - timedelta(days=3)), "eventId": "o-1", "properties": {"n": 1}},
        {"email": "b@example.com", "eventType": "page.viewed", "occurredAt": iso(now - timedelta(days=2))},
        {"email": "A@Example.com", "eventType": "order.placed", "value": 1500, "currency": "JPY",
         "occurredAt": iso(now - timedelta(days=1))},
        {"email": "a@example.com", "eventType": "order.placed", "value": "1.25", "currency": "KWD"},
    ]
    ids = []
    for event in events:
        response = await client.post("/api/v1/pipelines/events", json=event, headers=key.headers)
        assert response.status_code == 202, response.text
        ids.append(response.json()["eventId"])
    return now, ids


# ----------------------------------------------------------------------------- import jobs


async def post_import(client, key, body: bytes, headers=CSV, **params) -> httpx.Response:
    return await client.post(
        "/api/v1/contacts/import", content=body, headers={**key.headers, **headers}, params=params
    )


class RunnerScope:
    """The organizations the running test made: conftest.py's autouse `_scope_runners` points
    `organizations` at them before each test. Runners built here and by the fixtures claim only
    their work, so a test never runs (or waits behind) another test's leftovers."""

    organizations: set[str] | None = None


SCOPE = RunnerScope()


def automation_runner(settings, **kwargs) -> AutomationRunner:
    return AutomationRunner(settings, organizations=SCOPE.organizations, **kwargs)


def webhook_runner(settings, **kwargs) -> EndpointDeliveryRunner:
    """The runner of integrators' webhook deliveries for this test's organizations, calling 127.0.0.1."""
    allowed = dataclasses.replace(settings, webhook_allow_private=True, webhook_retry_base_seconds=0.01,
                                  webhook_retry_max_interval_seconds=0.01)
    return EndpointDeliveryRunner(allowed, organizations=SCOPE.organizations, **kwargs)


def import_runner(settings, **kwargs) -> ImportRunner:
    return ImportRunner(settings, organizations=SCOPE.organizations, **kwargs)


def delivery_worker(settings, **kwargs) -> Worker:
    """A delivery worker (with its import and automation runners) for this test's organizations."""
    return Worker(settings, organizations=SCOPE.organizations, **kwargs)


async def run_imports(settings, **kwargs) -> list[str]:
    """Run every due import job of this test to its end (an ImportRunner's drain)."""
    return await import_runner(settings, **kwargs).drain()


async def job_of(client, key, import_id: str) -> dict:
    response = await client.get(f"/api/v1/contacts/import/{import_id}", headers=key.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def stored_contacts(org_or_key) -> dict[str, Contact]:
    """The organization's contacts (with their tags), by email key."""
    rows = await Contact.filter(organization_id=_org(org_or_key)).prefetch_related("tags")
    return {c.email_key: c for c in rows}


async def import_and_run(client, key, settings, body: bytes, headers=CSV, **params) -> dict:
    """Upload `body` (asserting 202 `pending`), run the job; the job as the API shows it."""
    response = await post_import(client, key, body, headers, **params)
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "pending" and response.json()["importId"].startswith("imp_")
    await run_imports(settings)
    return await job_of(client, key, response.json()["importId"])


# ----------------------------------------------------------------------------- automation runs


def runner_for(settings, **changes) -> AutomationRunner:
    """A runner that may call 127.0.0.1 and whose webhook retries are due an hour or more later:
    never inside the drain() that made them, however slow the machine. Tests make a retry due by
    moving its time in the database (`make_retry_due`), not by waiting."""
    base = dict(webhook_allow_private=True, webhook_retry_base_seconds=3600, webhook_retry_max_interval_seconds=7200,
                webhook_timeout_seconds=5.0)
    return automation_runner(dataclasses.replace(settings, **{**base, **changes}), idle_poll_seconds=0.05)


async def make_retry_due(automation_id: str) -> AutomationRun:
    """The automation's run waits for a webhook retry, scheduled ahead (back-off): move that
    time to the past so the next drain() runs it."""
    run = await AutomationRun.get(automation_id=automation_id)
    assert run.status == "waiting" and run.due_at > now() + timedelta(minutes=30), (run.status, run.due_at)
    await AutomationRun.filter(id=run.id).update(due_at=now() - timedelta(seconds=1))
    return run


async def run_until_settled(runner: AutomationRunner, automation_id: str, passes: int = 10) -> AutomationRun:
    """Drain, and make each retry due and drain again, until the run completes or fails."""
    for _ in range(passes):
        await runner.drain()
        run = await AutomationRun.filter(automation_id=automation_id).first()
        assert run is not None, "the event started no run"
        if run.status in ("completed", "failed"):
            return run
        await make_retry_due(automation_id)
    raise AssertionError(f"the run did not settle in {passes} drains")


async def settled_run(automation_id: str) -> AutomationRun | None:
    """The automation's run once it has completed or failed (None before)."""
    run = await AutomationRun.filter(automation_id=automation_id).first()
    return run if run is not None and run.status in ("completed", "failed") else None


def verify_signature(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """The webhook receiver's check, as docs/automations-and-webhooks.md documents it (written here independently)."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    timestamp = int(parts["t"])
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


# ----------------------------------------------------------------------------- factories (the database)


def at(text: str | datetime) -> datetime:
    """A naive time ("2026-11-28 00:30:00") read as UTC; a datetime as it is."""
    return text if isinstance(text, datetime) else datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def _org(org_or_key) -> str:
    return getattr(org_or_key, "organization_id", org_or_key)


async def create_contact(org_or_key, email: str, *, created: str | datetime | None = None,
                         tags: Iterable[str] = (), **fields) -> Contact:
    """A contact row (and its tags); `created` backdates it."""
    org = _org(org_or_key)
    row = await Contact.create(organization_id=org, email=email, email_key=email_key(email), **fields)
    if created is not None:
        await Contact.filter(id=row.id).update(created_at=at(created))
    for tag in tags:
        await ContactTag.create(contact_id=row.id, organization_id=org, tag=tag)
    return row


async def create_event(org_or_key, contact_id: str | None, when: str | datetime, kind: str,
                       value: str | None = None, currency: str | None = None) -> Event:
    """An event row of `kind` that occurred `when`, added to the rollups as ingestion does."""
    org = _org(org_or_key)
    async with in_transaction() as conn:
        event = await Event.create(
            organization_id=org, contact_id=contact_id, event_type=kind, occurred_at=at(when),
            value=Decimal(value) if value is not None else None, currency=currency, using_db=conn,
        )
        await rollups.add(conn, org, [rollups.Row(event.occurred_at, kind, currency, event.value)])
    return event


async def create_message(org_or_key, *, status: str = "queued", created: str | datetime | None = None,
                         sent: str | datetime | None = None, due: str | datetime | None = None, **fields) -> Message:
    """A message row to x@example.com with `status`, sent at `sent`; `created` backdates it. Due
    `due`, by default well after now whatever today's date, so another test's worker never
    claims a `queued` one."""
    row = await Message.create(
        organization_id=_org(org_or_key), to=["x@example.com"], from_address="a@acme.com", subject="s", text="t",
        due_at=at(due) if due is not None else datetime.now(timezone.utc) + timedelta(days=30),
        status=status, sent_at=at(sent) if sent is not None else None, **fields,
    )
    if created is not None:
        await Message.filter(id=row.id).update(created_at=at(created))
    return row


async def expire_idempotency_key(org_or_key, idempotency_key: str) -> None:
    """Move a stored Idempotency-Key past its 24 hours (in the database, not by waiting)."""
    changed = await IdempotencyRecord.filter(organization_id=_org(org_or_key), key=idempotency_key).update(
        expires_at=datetime.now(timezone.utc) - timedelta(seconds=1)
    )
    assert changed == 1


# ----------------------------------------------------------------------------- people (accounts)

ORIGIN = "http://test"  # the test client's own origin (its base_url)
PASSWORD = "correct horse battery staple"
SESSION_COOKIE = "viperatron_session"


@dataclasses.dataclass
class Session:
    """A signed-in person: their session cookie, sent by hand (the client's jar is cleared, so
    nothing is sent that a test did not ask for). `headers` makes it usable wherever a Key is
    (gql(client, session, …)): the cookie and our own Origin."""

    cookie: str
    user_id: str
    email: str
    organization_id: str
    role: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Cookie": f"{SESSION_COOKIE}={self.cookie}", "Origin": ORIGIN}


def auth_post(client, path: str, body: dict, cookie: str | None = None, origin: str | None = ORIGIN) -> "httpx.Response":
    """POST /auth/<path> as the dashboard would (same origin, JSON), with `cookie` if given."""
    headers = {"Origin": origin} if origin else {}
    if cookie:
        headers["Cookie"] = f"{SESSION_COOKIE}={cookie}"
    return client.post(f"/auth/{path}", json=body, headers=headers)


def session_of(client, response: "httpx.Response") -> Session:
    """The Session a successful sign-in answer set (and the client's cookie jar emptied)."""
    assert response.status_code in (200, 201), response.text
    cookie = response.cookies.get(SESSION_COOKIE)
    assert cookie, response.headers
    client.cookies.clear()
    body = response.json()
    return Session(cookie, body["user"]["userId"], body["user"]["email"], body["organizationId"], body["role"])


async def log_in_ok(client, email: str, password: str = PASSWORD, cookie: str | None = None, **extra) -> Session:
    return session_of(client, await auth_post(client, "login", {"email": email, "password": password, **extra}, cookie))


def link_in_eml(path: Path) -> str:
    """The one http(s) link in an outbox .eml's text."""
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    [url] = re.findall(r"https?://\S+", message.get_body(("plain",)).get_content())
    return url


# What may differ between two otherwise identical answers: request IDs, dates, the budget left.
VOLATILE_HEADERS = {"x-request-id", "x-ratelimit-remaining-minute", "x-ratelimit-remaining-day",
                    "x-ratelimit-reset-minute", "x-ratelimit-reset-day", "date", "content-length", "location"}
_IDS = re.compile(r"\b([a-z]+)_[0-9a-z]{25}\b")
_TIMES = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")


def stable(response) -> tuple:
    """A response's status, body and headers with IDs, times and the budget left masked."""
    headers = {k: v for k, v in response.headers.items() if k not in VOLATILE_HEADERS}
    body = _TIMES.sub("<time>", _IDS.sub(r"\1_<id>", response.text))
    return response.status_code, body, headers
