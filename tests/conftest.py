"""Test wiring: the fixtures every folder shares. One backend per pytest process
(VIPERATRON_TEST_BACKEND=sqlite|postgres; see tests/helpers.py).

Every test gets its own organizations and keys from the factories below, so tests share the
migrated database without seeing each other's rows.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import subprocess
import sys
import uuid
from dataclasses import dataclass

import httpx
import pytest
from argon2 import PasswordHasher

from app.core import db, webhook_urls
from app.core.settings import Settings
from app.main import create_app
from app.web.keys import create_key
from models import Organization
from schema.accounts import resolvers as accounts
from schema.accounts.resolvers import Role, create_user
from tests.helpers import (
    DATABASE_URL,
    PASSWORD,
    REDIS_URL,
    ROOT,
    SCOPE,
    TMP,
    Session,
    automation_runner,
    delivery_worker,
    free_port,
    log_in_ok,
    wait_until_healthy,
)
from tests.support.smtp_server import SmtpSink, smtp_sink  # noqa: F401  (fixture)
from tests.support.webhook_receiver import webhook_receiver  # noqa: F401  (fixture)


@pytest.fixture(scope="session")
def settings() -> Settings:
    # A secret key, as `make serve` sets one: it seals DKIM keys and keys token digests.
    return Settings(database_url=DATABASE_URL, redis_url=REDIS_URL, secret_key="test-secret-key")


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashes():
    """Argon2id at its cheapest in the test process: the library's parameters (64 MiB, 3 passes)
    cost 0.1-0.25 s per hash or check on the CI machine, and the suite makes hundreds of people
    and logins; the tests assert the flows, not the cost. A hash keeps its parameters, so hashes
    made by `viperatron` subprocesses (the real parameters) are checked at their own cost."""
    with pytest.MonkeyPatch.context() as patch:
        cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
        patch.setattr(accounts, "_hasher", cheap)
        patch.setattr(accounts, "_DUMMY_HASH", cheap.hash("not a password of anyone"))
        yield


@pytest.fixture(scope="session", autouse=True)
async def database(settings):
    await db.migrate(settings)
    await db.init_db(settings)
    yield
    await db.close_db()


@pytest.fixture
def app(settings):
    return create_app(settings, manage_db=False)


@pytest.fixture
async def client(app):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
        yield c


@dataclass
class Key:
    plaintext: str
    id: str
    organization_id: str
    organization_name: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.plaintext}"}


@pytest.fixture
def test_organizations() -> set[str]:
    """The organizations this test made (grows as it makes keys). Runners built by the
    fixtures claim only their work, so a test never sees another test's leftovers."""
    return set()


@pytest.fixture
def make_key(settings, test_organizations):
    """Factory: a key in a new organization (or in `org`, when given)."""

    async def make(org: str | None = None, **kwargs) -> Key:
        org = org or f"org-{uuid.uuid4().hex[:12]}"
        kwargs.setdefault("per_minute", 1000)
        kwargs.setdefault("per_day", 100000)
        key, plaintext = await create_key(org, settings, **kwargs)
        test_organizations.add(key.organization_id)
        return Key(plaintext, key.id, key.organization_id, org)

    return make


@pytest.fixture
async def key(make_key) -> Key:
    return await make_key()


@pytest.fixture
async def make_client(settings):
    """Factory: a client of an app whose settings differ (`await make_client(signup="open")`),
    calling from `address` (login throttling counts failures per client address: tests that
    fail logins use an address of their own)."""
    async with contextlib.AsyncExitStack() as stack:

        async def make(address: str = "127.0.0.1", **overrides) -> httpx.AsyncClient:
            app = create_app(dataclasses.replace(settings, **overrides), manage_db=False)
            transport = httpx.ASGITransport(app=app, client=(address, 50000))
            return await stack.enter_async_context(httpx.AsyncClient(transport=transport, base_url="http://test"))

        yield make


@pytest.fixture
def make_person(settings, client, test_organizations):
    """Factory: a signed-in person (a Session) with `role` in a new organization, or in `org`
    (an organization name, e.g. a Key's organization_name)."""

    async def make(role: str = "owner", org: str | None = None, email: str | None = None) -> Session:
        org = org or f"org-{uuid.uuid4().hex[:12]}"
        email = email or f"{role}-{uuid.uuid4().hex[:10]}@example.com"
        await create_user(settings, email, org, Role(role), PASSWORD)
        organization = await Organization.get(name=org)
        test_organizations.add(organization.id)
        return await log_in_ok(client, email, organizationId=organization.id)

    return make


@pytest.fixture(scope="session")
def live_server(database, settings):
    """The real server in a subprocess (`viperatron serve`), for tests over real HTTP. Without
    its worker: tests that deliver run their own, and two claimers would race for messages."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": DATABASE_URL, "OUTBOX_DIR": str(TMP / "outbox"),
           "VIPERATRON_SECRET_KEY": settings.secret_key}
    env.pop("REDIS_URL", None)
    if REDIS_URL:
        env["REDIS_URL"] = REDIS_URL
    log = TMP / "live_server.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--no-migrate", "--no-worker"],
        cwd=ROOT,
        env=env,
        # A file, not a pipe: nobody reads a pipe while tests run, and a full one blocks the server.
        stdout=subprocess.DEVNULL,
        stderr=open(log, "wb"),
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_healthy(base, proc, log=log)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def worker_settings(settings, smtp_sink: SmtpSink) -> Settings:  # noqa: F811 (the fixture)
    """Delivery to the test SMTP server with retries fast enough for a test."""
    return dataclasses.replace(
        settings, smtp_url=smtp_sink.url, retry_base_seconds=0.2, retry_max_interval_seconds=1.0,
        retry_give_up_seconds=30.0, lease_seconds=30.0,
    )


@pytest.fixture(autouse=True)
def _scope_runners(test_organizations):
    """Runners the tests build claim only the organizations this test made (tests/helpers.py)."""
    SCOPE.organizations = test_organizations
    yield
    SCOPE.organizations = None


@pytest.fixture
async def worker(worker_settings):
    """A delivery worker on the test SMTP server, for this test's organizations only;
    `await worker.drain()` sends what is due."""
    runner = delivery_worker(worker_settings)
    yield runner
    await runner.transport.close()


@pytest.fixture
def runner(settings):
    """An automation runner for this test's organizations; `await runner.drain()` runs what is due."""
    return automation_runner(settings, idle_poll_seconds=0.05)


@pytest.fixture
def allow_private(monkeypatch):
    """The API accepts 127.0.0.1 webhook receivers (VIPERATRON_WEBHOOK_ALLOW_PRIVATE=true)."""
    monkeypatch.setattr(webhook_urls, "policy", dataclasses.replace(webhook_urls.policy, allow_private=True))
