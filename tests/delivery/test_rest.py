"""Sending over REST (POST /api/v1/delivery/send and /batch): templates filled from the
contact and `variables`, escaping, header injection through variables, test keys; batch
results per message; every refused field."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone

import pytest

from models import Message
from tests.helpers import SEND, iso, post_send

SEED_HTML = "<h1>Hi {{firstName}}</h1><p>Thanks for signing up.</p>"


async def test_variables_come_from_the_contact_and_variables_win(client, key):
    await client.post(
        "/api/v1/contacts",
        json={"email": "jane@example.com", "firstName": "Jane", "customFields": {"plan": "pro"}},
        headers=key.headers,
    )
    response = await post_send(
        client, key, to="Jane@Example.com", html=SEED_HTML, subject="{{firstName}}, your {{plan}} plan",
        text="Plan {{plan}} for {{email}} {{missing}}.", variables={"plan": "team"},
    )
    assert response.status_code == 202
    message = (await client.get(f"/api/v1/delivery/messages/{response.json()['messageId']}", headers=key.headers)).json()
    assert message["html"] == "<h1>Hi Jane</h1><p>Thanks for signing up.</p>"
    assert message["subject"] == "Jane, your team plan"
    assert message["text"] == "Plan team for jane@example.com ."  # unknown variables render empty
    assert message["to"] == ["Jane@example.com"]
    assert message["status"] == "queued" and message["sandbox"] is False


async def test_custom_fields_of_the_contact_fill_templates(client, key):
    await client.post(
        "/api/v1/contacts",
        json={"email": "jane@example.com", "firstName": "Jane", "customFields": {"plan": "pro", "seats": 3}},
        headers=key.headers,
    )
    response = await post_send(client, key, to="jane@example.com", text="{{firstName}}: {{plan}} x{{seats}}")
    assert response.status_code == 202
    message = (await client.get(f"/api/v1/delivery/messages/{response.json()['messageId']}", headers=key.headers)).json()
    assert message["text"] == "Jane: pro x3"


async def test_values_are_escaped_in_html_only(client, key):
    evil = '<script>alert("x")</script>'
    response = await post_send(client, key, to="a@example.com", html="<p>{{name}}</p>", text="{{name}}", variables={"name": evil})
    stored = await Message.get(id=response.json()["messageId"])
    assert stored.html == "<p>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</p>"
    assert stored.text == evil


async def test_several_recipients_use_only_variables(client, key):
    await client.post("/api/v1/contacts", json={"email": "jane@example.com", "firstName": "Jane"}, headers=key.headers)
    response = await post_send(client, key, to=["jane@example.com", "bob@example.com"], text="Hi {{firstName}}{{team}}", variables={"team": "!"})
    stored = await Message.get(id=response.json()["messageId"])
    assert stored.to == ["jane@example.com", "bob@example.com"] and stored.text == "Hi !"


@pytest.mark.parametrize(
    "value", ["a\r\nBcc: x@example.com", "a\x0bBcc: x@example.com", "a\u2028Bcc: x@example.com", "a\x08\x1b b"]
)
async def test_variable_cannot_inject_a_header_line(client, key, value):
    response = await post_send(client, key, to="a@example.com", text="x", subject="Hi {{v}}", variables={"v": value})
    stored = await Message.get(id=response.json()["messageId"])
    assert stored.subject in ("Hi a Bcc: x@example.com", "Hi a b")  # control characters read as spaces


async def test_sandbox_template_cannot_reach_python_internals(client, key):
    response = await post_send(client, key, to="a@example.com", text="{{ ''.__class__.__mro__[1].__subclasses__() }}")
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["code"] == "template_error"


async def test_test_mode_keys_mark_messages_sandboxed(client, make_key):
    key = await make_key(test=True)
    assert key.plaintext.startswith("et_test_")
    response = await post_send(client, key, to="a@example.com", text="x")
    message = (await client.get(f"/api/v1/delivery/messages/{response.json()['messageId']}", headers=key.headers)).json()
    assert message["sandbox"] is True


async def test_batch_queues_valid_messages_and_reports_invalid_ones(client, key):
    messages = [SEND, {**SEND, "to": "nope"}, {**SEND, "to": "b@example.com", "tags": ["t"]}, {"to": "c@example.com"}]
    response = await client.post("/api/v1/delivery/batch", json={"messages": messages}, headers=key.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["accepted"], body["rejected"]) == (2, 2)
    first, bad, third, missing = body["data"]
    assert first["status"] == "queued" and first["messageId"].startswith("msg_") and first["error"] is None
    assert bad["status"] == "rejected" and bad["messageId"] is None
    assert bad["error"]["code"] == "validation_error"
    assert bad["error"]["details"][0]["field"] == "messages.1.to.0"
    assert bad["error"]["details"][0]["code"] == "invalid_email"
    assert {d["field"] for d in missing["error"]["details"]} >= {"messages.3.from", "messages.3.subject"}
    stored = await Message.filter(organization_id=key.organization_id).order_by("id")
    assert [m.id for m in stored] == [first["messageId"], third["messageId"]]


async def test_batch_limits(client, key):
    for messages in ([], [SEND] * 101):
        response = await client.post("/api/v1/delivery/batch", json={"messages": messages}, headers=key.headers)
        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["field"] == "messages"
    assert await Message.filter(organization_id=key.organization_id).count() == 0


async def test_send_at_bounds_and_bad_fields(client, key):
    cases = [
        ({"sendAt": iso(datetime.now(timezone.utc) + timedelta(days=31))}, "sendAt", "too_late"),
        ({"sendAt": "2026-12-01T10:00:00"}, "sendAt", "invalid_format"),
        ({"headers": {"Bcc": "x@example.com"}}, "headers", "reserved_header"),
        ({"headers": {"X-Ok": "a\r\nBcc: x@example.com"}}, "headers.X-Ok", "header_injection"),
        ({"headers": {"Bad Name": "x"}}, "headers", "invalid_format"),
        ({"attachments": [{"filename": "a.txt", "content": "%%%"}]}, "attachments.0.content", "invalid_format"),
        ({"attachments": [{"filename": "a\r\n.txt", "content": "YQ=="}]}, "attachments.0.filename", "header_injection"),
        ({"cc": ["nope"]}, "cc.0", "invalid_email"),
        ({"to": [f"u{i}@example.com" for i in range(30)], "cc": [f"c{i}@example.com" for i in range(30)]}, "to", "too_many"),
        ({"tags": ["x" * 101]}, "tags.0", "too_long"),
    ]
    for extra, field, code in cases:
        response = await client.post("/api/v1/delivery/send", json={**SEND, **extra}, headers=key.headers)
        assert response.status_code == 422, (extra, response.text)
        details = response.json()["error"]["details"]
        assert (details[0]["field"], details[0]["code"]) == (field, code), (extra, details)
    assert await Message.filter(organization_id=key.organization_id).count() == 0


async def test_attachments_over_10_mib_are_refused(client, key):
    content = base64.b64encode(b"\0" * (10 * 1024 * 1024 + 1)).decode()
    body = {**SEND, "attachments": [{"filename": "big.bin", "content": content}]}
    response = await client.post("/api/v1/delivery/send", json=body, headers=key.headers)
    assert response.status_code == 422
    assert response.json()["error"]["details"][0] == {
        "field": "attachments", "message": "Attachments may total at most 10 MiB.", "code": "too_large"}
