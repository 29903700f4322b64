"""Test wiring. One backend per pytest process (VIPERATRON_TEST_BACKEND=sqlite|postgres):
Tortoise caches query executors per connection name, so the two must not share a process.

Every test gets its own organizations and keys from the factories below, so tests share the
migrated database without seeing each other's rows.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from app.core import db
from app.web.keys import create_key
from app.main import create_app
from app.core.settings import Settings

BACKEND = os.environ.get("VIPERATRON_TEST_BACKEND", "sqlite")
ROOT = Path(__file__).resolve().parent.parent
_TMP = Path(tempfile.mkdtemp(prefix="viperatron-tests-"))


def _database_url() -> str:
    if BACKEND == "postgres":
        url = os.environ.get("TEST_DATABASE_URL")
        if not url:
            raise RuntimeError("VIPERATRON_TEST_BACKEND=postgres needs TEST_DATABASE_URL")
        return url
    return f"sqlite://{_TMP / 'test.db'}"


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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_healthy(base: str, proc: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code in (200, 503):
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    output = proc.stderr.read()[-2000:] if proc.stderr else f"see {_TMP / 'live_server.log'}"
    raise RuntimeError(f"server did not start: {output}")


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(database_url=DATABASE_URL, redis_url=REDIS_URL)


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
def make_key(settings):
    """Factory: a key in a new organization (or in `org`, when given)."""

    async def make(org: str | None = None, **kwargs) -> Key:
        org = org or f"org-{uuid.uuid4().hex[:12]}"
        kwargs.setdefault("per_minute", 1000)
        kwargs.setdefault("per_day", 100000)
        key, plaintext = await create_key(org, settings, **kwargs)
        return Key(plaintext, key.id, key.organization_id, org)

    return make


@pytest.fixture
async def key(make_key) -> Key:
    return await make_key()


async def gql(client: httpx.AsyncClient, key: Key | None, query: str, variables: dict | None = None):
    headers = key.headers if key else {}
    return await client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)


@pytest.fixture(scope="session")
def live_server(database, settings):
    """The real server in a subprocess (`viperatron serve`), for tests over real HTTP. Without
    its worker: tests that deliver run their own, and two claimers would race for messages."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": DATABASE_URL, "OUTBOX_DIR": str(_TMP / "outbox")}
    env.pop("REDIS_URL", None)
    if REDIS_URL:
        env["REDIS_URL"] = REDIS_URL
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--no-migrate", "--no-worker"],
        cwd=ROOT,
        env=env,
        # A file, not a pipe: nobody reads a pipe while tests run, and a full one blocks the server.
        stdout=subprocess.DEVNULL,
        stderr=open(_TMP / "live_server.log", "wb"),
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_healthy(base, proc)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


from tests.support.smtp_server import SmtpSink, smtp_sink  # noqa: E402,F401  (fixture)
from tests.support.webhook_receiver import webhook_receiver  # noqa: E402,F401  (fixture)


@pytest.fixture
def worker_settings(settings, smtp_sink: SmtpSink) -> Settings:  # noqa: F811 (the fixture)
    """Delivery to the test SMTP server with retries fast enough for a test."""
    import dataclasses

    return dataclasses.replace(
        settings, smtp_url=smtp_sink.url, retry_base_seconds=0.2, retry_max_interval_seconds=1.0,
        retry_give_up_seconds=30.0, lease_seconds=30.0,
    )


@pytest.fixture
async def worker(worker_settings):
    """A delivery worker on the test SMTP server; `await worker.drain()` sends what is due."""
    from app.engines.worker import Worker

    runner = Worker(worker_settings)
    yield runner
    await runner.transport.close()


@pytest.fixture
async def no_leftover_runs():
    """Runners claim every organization's due runs: settle runs earlier tests left pending or
    waiting (a webhook retry, a wait) so they do not show up in this test's outcomes."""
    from models import AutomationRun

    await AutomationRun.filter(status__in=("pending", "running", "waiting")).update(
        status="failed", error="left by an earlier test"
    )
