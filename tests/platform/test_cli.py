"""The `viperatron` CLI in subprocesses: keys, migrate, the first start on an empty database,
SMTP AUTH refused without TLS, importing contacts, and the inbound listener for bounces."""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import re
import subprocess
import sys
import uuid

import aiosmtplib
import httpx

from app.cli import _run as run_command
from app.core.verp import return_path
from models import ApiKey, Message, Suppression
from tests.helpers import DATABASE_URL, ROOT, create_message, eventually, eventually_sync, free_port, wait_until_healthy
from tests.support.reports import rfc3464_dsn


def cli(*args: str, database_url: str = DATABASE_URL) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


async def test_keys_create_prints_only_the_key_and_list_never_shows_it():
    org = f"cli-{uuid.uuid4().hex[:8]}"
    created = cli("keys", "create", "--org", org, "--name", "ci", "--per-minute", "7", "--per-day", "70")
    assert created.returncode == 0, created.stderr
    plaintext = created.stdout.strip()
    assert re.fullmatch(r"et_live_[A-Za-z0-9]{32}", plaintext) and created.stdout == plaintext + "\n"
    test_key = cli("keys", "create", "--org", org, "--test").stdout.strip()
    assert test_key.startswith("et_test_")

    stored = await ApiKey.filter(organization__name=org).order_by("created_at")
    assert [(k.per_minute, k.per_day, k.mode) for k in stored] == [(7, 70, "live"), (60, 10000, "test")]

    listing = cli("keys", "list", "--org", org)
    assert listing.returncode == 0
    assert plaintext[:12] in listing.stdout and plaintext[12:] not in listing.stdout
    assert test_key[12:] not in listing.stdout

    revoked = cli("keys", "revoke", stored[0].id)
    assert revoked.returncode == 0, revoked.stderr
    assert (await ApiKey.get(id=stored[0].id)).revoked_at is not None
    assert "revoked" in cli("keys", "list", "--org", org).stdout
    assert cli("keys", "revoke", stored[0].id).returncode == 1  # already revoked
    assert cli("keys", "revoke", "et_live_nope").returncode == 1


def test_migrate_and_first_start_on_an_empty_database(tmp_path):
    url = f"sqlite://{tmp_path / 'fresh.db'}"
    migrated = cli("migrate", database_url=url)
    files = sorted((p.name for p in (ROOT / "migrations" / "models").glob("[0-9]*_*.py")),
                   key=lambda name: int(name.split("_")[0]))  # in aerich's order: 9 before 10
    assert migrated.returncode == 0 and f"applied {len(files)} migration(s): {', '.join(files)}" in migrated.stderr
    assert "applied 0 migration" in cli("migrate", database_url=url).stderr  # idempotent

    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "OUTBOX_DIR": str(tmp_path / "outbox")}
    env.pop("REDIS_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        key = server.stdout.readline().strip()  # the one key, alone on stdout
        assert re.fullmatch(r"et_live_[A-Za-z0-9]{32}", key)
        wait_until_healthy(f"http://127.0.0.1:{port}", server)
        viewer = httpx.post(
            f"http://127.0.0.1:{port}/graphql",
            json={"query": "{ viewer { organization { name } } }"},
            headers={"X-API-Key": key},
        ).json()
        assert viewer["data"]["viewer"]["organization"]["name"] == "default"
        # The in-process worker delivers the seed's send into the file outbox.
        base, headers = f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {key}"}
        seed = {"to": "customer@example.com", "subject": "Welcome to Acme", "from": "hello@acme.com",
                "html": "<h1>Hi {{firstName}}</h1><p>Thanks for signing up.</p>"}
        httpx.post(f"{base}/api/v1/contacts", json={"email": "customer@example.com", "firstName": "Jane"}, headers=headers)
        message_id = httpx.post(f"{base}/api/v1/delivery/send", json=seed, headers=headers).json()["messageId"]
        eml = tmp_path / "outbox" / f"{message_id}.eml"
        eventually_sync(eml.exists, timeout=10, what=f"{eml.name} in the outbox")
        delivered = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
        assert delivered["To"] == "customer@example.com" and delivered["Subject"] == "Welcome to Acme"
        assert "<h1>Hi Jane</h1>" in delivered.get_body(("html",)).get_content()

        def sent_message() -> dict | None:
            message = httpx.get(f"{base}/api/v1/delivery/messages/{message_id}", headers=headers).json()
            return message if message["status"] == "sent" else None

        message = eventually_sync(sent_message, timeout=10, what=f"{message_id} sent")
        assert [e["status"] for e in message["events"]] == ["queued", "sending", "sent"]
    finally:
        server.terminate()
        server.wait(timeout=10)
    # A second start finds a key and prints none.
    again = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}", again)
    finally:
        again.terminate()
        out, _ = again.communicate(timeout=10)
    assert out == ""


