"""Accounts from the command line: `viperatron users create` and `users reset-password`, and the
one-time link the first start prints to create the owner account of `default`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid

import httpx

from models import Membership, Organization
from tests.helpers import DATABASE_URL, PASSWORD, ROOT, auth_post, free_port, gql, log_in_ok, wait_until_healthy

VIEWER = "{ viewer { organization { name } user { email emailVerified } role } }"


def users(*args: str, password: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": DATABASE_URL}
    env.pop("VIPERATRON_PASSWORD", None)
    if password is not None:
        env["VIPERATRON_PASSWORD"] = password
    return subprocess.run([sys.executable, "-m", "app.cli", "users", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)


async def test_users_create_and_reset_password(client, test_organizations):
    email, org = f"cli-{uuid.uuid4().hex[:8]}@example.com", f"cli-{uuid.uuid4().hex[:8]}"
    created = users("create", "--email", email, "--org", org, "--role", "admin", password=PASSWORD)
    assert created.returncode == 0, created.stderr
    assert created.stdout == "" and f"is admin of {org}" in created.stderr and PASSWORD not in created.stderr
    organization = await Organization.get(name=org)
    test_organizations.add(organization.id)
    session = await log_in_ok(client, email)
    viewer = (await gql(client, session, VIEWER)).json()["data"]["viewer"]
    assert viewer == {"organization": {"name": org}, "user": {"email": email, "emailVerified": True}, "role": "ADMIN"}
    # Again for the same person: the membership's role changes, no second account.
    assert users("create", "--email", email, "--org", org, "--role", "member", password=PASSWORD).returncode == 0
    assert await Membership.filter(organization_id=organization.id).values_list("role", flat=True) == ["member"]

    new_password = "the new long password"
    reset = users("reset-password", "--email", email.upper(), password=new_password)
    assert reset.returncode == 0, reset.stderr
    assert (await gql(client, session, VIEWER)).status_code == 401  # its sessions ended
    assert (await auth_post(client, "login", {"email": email, "password": new_password})).status_code == 200

    assert users("reset-password", "--email", "nobody-here@example.com", password=new_password).returncode == 1
    bad = [
        users("create", "--email", email, "--org", org, "--role", "boss", password=PASSWORD),
        users("create", "--email", "not-an-address", "--org", org, password=PASSWORD),
        users("create", "--email", email, "--org", org, password="short"),
        users("create", "--email", email, "--org", org),  # no password and no terminal to ask on
    ]
    assert [b.returncode for b in bad] == [2, 2, 2, 1], [b.stderr[-300:] for b in bad]
    assert "--role" in bad[0].stderr and "--email" in bad[1].stderr and "10 to 256 characters" in bad[2].stderr


def _serve(url: str, tmp_path, port: int, **env_extra: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "OUTBOX_DIR": str(tmp_path / "outbox"),
           "VIPERATRON_PUBLIC_URL": f"http://127.0.0.1:{port}", **env_extra}
    env.pop("REDIS_URL", None)
    env.pop("VIPERATRON_SIGNUP", None)
    return subprocess.Popen([sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--no-worker"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _setup_link(server: subprocess.Popen) -> str | None:
    """The one-time link on stderr (printed before the server starts), or None."""
    for _ in range(50):
        line = server.stderr.readline()
        if not line or "Application startup complete" in line or "Uvicorn running" in line:
            return None
        match = re.search(r"one-time link, 24 h\): (\S+)", line)
        if match:
            return match[1]
    return None


def test_first_start_prints_a_one_time_link_that_creates_the_owner_of_default(tmp_path):
    url, port = f"sqlite://{tmp_path / 'first.db'}", free_port()
    base = f"http://127.0.0.1:{port}"
    server = _serve(url, tmp_path, port)
    try:
        key = server.stdout.readline().strip()  # stdout still carries only the first key
        assert re.fullmatch(r"et_live_[A-Za-z0-9]{32}", key)
        link = _setup_link(server)
        assert link and link.startswith(f"{base}/dashboard/setup?token="), link
        wait_until_healthy(base, server)
        token = link.split("token=", 1)[1]
        body = {"token": token, "email": "owner@example.com", "password": PASSWORD}
        created = httpx.post(f"{base}/auth/setup", json=body, headers={"Origin": base})
        assert created.status_code == 201, created.text
        assert (created.json()["organizationName"], created.json()["role"]) == ("default", "owner")
        cookie = created.cookies.get("viperatron_session")
        viewer = httpx.post(f"{base}/graphql", json={"query": VIEWER},
                            headers={"Origin": base, "Cookie": f"viperatron_session={cookie}"}).json()
        assert viewer["data"]["viewer"]["organization"]["name"] == "default"
        assert viewer["data"]["viewer"]["role"] == "OWNER"
        # One time only; and sign-up now needs an invitation (the default mode).
        body["email"] = "second@example.com"
        assert httpx.post(f"{base}/auth/setup", json=body, headers={"Origin": base}).status_code == 422
        refused = httpx.post(f"{base}/auth/signup", json={"email": "third@example.com", "password": PASSWORD},
                             headers={"Origin": base})
        assert refused.status_code == 403
    finally:
        server.terminate()
        server.communicate(timeout=10)
    # An account exists: the next start prints no link.
    again = _serve(url, tmp_path, port)
    try:
        assert _setup_link(again) is None
    finally:
        again.terminate()
        again.communicate(timeout=10)


def test_the_first_sign_up_owns_default_and_later_ones_need_an_invitation(tmp_path):
    url, port = f"sqlite://{tmp_path / 'signup.db'}", free_port()
    base = f"http://127.0.0.1:{port}"
    server = _serve(url, tmp_path, port)
    try:
        wait_until_healthy(base, server)
        first = httpx.post(f"{base}/auth/signup", json={"email": "first@example.com", "password": PASSWORD},
                           headers={"Origin": base})
        assert first.status_code == 201, first.text
        assert (first.json()["organizationName"], first.json()["role"]) == ("default", "owner")
        later = httpx.post(f"{base}/auth/signup", json={"email": "later@example.com", "password": PASSWORD},
                           headers={"Origin": base})
        assert later.status_code == 403 and later.json()["error"]["code"] == "forbidden"
    finally:
        server.terminate()
        server.communicate(timeout=10)
