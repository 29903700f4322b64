from __future__ import annotations

import pytest

from models import Message

SEED_HTML = "<h1>Hi {{firstName}}</h1><p>Thanks for signing up.</p>"


async def send(client, key, **body):
    body = {"from": "hello@acme.com", "subject": "Welcome", **body}
    return await client.post("/api/v1/delivery/send", json=body, headers=key.headers)


async def test_variables_come_from_the_contact_and_variables_win(client, key):
    await client.post(
        "/api/v1/contacts",
        json={"email": "jane@example.com", "firstName": "Jane", "customFields": {"plan": "pro"}},
        headers=key.headers,
    )
    response = await send(
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
    response = await send(client, key, to="jane@example.com", text="{{firstName}}: {{plan}} x{{seats}}")
    assert response.status_code == 202
    message = (await client.get(f"/api/v1/delivery/messages/{response.json()['messageId']}", headers=key.headers)).json()
    assert message["text"] == "Jane: pro x3"


async def test_values_are_escaped_in_html_only(client, key):
    evil = '<script>alert("x")</script>'
    response = await send(client, key, to="a@example.com", html="<p>{{name}}</p>", text="{{name}}", variables={"name": evil})
    stored = await Message.get(id=response.json()["messageId"])
    assert stored.html == "<p>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</p>"
    assert stored.text == evil


async def test_several_recipients_use_only_variables(client, key):
    await client.post("/api/v1/contacts", json={"email": "jane@example.com", "firstName": "Jane"}, headers=key.headers)
    response = await send(client, key, to=["jane@example.com", "bob@example.com"], text="Hi {{firstName}}{{team}}", variables={"team": "!"})
    stored = await Message.get(id=response.json()["messageId"])
    assert stored.to == ["jane@example.com", "bob@example.com"] and stored.text == "Hi !"


@pytest.mark.parametrize(
    "value", ["a\r\nBcc: x@example.com", "a\x0bBcc: x@example.com", "a\u2028Bcc: x@example.com", "a\x08\x1b b"]
)
async def test_variable_cannot_inject_a_header_line(client, key, value):
    response = await send(client, key, to="a@example.com", text="x", subject="Hi {{v}}", variables={"v": value})
    stored = await Message.get(id=response.json()["messageId"])
    assert stored.subject in ("Hi a Bcc: x@example.com", "Hi a b")  # control characters read as spaces


async def test_sandbox_template_cannot_reach_python_internals(client, key):
    response = await send(client, key, to="a@example.com", text="{{ ''.__class__.__mro__[1].__subclasses__() }}")
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["code"] == "template_error"


async def test_test_mode_keys_mark_messages_sandboxed(client, make_key):
    key = await make_key(test=True)
    assert key.plaintext.startswith("et_test_")
    response = await send(client, key, to="a@example.com", text="x")
    message = (await client.get(f"/api/v1/delivery/messages/{response.json()['messageId']}", headers=key.headers)).json()
    assert message["sandbox"] is True
