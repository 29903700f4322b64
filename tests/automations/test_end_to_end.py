"""The issue's "done when", end to end: an automation made through GraphQL (as in GraphiQL);
the seed's `order.placed` curl body; the receipt arriving over SMTP, the tag, the signed
webhook, and the revenue in analytics, including a repeat order attributed to the automation."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

from models import Message
from tests.helpers import automation_runner, gql, verify_signature

SEED_EVENT = {  # the seed reference's curl, as written
    "email": "jane@example.com",
    "eventType": "order.placed",
    "value": 129.00,
    "currency": "USD",
    "properties": {"orderId": "ord_1a2b3c", "sku": "ACME-TEE-L"},
}

CREATE = """mutation($input: AutomationInput!) {
  createAutomation(input: $input) { automation { id webhookSecret } userErrors { field message code } }
}"""


async def test_order_placed_sends_a_receipt_tags_calls_the_webhook_and_shows_revenue(
    client, key, settings, worker, smtp_sink, webhook_receiver, allow_private
):
    steps = [
        {"type": "sendEmail", "from": "Acme Shop <shop@acme.com>", "subject": "Receipt for {{event.properties.orderId}}",
         "html": "<p>Thanks{% if firstName %} {{firstName}}{% endif %}! You paid {{event.value}} {{event.currency}}.</p>"},
        {"type": "addTag", "tag": "customer"},
        {"type": "webhook", "url": webhook_receiver.url},
    ]
    # GraphQL takes each step as a typed (oneOf) input: {"<type>": {…its fields}}.
    typed_steps = [{step["type"]: {k: v for k, v in step.items() if k != "type"}} for step in steps]
    variables = {"input": {"name": "Receipt", "trigger": {"eventType": "order.placed"}, "steps": typed_steps}}
    payload = (await gql(client, key, CREATE, variables)).json()["data"]["createAutomation"]
    assert payload["userErrors"] == []
    automation = payload["automation"]

    response = await client.post("/api/v1/pipelines/events", json=SEED_EVENT, headers=key.headers)
    assert response.status_code == 202, response.text
    runner = automation_runner(dataclasses.replace(settings, webhook_allow_private=True))
    assert await runner.drain() == ["completed"]
    await worker.drain()

    # The receipt arrived over SMTP.
    [message] = await Message.filter(organization_id=key.organization_id)
    assert message.status == "sent"
    [receipt] = smtp_sink.received_by_id(message.id)
    assert receipt.rcpt_tos == ["jane@example.com"] and receipt.message["Subject"] == "Receipt for ord_1a2b3c"
    html = next(p for p in receipt.message.walk() if p.get_content_type() == "text/html").get_content()
    assert "You paid 129.00 USD." in html
    # The tag is on the contact.
    contact = (await client.get("/api/v1/contacts/by-email/jane@example.com", headers=key.headers)).json()
    assert contact["tags"] == ["customer"]
    # The webhook fired, signed.
    [call] = webhook_receiver.received
    assert verify_signature(automation["webhookSecret"], call.headers["Viperatron-Signature"], call.body)
    assert call.json()["event"]["properties"]["orderId"] == "ord_1a2b3c"

    # A repeat order after the receipt: its revenue is attributed to the automation.
    repeat = {**SEED_EVENT, "value": 20.50, "properties": {"orderId": "ord_repeat"}}
    assert (await client.post("/api/v1/pipelines/events", json=repeat, headers=key.headers)).status_code == 202
    await runner.drain()
    await worker.drain()

    start = (datetime.now(timezone.utc) - timedelta(days=1)).isoformat()
    end = (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()
    window = {"from": start, "to": end, "granularity": "day", "timezone": "UTC"}
    events = (await client.get("/api/v1/analytics/events", params=window, headers=key.headers)).json()
    assert events["totals"] == [{"eventType": "order.placed", "count": 2, "values": [
        {"currency": "USD", "count": 2, "sum": "149.50", "average": "74.75"},
    ]}]
    top = (await client.get("/api/v1/analytics/revenue/top-contacts", params=window, headers=key.headers)).json()
    assert top["currencies"][0]["contacts"][0] == {
        "contactId": contact["id"], "email": "jane@example.com", "total": "149.50", "events": 2,
    }
    attributed = await client.get("/api/v1/analytics/revenue/automations", params=window, headers=key.headers)
    assert attributed.status_code == 200, attributed.text
    [usd] = attributed.json()["currencies"]
    [row] = usd["automations"]
    assert usd["currency"] == "USD" and row["automationId"] == automation["id"]
    assert (row["total"], row["events"]) == ("20.50", 1)  # the first order came before its receipt
