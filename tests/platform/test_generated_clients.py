"""Client generators take the live /openapi.json without a warning: openapi-python-client (pip,
dev extra) and openapi-typescript (npm, tools/clients, `npm ci`). The generated Python client
then sends, upserts and ingests against the real server."""

from __future__ import annotations

import importlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

TOOLS = ROOT / "tools" / "clients"
WARNING = re.compile(r"warn|⚠|error|unsupported|skipp|unable", re.IGNORECASE)


def run(command: list[str], cwd: Path) -> str:
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=180, env=env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    return output


def test_openapi_typescript_takes_the_document_without_a_warning(live_server, tmp_path):
    if shutil.which("npx") is None or not (TOOLS / "node_modules" / ".bin" / "openapi-typescript").exists():
        if os.environ.get("CI"):
            pytest.fail("openapi-typescript is not installed: run `npm ci` in tools/clients (make clients)")
        pytest.skip("openapi-typescript is not installed: `npm ci` in tools/clients (make clients)")
    out = tmp_path / "viperatron.d.ts"
    output = run(["npx", "--no-install", "openapi-typescript", f"{live_server}/openapi.json", "-o", str(out)], TOOLS)
    assert not WARNING.search(output), output
    types = out.read_text()
    for operation in ("sendEmail", "upsertContact", "ingestEvent", "listMessages", "getContact"):
        assert f"{operation}: {{" in types, operation
    assert '"X-RateLimit-Remaining-Minute"' in types and "MessageStatus" in types


def test_openapi_python_client_takes_the_document_without_a_warning(live_server, tmp_path):
    output = run(
        [str(Path(sys.executable).parent / "openapi-python-client"), "generate", "--url", f"{live_server}/openapi.json",
         "--output-path", str(tmp_path / "viperatron_client"), "--meta", "none",
         "--config", str(TOOLS / "openapi-python-client.yml")],
        tmp_path,
    )
    assert not WARNING.search(output), output
    assert (tmp_path / "viperatron_client" / "api" / "delivery" / "send_email.py").exists()


async def test_the_generated_python_client_sends_upserts_and_ingests(live_server, tmp_path, make_key):
    run(
        [str(Path(sys.executable).parent / "openapi-python-client"), "generate", "--url", f"{live_server}/openapi.json",
         "--output-path", str(tmp_path / "viperatron_client"), "--meta", "none",
         "--config", str(TOOLS / "openapi-python-client.yml")],
        tmp_path,
    )
    key = await make_key()
    sys.path.insert(0, str(tmp_path))
    try:
        client_module = importlib.import_module("viperatron_client")
        from viperatron_client.api.contacts import upsert_contact
        from viperatron_client.api.delivery import send_email
        from viperatron_client.api.pipelines import ingest_event
        from viperatron_client.models import ContactUpsert, IngestEvent, MessageStatus, SendEmail

        client = client_module.AuthenticatedClient(base_url=live_server, token=key.plaintext)
        sent = await send_email.asyncio_detailed(client=client, body=SendEmail.from_dict({
            "to": "customer@example.com", "from": "hello@acme.com", "subject": "Welcome to Acme",
            "html": "<h1>Hi {{firstName}}</h1><p>Thanks for signing up.</p>",
        }))
        assert sent.status_code == 202, sent.content
        assert sent.parsed.status == MessageStatus.QUEUED and sent.parsed.message_id.startswith("msg_")
        assert sent.headers["X-RateLimit-Remaining-Minute"] and sent.headers["X-Request-Id"].startswith("req_")

        upserted = await upsert_contact.asyncio_detailed(client=client, body=ContactUpsert.from_dict({
            "email": "jane@example.com", "firstName": "Jane", "lastName": "Doe",
            "tags": ["newsletter", "early-access"], "customFields": {"plan": "pro"},
        }))
        assert upserted.status_code == 201, upserted.content
        assert upserted.parsed.id.startswith("ct_") and upserted.parsed.tags == ["newsletter", "early-access"]

        ingested = await ingest_event.asyncio_detailed(client=client, body=IngestEvent.from_dict({
            "email": "jane@example.com", "eventType": "order.placed", "value": 129.00, "currency": "USD",
            "properties": {"orderId": "ord_1a2b3c", "sku": "ACME-TEE-L"},
        }), idempotency_key="generated-client-1")
        assert ingested.status_code == 202, ingested.content
        assert ingested.parsed.event_id.startswith("evt_")
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == "viperatron_client" or m.startswith("viperatron_client.")]:
            del sys.modules[name]
