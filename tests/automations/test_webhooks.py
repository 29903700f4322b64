"""Webhook steps: a real HTTP receiver on 127.0.0.1 (allowed by setting) gets a signed JSON
POST; failed tries are retried with back-off; loopback, private and link-local receivers are
refused by default, when the automation is saved and again when the call would be made."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import timedelta

import pytest

from app.engines import webhooks
from app.engines.automations import now
from models import AutomationRun
from tests.helpers import (
    automation_body,
    automation_ok,
    contact_of,
    eventually,
    free_port,
    gql,
    ingest_order,
    run_until_settled,
    runner_for,
    runs_of,
    settled_run,
    start_loops,
    verify_signature,
)
from tests.support.smtp_server import make_self_signed_cert

HOOK_THEN_TAG = lambda url: [{"type": "webhook", "url": url}, {"type": "addTag", "tag": "buyer"}]  # noqa: E731


async def test_a_webhook_step_posts_signed_json(client, key, settings, allow_private, webhook_receiver):
    await client.post("/api/v1/contacts", json={"email": "jane@example.com", "firstName": "Jane"}, headers=key.headers)
    created = await automation_ok(client, key, automation_body(steps=HOOK_THEN_TAG(webhook_receiver.url)))
    secret = created["webhookSecret"]
    assert secret.startswith("whsec_") and len(secret) > 40
    event_id = await ingest_order(client, key)
    run = await run_until_settled(runner_for(settings), created["id"])
    assert run.status == "completed"

    [call] = webhook_receiver.received
    assert call.path == "/hooks/orders" and call.status == 200
    assert call.headers["Content-Type"] == "application/json"
    assert call.headers["User-Agent"].startswith("Viperatron-Webhooks/")
    assert call.headers["Viperatron-Webhook-Id"] == f"{run.id}.0"
    assert call.headers["Viperatron-Webhook-Attempt"] == "1"
    assert verify_signature(secret, call.headers["Viperatron-Signature"], call.body)
    assert webhooks.verify(secret, call.headers["Viperatron-Signature"], call.body)
    # A changed body, or another automation's secret, does not verify.
    assert not verify_signature(secret, call.headers["Viperatron-Signature"], call.body.replace(b"129", b"999"))
    assert not verify_signature("whsec_other", call.headers["Viperatron-Signature"], call.body)

    body = call.json()
    assert body["id"] == f"{run.id}.0" and body["type"] == "automation.webhook"
    assert (body["automationId"], body["runId"], body["stepIndex"]) == (created["id"], run.id, 0)
    assert body["event"]["id"] == event_id and body["event"]["type"] == "order.placed"
    assert body["event"]["value"] == "129.00" and body["event"]["currency"] == "USD"
    assert body["event"]["properties"]["orderId"] == "ord_1a2b3c"
    assert body["contact"]["email"] == "jane@example.com" and body["contact"]["firstName"] == "Jane"

    [logged] = await runs_of(client, key, created["id"])
    assert [(s["type"], s["status"]) for s in logged["steps"]] == [("webhook", "completed"), ("addTag", "completed")]
    assert "HTTP 200" in logged["steps"][0]["detail"]
    assert (await contact_of(client, key))["tags"] == ["buyer"]


async def test_a_receiver_that_fails_twice_gets_a_third_delivery(client, key, settings, allow_private, webhook_receiver):
    webhook_receiver.script = [500, 503]
    created = await automation_ok(client, key, automation_body(steps=HOOK_THEN_TAG(webhook_receiver.url)))
    await ingest_order(client, key)
    runner = runner_for(settings)
    assert await runner.drain() == ["retrying"]
    [logged] = await runs_of(client, key, created["id"])
    assert logged["status"] == "waiting" and logged["currentStep"] == 0  # the step has not advanced
    assert (await contact_of(client, key))["tags"] == []

    run = await run_until_settled(runner, created["id"])
    assert run.status == "completed"
    calls = webhook_receiver.received
    assert [c.status for c in calls] == [500, 503, 200]
    assert {c.headers["Viperatron-Webhook-Id"] for c in calls} == {f"{run.id}.0"}  # one delivery, three tries
    assert [c.headers["Viperatron-Webhook-Attempt"] for c in calls] == ["1", "2", "3"]
    assert all(verify_signature(created["webhookSecret"], c.headers["Viperatron-Signature"], c.body) for c in calls)
    [logged] = await runs_of(client, key, created["id"])
    assert [(s["type"], s["status"]) for s in logged["steps"]] == [
        ("webhook", "retrying"), ("webhook", "retrying"), ("webhook", "completed"), ("addTag", "completed"),
    ]
    assert "HTTP 500" in logged["steps"][0]["detail"] and "try 1 of 8" in logged["steps"][0]["detail"]
    assert "HTTP 503" in logged["steps"][1]["detail"] and "(try 3)" in logged["steps"][2]["detail"]
    assert (await contact_of(client, key))["tags"] == ["buyer"]  # the next step ran once, after the webhook


async def test_the_step_fails_after_the_last_try(client, key, settings, allow_private, webhook_receiver):
    webhook_receiver.script = [500, 500, 500]
    created = await automation_ok(client, key, automation_body(steps=HOOK_THEN_TAG(webhook_receiver.url)))
    await ingest_order(client, key)
    run = await run_until_settled(runner_for(settings, webhook_max_attempts=2), created["id"])
    assert run.status == "failed" and "HTTP 500" in run.error and "after 2 tries" in run.error
    assert len(webhook_receiver.received) == 2
    [logged] = await runs_of(client, key, created["id"])
    assert [s["status"] for s in logged["steps"]] == ["retrying", "failed"]
    assert (await contact_of(client, key))["tags"] == []  # later steps never ran


async def test_an_unreachable_receiver_is_retried(client, key, settings, allow_private):
    url = f"http://127.0.0.1:{free_port()}/nobody-listens"
    created = await automation_ok(client, key, automation_body(steps=HOOK_THEN_TAG(url)))
    await ingest_order(client, key)
    assert await runner_for(settings).drain() == ["retrying"]
    [logged] = await runs_of(client, key, created["id"])
    assert logged["status"] == "waiting" and "connection failed" in logged["steps"][0]["detail"]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook", "http://127.0.0.1:8000/hook", "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/hook", "http://192.168.1.10/", "http://172.16.0.1/", "http://100.64.0.1/", "http://0.0.0.0/",
        "http://[::1]/hook", "http://[::ffff:127.0.0.1]/", "http://[fe80::1]/", "http://[fd00::1]/",
        "http://localhost:8000/", "http://api.localhost/", "https://2130706433/", "http://0x7f.1/", "http://127.1/",
    ],
)
async def test_private_receivers_are_refused_by_default(client, key, url):
    response = await client.post("/api/v1/automations", json=automation_body(steps=[{"type": "webhook", "url": url}]),
                                 headers=key.headers)
    assert response.status_code == 422, (url, response.text)
    [detail] = response.json()["error"]["details"]
    assert detail["field"] == "steps.0.url" and detail["code"] in ("blocked_address", "invalid_url"), detail
    assert (await client.get("/api/v1/automations", headers=key.headers)).json()["data"] == []


@pytest.mark.parametrize(
    "url", ["ftp://example.com/hook", "file:///etc/passwd", "javascript:alert(1)", "example.com/hook", "http://",
            "http://exa mple.com/", "http://example.com:99999/"],
)
async def test_only_http_urls_are_accepted(client, key, url):
    response = await client.post("/api/v1/automations", json=automation_body(steps=[{"type": "webhook", "url": url}]),
                                 headers=key.headers)
    assert response.status_code == 422, (url, response.text)
    assert response.json()["error"]["details"][0]["code"] == "invalid_url"


async def test_public_urls_are_accepted_and_the_secret_is_stable(client, key):
    created = await automation_ok(client, key, automation_body(steps=[{"type": "webhook", "url": "https://shop.example.com/hooks"}]))
    assert created["steps"] == [{"type": "webhook", "url": "https://shop.example.com/hooks"}]
    again = (await client.get(f"/api/v1/automations/{created['id']}", headers=key.headers)).json()
    assert again["webhookSecret"] == created["webhookSecret"]
    other = await automation_ok(client, key, automation_body(name="Other"))
    assert other["webhookSecret"] != created["webhookSecret"]
    query = "query($id: ID!) { automation(id: $id) { webhookSecret } }"
    data = (await gql(client, key, query, {"id": created["id"]})).json()["data"]
    assert data["automation"]["webhookSecret"] == created["webhookSecret"]


async def test_a_private_receiver_is_refused_at_call_time_too(client, key, settings, allow_private, webhook_receiver):
    # Saved while private addresses were allowed; the worker's own setting says no.
    created = await automation_ok(client, key, automation_body(steps=HOOK_THEN_TAG(webhook_receiver.url)))
    await ingest_order(client, key)
    run = await run_until_settled(runner_for(settings, webhook_allow_private=False), created["id"])
    assert run.status == "failed" and "loopback, private or link-local" in run.error
    assert webhook_receiver.received == []
    [logged] = await runs_of(client, key, created["id"])
    assert [(s["type"], s["status"]) for s in logged["steps"]] == [("webhook", "failed")]


async def test_a_host_name_is_checked_after_resolving(monkeypatch):
    async def resolves_to_metadata(host, port):
        return [webhooks.ipaddress.ip_address("169.254.169.254")]

    monkeypatch.setattr(webhooks, "_resolve", resolves_to_metadata)
    outcome = await webhooks.deliver("https://hooks.example.com/x", "whsec_x", {}, "d", 1, webhooks.Policy())
    assert (outcome.delivered, outcome.retryable) == (False, False)
    assert "resolves to a blocked address" in outcome.detail


async def test_other_organizations_cannot_see_the_secret(client, key, make_key):
    created = await automation_ok(client, key, automation_body())
    other = await make_key()
    response = await client.get(f"/api/v1/automations/{created['id']}", headers=other.headers)
    assert response.status_code == 404 and "whsec_" not in response.text
    query = "query($id: ID!) { automation(id: $id) { webhookSecret } }"
    data = (await gql(client, other, query, {"id": created["id"]})).json()["data"]
    assert data == {"automation": None}


async def test_a_webhook_retry_waits_for_its_time(client, key, settings, allow_private, webhook_receiver):
    webhook_receiver.script = [500]
    created = await automation_ok(client, key, automation_body(steps=HOOK_THEN_TAG(webhook_receiver.url)))
    await ingest_order(client, key, **{"eventId": "order-77"})
    runner = runner_for(settings, webhook_retry_base_seconds=3600, webhook_retry_max_interval_seconds=7200)
    assert await runner.drain() == ["retrying"]
    assert await runner.drain() == []  # not due for about an hour
    run = await AutomationRun.get(automation_id=created["id"])
    assert run.due_at > now() + timedelta(minutes=40) and run.step_attempts == 1
    await AutomationRun.filter(id=run.id).update(due_at=now() - timedelta(seconds=1))
    assert await runner.drain() == ["completed"]
    assert [c.status for c in webhook_receiver.received] == [500, 200]
    assert json.loads(webhook_receiver.received[1].body)["event"]["eventId"] == "order-77"


def test_the_call_goes_to_the_checked_address_with_the_name_as_host():
    target, host = webhooks._pinned("https://u:p@hooks.example.com:8443/x?y=1", webhooks.ipaddress.ip_address("93.184.215.14"))
    assert (target, host) == ("https://u:p@93.184.215.14:8443/x?y=1", "hooks.example.com:8443")
    target, host = webhooks._pinned("http://hooks.example.com/x", webhooks.ipaddress.ip_address("2606:2800::1"))
    assert (target, host) == ("http://[2606:2800::1]/x", "hooks.example.com")


async def test_https_calls_send_the_host_name_as_sni_and_verify_the_certificate(monkeypatch, tmp_path):
    """Pinned to 127.0.0.1, the TLS handshake still names hooks.example.com; the self-signed
    certificate (CN=127.0.0.1) is not trusted, so the call fails (and would be retried)."""
    tls = make_self_signed_cert(tmp_path)
    seen: list[str | None] = []
    context = tls.server_context()
    context.sni_callback = lambda sock, name, ctx: seen.append(name)
    server = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", 0, ssl=context)
    port = server.sockets[0].getsockname()[1]

    async def resolves_to_loopback(host, port):
        return [webhooks.ipaddress.ip_address("127.0.0.1")]

    monkeypatch.setattr(webhooks, "_resolve", resolves_to_loopback)
    try:
        outcome = await webhooks.deliver(f"https://hooks.example.com:{port}/x", "whsec_x", {}, "d", 1,
                                         webhooks.Policy(allow_private=True))
    finally:
        server.close()
    assert seen == ["hooks.example.com"]
    assert (outcome.delivered, outcome.retryable) == (False, True) and "CERTIFICATE_VERIFY_FAILED" in outcome.detail


async def test_a_huge_error_answer_is_not_read_whole(client, key, settings, allow_private, webhook_receiver):
    webhook_receiver.script = [502]
    webhook_receiver.failure_body = b"<html>" + b"x" * 5_000_000
    created = await automation_ok(client, key, automation_body(steps=HOOK_THEN_TAG(webhook_receiver.url)))
    await ingest_order(client, key)
    assert await runner_for(settings).drain() == ["retrying"]
    [logged] = await runs_of(client, key, created["id"])
    detail = logged["steps"][0]["detail"]
    assert detail.startswith("HTTP 502: <html>xxx") and len(detail) < 400


async def test_rotating_the_secret_signs_later_calls_with_the_new_one(
    client, key, make_key, settings, allow_private, webhook_receiver
):
    webhook_receiver.script = [500]
    created = await automation_ok(client, key, automation_body(steps=HOOK_THEN_TAG(webhook_receiver.url)))
    await ingest_order(client, key)
    runner = runner_for(settings)
    assert await runner.drain() == ["retrying"]
    rotated = await client.post(f"/api/v1/automations/{created['id']}/rotate-webhook-secret", headers=key.headers)
    assert rotated.status_code == 200, rotated.text
    secret = rotated.json()["webhookSecret"]
    assert secret.startswith("whsec_") and secret != created["webhookSecret"]
    assert (await client.get(f"/api/v1/automations/{created['id']}", headers=key.headers)).json()["webhookSecret"] == secret
    await run_until_settled(runner, created["id"])
    first, retry = webhook_receiver.received
    assert verify_signature(created["webhookSecret"], first.headers["Viperatron-Signature"], first.body)
    assert verify_signature(secret, retry.headers["Viperatron-Signature"], retry.body)  # the retry: new secret
    assert not verify_signature(created["webhookSecret"], retry.headers["Viperatron-Signature"], retry.body)

    mutation = """mutation($id: ID!) { rotateAutomationWebhookSecret(input: {id: $id}) {
        automation { webhookSecret } userErrors { code } } }"""
    payload = (await gql(client, key, mutation, {"id": created["id"]})).json()["data"]["rotateAutomationWebhookSecret"]
    assert payload["userErrors"] == [] and payload["automation"]["webhookSecret"] not in (secret, created["webhookSecret"])
    other = await make_key()
    payload = (await gql(client, other, mutation, {"id": created["id"]})).json()["data"]["rotateAutomationWebhookSecret"]
    assert payload == {"automation": None, "userErrors": [{"code": "not_found"}]}


# IPv6 addresses that carry an IPv4 address are judged by that IPv4 address.
EMBEDDED_PRIVATE = [
    "::127.0.0.1",  # IPv4-compatible
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:0:7f00:1",  # SIIT (IPv4-translated) 127.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "64:ff9b:1::a00:1",  # local-use NAT64 (RFC 8215) of 10.0.0.1
    "2002:7f00:1::",  # 6to4 of 127.0.0.1
    "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
    "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1 (XOR-ed)
]


@pytest.mark.parametrize("address", EMBEDDED_PRIVATE)
async def test_ipv6_forms_of_private_ipv4_addresses_are_refused_when_saved(client, key, address):
    body = automation_body(steps=[{"type": "webhook", "url": f"http://[{address}]/hook"}])
    response = await client.post("/api/v1/automations", json=body, headers=key.headers)
    assert response.status_code == 422, (address, response.text)
    [detail] = response.json()["error"]["details"]
    assert (detail["field"], detail["code"]) == ("steps.0.url", "blocked_address"), detail


@pytest.mark.parametrize("address", EMBEDDED_PRIVATE)
async def test_ipv6_forms_of_private_ipv4_addresses_are_refused_at_call_time(monkeypatch, address):
    async def resolves_to(host, port):
        return [webhooks.ipaddress.ip_address(address)]

    monkeypatch.setattr(webhooks, "_resolve", resolves_to)
    outcome = await webhooks.deliver("https://hooks.example.com/x", "whsec_x", {}, "d", 1, webhooks.Policy())
    assert (outcome.delivered, outcome.retryable) == (False, False)
    assert "resolves to a blocked address" in outcome.detail


@pytest.mark.parametrize(
    "address", ["64:ff9b::808:808", "2002:808:808::1", "2001:0:4136:e378:8000:63bf:f7f7:f7f7", "2606:4700::1111"]
)
def test_ipv6_forms_of_public_ipv4_addresses_are_allowed(address):
    assert not webhooks.blocked(webhooks.ipaddress.ip_address(address))


# ----------------------------------------------------------------------------- slow receivers


async def test_a_receiver_that_drips_its_answer_is_cut_off_at_the_timeout(
    client, key, settings, allow_private, webhook_receiver
):
    """A byte every 0.3 s never trips a per-read timeout; the try has one deadline (1 s here,
    VIPERATRON_WEBHOOK_TIMEOUT_SECONDS) from connecting to the last byte of the answer."""
    webhook_receiver.drip_seconds = 0.3
    created = await automation_ok(client, key, automation_body(steps=HOOK_THEN_TAG(webhook_receiver.url)))
    await ingest_order(client, key)
    runner = runner_for(settings, webhook_timeout_seconds=1.0)
    started = time.monotonic()
    async with asyncio.timeout(4):  # the drip alone lasts ~15 s
        assert await runner.drain() == ["retrying"]
    assert 0.9 < time.monotonic() - started < 2.0
    [logged] = await runs_of(client, key, created["id"])
    assert logged["status"] == "waiting"
    assert [(s["type"], s["status"]) for s in logged["steps"]] == [("webhook", "retrying")]
    assert logged["steps"][0]["detail"].startswith("no answer within 1 s")
    await AutomationRun.filter(automation_id=created["id"]).update(status="failed")  # not for later runners


async def test_a_slow_receiver_is_called_once_while_the_lease_is_renewed(
    client, key, settings, allow_private, webhook_receiver
):
    """Lease 0.6 s, the receiver answers after 2 s: the runner renews its claim, so neither its
    other slots nor a second runner take the run over and call the receiver again."""
    webhook_receiver.delay_seconds = 2.0
    created = await automation_ok(client, key, automation_body(steps=HOOK_THEN_TAG(webhook_receiver.url)))
    await ingest_order(client, key)
    stop = await start_loops(runner_for(settings, lease_seconds=0.6), runner_for(settings, lease_seconds=0.6))
    try:
        run = await eventually(lambda: settled_run(created["id"]), timeout=6, what="the run settled")
    finally:
        await stop()
    assert run.status == "completed" and run.attempts == 1
    assert len(webhook_receiver.received) == 1
    [logged] = await runs_of(client, key, created["id"])
    assert [(s["type"], s["status"]) for s in logged["steps"]] == [("webhook", "completed"), ("addTag", "completed")]


async def test_one_organizations_slow_receiver_leaves_room_for_another(
    client, key, make_key, settings, allow_private, webhook_receiver
):
    """Six runs of one organization wait on a receiver that takes 1 s; another organization's
    run, started after them, completes at once: one organization holds at most half of the
    runner's slots, and waiting on a webhook never stops the runner from claiming."""
    webhook_receiver.delay_seconds = 1.0
    slow = await automation_ok(client, key, automation_body(steps=[{"type": "webhook", "url": webhook_receiver.url}]))
    for i in range(6):
        await ingest_order(client, key, eventId=f"order-{i}")
    other = await make_key()
    quick = await automation_ok(client, other, automation_body())
    await ingest_order(client, other)
    stop = await start_loops(runner_for(settings, worker_concurrency=4))
    try:
        started = time.monotonic()
        run = await eventually(lambda: settled_run(quick["id"]), timeout=3, what="the other organization's run settled")
        took = time.monotonic() - started
    finally:
        await stop()
        await AutomationRun.filter(automation_id=slow["id"], status__in=("pending", "running", "waiting")).update(
            status="failed"
        )
    assert run.status == "completed"
    assert took < 0.8, f"the other organization's run waited {took:.1f} s"
    assert (await contact_of(client, other))["tags"] == ["buyer"]
