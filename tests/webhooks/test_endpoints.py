"""Webhook endpoints for integrators: events of messages and contacts POSTed to a real HTTP
receiver with a signature that verifies, retried after a failure, a test event, secret
rotation, the delivery log; bad input, test keys and other organizations."""

from __future__ import annotations

import asyncio
import re
from urllib.parse import urlsplit

from app.engines.webhooks import verify
from models import WebhookDelivery
from tests.helpers import gql, send_ok, webhook_runner

EVERYTHING = ["message.queued", "message.sent", "message.opened", "message.clicked", "contact.created",
              "contact.updated"]


async def add_endpoint(client, key, url: str, events=EVERYTHING) -> dict:
    response = await client.post("/api/v1/webhooks", json={"url": url, "events": events, "description": "CRM"},
                                 headers=key.headers)
    assert response.status_code == 201, response.text
    return response.json()


def html_of(received) -> str:
    return next(p for p in received.message.walk() if p.get_content_type() == "text/html").get_content()


async def test_events_arrive_signed_in_order_from_send_to_click(client, key, settings, worker, smtp_sink,
                                                                  webhook_receiver, allow_private, make_key):
    endpoint = await add_endpoint(client, key, webhook_receiver.url)
    assert endpoint["id"].startswith("whe_") and endpoint["secret"].startswith("whsec_")
    message_id = await send_ok(client, key, to="jane@example.com", subject="S", html='<a href="https://acme.com/x">x</a>',
                               tracking={"opens": True, "clicks": True})
    await worker.drain()
    html = html_of(smtp_sink.received_by_id(message_id)[0])
    for path in re.findall(r'"(http://[^"]+/t/[oc]/[^"]+)"', html):
        await client.get(urlsplit(path).path, headers={"User-Agent": "Thunderbird/128"})
    created = await client.post("/api/v1/contacts", json={"email": "new@example.com"}, headers=key.headers)
    assert created.status_code == 201
    # A test key's traffic goes to no endpoint.
    test_key = await make_key(org=key.organization_name, test=True)
    await send_ok(client, test_key, to="jane@example.com", subject="S", text="T")
    await webhook_runner(settings).drain()

    calls = webhook_receiver.received
    kinds = [c.json()["type"] for c in calls]
    assert kinds[:2] == ["message.queued", "message.sent"] and set(kinds) == {
        "message.queued", "message.sent", "message.opened", "message.clicked", "contact.created"}
    assert len(calls) == 5  # the test key's send is not among them
    for call in calls:
        assert verify(endpoint["secret"], call.headers["Viperatron-Signature"], call.body), call.json()
        assert call.headers["Viperatron-Webhook-Id"] == call.json()["id"] and call.json()["id"].startswith("wev_")
    by_type = {c.json()["type"]: c.json()["data"] for c in calls}
    assert by_type["message.sent"]["messageId"] == message_id and by_type["message.sent"]["to"] == ["jane@example.com"]
    assert by_type["message.clicked"] == {"messageId": message_id, "url": "https://acme.com/x", "agentClass": "human",
                                         "userAgent": "Thunderbird/128"}
    assert by_type["contact.created"]["email"] == "new@example.com"
    log = (await client.get(f"/api/v1/webhooks/{endpoint['id']}/deliveries", headers=key.headers)).json()
    assert len(log["data"]) == 5 and {d["status"] for d in log["data"]} == {"delivered"}
    assert log["data"][0]["lastDetail"].startswith("HTTP 200")