def test_serve_and_worker_refuse_smtp_auth_without_tls(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite://{tmp_path / 'x.db'}", "SMTP_URL": "smtp://apikey:s3cr3t@127.0.0.1:1"}
    for command in (["worker"], ["serve", "--port", str(free_port())]):
        started = subprocess.run(
            [sys.executable, "-m", "app.cli", *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
        )
        assert started.returncode == 2, started.stderr
        assert "SMTP_URL: SMTP URL has a user name but no TLS" in started.stderr
        assert "allow_insecure_auth=true" in started.stderr and "s3cr3t" not in started.stderr
        assert not (tmp_path / "x.db").exists()  # refused before touching the database


def test_cli_import_prints_progress_and_summary(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite://{tmp_path / 'cli.db'}"}
    env.pop("REDIS_URL", None)
    viperatron = [sys.executable, "-m", "app.cli"]
    subprocess.run([*viperatron, "migrate"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
    subprocess.run([*viperatron, "keys", "create", "--org", "acme"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=60)
    data = tmp_path / "people.csv"
    data.write_bytes(b"email,firstName\n" + b"".join(f"p{i}@example.com,P\n".encode() for i in range(30)) + b"oops,X\n")
    done = subprocess.run(
        [*viperatron, "import", "contacts", str(data), "--org", "acme", "--tags", "cli,q4"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout + done.stderr
    assert "completed" in out and "created 30" in out and "failed 1" in out
    assert "row 31" in out and "invalid_email" in out
    missing = subprocess.run(
        [*viperatron, "import", "contacts", str(data), "--org", "nobody"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert missing.returncode != 0
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"name\nx\n")
    failed = subprocess.run(
        [*viperatron, "import", "contacts", str(bad), "--org", "acme"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert failed.returncode == 1 and "email" in failed.stdout + failed.stderr


async def _rcpt_code(port: int, rcpt: str) -> int:
    async with aiosmtplib.SMTP(hostname="127.0.0.1", port=port, timeout=10) as smtp:
        await smtp.mail("")
        try:
            return (await smtp.rcpt(rcpt)).code
        except aiosmtplib.SMTPRecipientRefused as exc:
            return exc.code


async def test_inbound_records_a_bounce_and_serve_runs_the_listener_when_a_port_is_set(make_key, tmp_path):
    key = await make_key()
    message = await create_message(key, status="sent")
    path = return_path("test-secret-key", message.id, "bounces.example.com")
    env = {**os.environ, "DATABASE_URL": DATABASE_URL, "VIPERATRON_SECRET_KEY": "test-secret-key"}
    port = free_port()
    with open(tmp_path / "inbound.log", "w") as log:  # the child has its own copy
        inbound = subprocess.Popen([sys.executable, "-m", "app.cli", "inbound", "--port", str(port)], cwd=ROOT,
                                   env=env, stdout=subprocess.DEVNULL, stderr=log)
    try:
        await eventually(lambda: _rcpt_code(port, "someone@example.com"), timeout=30, retry=(OSError, aiosmtplib.SMTPException))
        assert await _rcpt_code(port, "someone@example.com") == 550
        dsn = rfc3464_dsn(path, [{"final": "x@example.com", "action": "failed", "status": "5.1.1",
                                  "diagnostic": "550 5.1.1 no such user"}], "To: x@example.com\n")
        async with aiosmtplib.SMTP(hostname="127.0.0.1", port=port, timeout=10) as smtp:
            await smtp.sendmail("", [path], dsn)
        assert (await Message.get(id=message.id)).status == "bounced"
        assert await Suppression.filter(organization_id=key.organization_id, email_key="x@example.com").exists()
    finally:
        inbound.terminate()
        assert inbound.wait(timeout=10) in (0, -15)

    smtp_port, http_port = free_port(), free_port()
    with open(tmp_path / "serve.log", "w") as log:  # the child has its own copy
        serve = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--no-worker", "--no-migrate", "--port", str(http_port)],
            cwd=ROOT, env={**env, "VIPERATRON_INBOUND_PORT": str(smtp_port)}, stdout=subprocess.DEVNULL, stderr=log,
        )
    try:
        wait_until_healthy(f"http://127.0.0.1:{http_port}", serve, log=tmp_path / "serve.log")
        assert await _rcpt_code(smtp_port, "someone@example.com") == 550
    finally:
        serve.terminate()
        serve.wait(timeout=10)


def test_the_worker_runs_on_uvloop_and_one_off_commands_on_asyncio():
    """`viperatron worker` (many sockets, for hours) gets uvloop's loop, as `serve` under uvicorn."""
    async def loop_module() -> str:
        return type(asyncio.get_running_loop()).__module__

    assert run_command(loop_module(), serving=True).startswith("uvloop")
    assert run_command(loop_module()).startswith("asyncio")