async def test_a_failing_receiver_is_tried_again_and_a_test_event_goes_to_one_endpoint(
    client, key, settings, webhook_receiver, allow_private,
):
    endpoint = await add_endpoint(client, key, webhook_receiver.url, ["contact.updated"])
    webhook_receiver.script = [500]
    queued = await client.post(f"/api/v1/webhooks/{endpoint['id']}/test", headers=key.headers)
    assert queued.status_code == 202 and queued.json()["eventType"] == "webhook.test"
    runner = webhook_runner(settings)
    for _ in range(50):  # 500, then the retry (due 10 ms later)
        await runner.drain()
        if len(webhook_receiver.received) == 2:
            break
        await asyncio.sleep(0.02)
    assert [c.status for c in webhook_receiver.received] == [500, 200]
    delivery = await WebhookDelivery.get(id=queued.json()["id"])
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    # A new secret signs what follows.
    rotated = (await client.post(f"/api/v1/webhooks/{endpoint['id']}/rotate-secret", headers=key.headers)).json()
    assert rotated["secret"] != endpoint["secret"]
    await client.post(f"/api/v1/webhooks/{endpoint['id']}/test", headers=key.headers)
    await runner.drain()
    last = webhook_receiver.received[-1]
    assert verify(rotated["secret"], last.headers["Viperatron-Signature"], last.body)
    assert not verify(endpoint["secret"], last.headers["Viperatron-Signature"], last.body)
    # Turned off: no new events.
    await client.patch(f"/api/v1/webhooks/{endpoint['id']}", json={"enabled": False}, headers=key.headers)
    contact = (await client.post("/api/v1/contacts", json={"email": "x@example.com"}, headers=key.headers)).json()
    await client.patch(f"/api/v1/contacts/{contact['id']}", json={"firstName": "X"}, headers=key.headers)
    assert await WebhookDelivery.filter(endpoint_id=endpoint["id"], event_type="contact.updated").count() == 0


async def test_bad_input_test_keys_and_other_organizations(client, key, make_key, webhook_receiver):
    for body, field in (({"url": "ftp://example.com/x", "events": ["message.sent"]}, "url"),
                        ({"url": "http://127.0.0.1:9/x", "events": ["message.sent"]}, "url"),  # a private address
                        ({"url": "https://example.com/x", "events": []}, "events"),
                        ({"url": "https://example.com/x", "events": ["message.nope"]}, "events.0"),
                        ({"events": ["message.sent"]}, "url")):
        response = await client.post("/api/v1/webhooks", json=body, headers=key.headers)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["error"]["details"][0]["field"] == field, response.json()
    endpoint = await add_endpoint(client, key, "https://example.com/hooks")
    test_key = await make_key(org=key.organization_name, test=True)
    assert (await client.post("/api/v1/webhooks", json={"url": "https://example.com/t", "events": ["message.sent"]},
                              headers=test_key.headers)).status_code == 403
    seen_by_test_key = (await client.get(f"/api/v1/webhooks/{endpoint['id']}", headers=test_key.headers)).json()
    assert seen_by_test_key["secret"] is None  # a test key never sees a live secret
    other = await make_key()
    for method, path in (("GET", ""), ("PATCH", ""), ("DELETE", ""), ("POST", "/test"), ("POST", "/rotate-secret"),
                         ("GET", "/deliveries")):
        response = await client.request(method, f"/api/v1/webhooks/{endpoint['id']}{path}", headers=other.headers,
                                        **({"json": {"enabled": False}} if method == "PATCH" else {}))
        assert response.status_code == 404, (method, path, response.text)
    assert (await client.get("/api/v1/webhooks", headers=other.headers)).json()["data"] == []
    graphql = (await gql(client, other, "query($id: ID!) { webhookEndpoint(id: $id) { id } webhookEndpoints { id } }",
                         {"id": endpoint["id"]})).json()["data"]
    assert graphql == {"webhookEndpoint": None, "webhookEndpoints": []}
    mine = (await gql(client, key, "query($id: ID!) { webhookEndpoint(id: $id) { url events enabled deliveries(first: 5) "
                      "{ edges { node { id } } } } }", {"id": endpoint["id"]})).json()["data"]["webhookEndpoint"]
    assert mine["url"] == "https://example.com/hooks" and mine["enabled"] is True
    deleted = await client.delete(f"/api/v1/webhooks/{endpoint['id']}", headers=key.headers)
    assert deleted.status_code == 200
    assert (await client.get(f"/api/v1/webhooks/{endpoint['id']}", headers=key.headers)).status_code == 404
