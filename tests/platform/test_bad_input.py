"""Bad input always gets a 4xx in the documented shape, never a 500, and stores nothing."""

from __future__ import annotations

import json

import pytest

from models import Contact, Event, Message
from tests.helpers import EVENT, SEND, gql


def assert_error(response, status: int, code: str, field: str | None = None, detail_code: str | None = None):
    assert response.status_code == status, response.text
    assert response.headers["X-Request-Id"].startswith("req_")
    error = response.json()["error"]
    assert error["code"] == code and error["message"]
    assert isinstance(error["details"], list)
    if field is not None:
        assert field in [d["field"] for d in error["details"]], error["details"]
        if detail_code:
            assert detail_code in [d["code"] for d in error["details"] if d["field"] == field], error["details"]
    for detail in error["details"]:
        assert set(detail) == {"field", "message", "code"}


async def test_malformed_json_is_400_invalid_json(client, key):
    response = await client.post(
        "/api/v1/contacts", content=b'{"email": ', headers={**key.headers, "Content-Type": "application/json"}
    )
    assert_error(response, 400, "invalid_json")


@pytest.mark.parametrize(
    "path, body, field, detail_code",
    [
        ("/api/v1/delivery/send", {**SEND, "to": "not-an-email"}, "to.0", "invalid_email"),
        ("/api/v1/delivery/send", {**SEND, "to": ["a@example.com"] * 51}, "to", "too_long"),
        ("/api/v1/delivery/send", {**SEND, "to": []}, "to", "too_short"),
        ("/api/v1/delivery/send", {k: v for k, v in SEND.items() if k != "subject"}, "subject", "required"),
        ("/api/v1/delivery/send", {**SEND, "subject": "Hi\r\nBcc: victim@example.com"}, "subject", "header_injection"),
        ("/api/v1/delivery/send", {**SEND, "from": "a@acme.com\nBcc: x@example.com"}, "from", "header_injection"),
        ("/api/v1/delivery/send", {**SEND, "to": "a@example.com\r\nBcc: x@example.com"}, "to.0", "header_injection"),
        ("/api/v1/delivery/send", {**SEND, "from": "Acme <nope>"}, "from", "invalid_email"),
        # Every control character is refused in header text, not only CR and LF.
        ("/api/v1/delivery/send", {**SEND, "subject": "Hi\x0bBcc: victim@example.com"}, "subject", "header_injection"),
        ("/api/v1/delivery/send", {**SEND, "subject": "Hi\tthere"}, "subject", "header_injection"),
        ("/api/v1/delivery/send", {**SEND, "subject": "Hi\u2028Bcc: x@example.com"}, "subject", "header_injection"),
        ("/api/v1/delivery/send", {**SEND, "subject": "Hi\x85there"}, "subject", "header_injection"),
        ("/api/v1/delivery/send", {**SEND, "from": "Acme\x0cBcc <a@acme.com>"}, "from", "header_injection"),
        ("/api/v1/delivery/send", {**SEND, "from": "Acme\u2029 <a@acme.com>"}, "from", "header_injection"),
        ("/api/v1/delivery/send", {**SEND, "headers": {"X-Note": "a\x08b"}}, "headers.X-Note", "header_injection"),
        ("/api/v1/delivery/send", {**SEND, "headers": {"X-Note": "a\x7fb"}}, "headers.X-Note", "header_injection"),
        ("/api/v1/delivery/send", {**SEND, "headers": {"X-Note": "a\x1bb"}}, "headers.X-Note", "header_injection"),
        ("/api/v1/delivery/send", {**SEND, "headers": {"bcc": "x@example.com"}}, "headers", "reserved_header"),
        ("/api/v1/delivery/send", {**SEND, "headers": {"To": "x@example.com"}}, "headers", "reserved_header"),
        (
            "/api/v1/delivery/send",
            {**SEND, "attachments": [{"filename": "a\u2028.txt", "content": "YQ=="}]},
            "attachments.0.filename",
            "header_injection",
        ),
        ("/api/v1/delivery/send", {**SEND, "html": None, "text": None}, "html", "required"),
        ("/api/v1/delivery/send", {**SEND, "html": "<h1>{{ firstName </h1>"}, "html", "template_error"),
        ("/api/v1/delivery/send", {**SEND, "subject": "{% if %}"}, "subject", "template_error"),
        ("/api/v1/delivery/send", {**SEND, "subject": 42}, "subject", "invalid_type"),
        ("/api/v1/delivery/send", {**SEND, "variables": ["x"]}, "variables", "invalid_type"),
        ("/api/v1/delivery/send", {**SEND, "bogus": 1}, "bogus", "unknown_field"),
        ("/api/v1/contacts", {"firstName": "Jane"}, "email", "required"),
        ("/api/v1/contacts", {"email": "jane@"}, "email", "invalid_email"),
        ("/api/v1/contacts", {"email": "a@example.com", "tags": "vip"}, "tags", "invalid_type"),
        ("/api/v1/contacts", {"email": "a@example.com", "tags": [""]}, "tags.0", "too_short"),
        ("/api/v1/contacts", {"email": "a@example.com", "customFields": [1]}, "customFields", "invalid_type"),
        ("/api/v1/contacts", {"email": "a@example.com", "firstName": "x" * 201}, "firstName", "too_long"),
        ("/api/v1/pipelines/events", {**EVENT, "currency": "XYZ"}, "currency", "invalid_currency"),
        ("/api/v1/pipelines/events", {**EVENT, "currency": "usd"}, "currency", "invalid_currency"),
        ("/api/v1/pipelines/events", {k: v for k, v in EVENT.items() if k != "currency"}, "currency", "required"),
        ("/api/v1/pipelines/events", {**EVENT, "value": 1.234}, "value", "too_precise"),
        ("/api/v1/pipelines/events", {**EVENT, "currency": "JPY", "value": 10.5}, "value", "too_precise"),
        ("/api/v1/pipelines/events", {**EVENT, "value": "abc"}, "value", "invalid_type"),
        ("/api/v1/pipelines/events", {**EVENT, "eventType": "Order Placed"}, "eventType", "invalid_format"),
        ("/api/v1/pipelines/events", {**EVENT, "eventType": "x" * 101}, "eventType", "invalid_format"),
        ("/api/v1/pipelines/events", {**EVENT, "properties": {"blob": "x" * 40_000}}, "properties", "too_large"),
        ("/api/v1/pipelines/events", {**EVENT, "occurredAt": "yesterday"}, "occurredAt", "invalid_type"),
    ],
)
async def test_invalid_fields_are_422_naming_the_field(client, key, path, body, field, detail_code):
    response = await client.post(path, json=body, headers=key.headers)
    assert_error(response, 422, "validation_error", field, detail_code)
    assert await Message.filter(organization_id=key.organization_id).count() == 0
    assert await Contact.filter(organization_id=key.organization_id).count() == 0
    assert await Event.filter(organization_id=key.organization_id).count() == 0


async def test_graphql_send_refuses_control_characters_and_reserved_headers(client, key):
    mutation = (
        "mutation($input: SendEmailInput!) { sendEmail(input: $input) { messageId userErrors { field message } } }"
    )
    for extra, field, message in [
        ({"subject": "Hi\x0bBcc: x@example.com"}, "subject", "Control characters"),
        ({"headers": {"X-Note": "a\u2028b"}}, "headers.X-Note", "Control characters"),
        ({"headers": {"Bcc": "x@example.com"}}, "headers", "`Bcc` is set by Viperatron"),
    ]:
        payload = (await gql(client, key, mutation, {"input": {**SEND, **extra}})).json()["data"]["sendEmail"]
        [error] = payload["userErrors"]
        assert payload["messageId"] is None and error["field"] == field and error["message"].startswith(message), extra
    assert await Message.filter(organization_id=key.organization_id).count() == 0


async def test_body_that_is_not_an_object(client, key):
    for body in ([], "x", 3, None):
        response = await client.post("/api/v1/contacts", json=body, headers=key.headers)
        assert response.status_code in (400, 422), response.text
        assert response.json()["error"]["code"] in ("validation_error", "invalid_json")


async def test_oversize_body_is_413(client, key):
    big = {"email": "a@example.com", "customFields": {"x": "x" * (1024 * 1024 + 1)}}
    response = await client.post("/api/v1/contacts", json=big, headers=key.headers)
    assert_error(response, 413, "payload_too_large")
    assert response.json()["error"]["message"] == "Request body exceeds 1048576 bytes."

    async def chunks(size: int):  # no Content-Length: the cap applies while reading
        yield b'{"to": "a@example.com", "html": "'
        for _ in range(size // 32768 + 1):
            yield b"y" * 32768
        yield b'"}'

    headers = {**key.headers, "Content-Type": "application/json"}
    response = await client.post("/api/v1/contacts", content=chunks(1024 * 1024), headers=headers)
    assert_error(response, 413, "payload_too_large")
    # Sends may carry 10 MiB of attachments: their cap is 16 MiB.
    response = await client.post("/api/v1/delivery/send", content=chunks(16 * 1024 * 1024), headers=headers)
    assert_error(response, 413, "payload_too_large")
    assert response.json()["error"]["message"] == "Request body exceeds 16777216 bytes."
    assert await Message.filter(organization_id=key.organization_id).count() == 0


async def test_bad_pagination_parameters(client, key):
    for params, field in (({"limit": 0}, "limit"), ({"limit": 101}, "limit"), ({"cursor": "%%%"}, "cursor")):
        response = await client.get("/api/v1/contacts", params=params, headers=key.headers)
        assert_error(response, 422, "validation_error", field)
    response = await client.get("/api/v1/contacts", params={"limit": "many"}, headers=key.headers)
    assert_error(response, 422, "validation_error", "query.limit")


async def test_unknown_route_and_method(client, key):
    assert_error(await client.get("/api/v1/nope", headers=key.headers), 404, "not_found")
    response = await client.delete("/api/v1/delivery/send", headers=key.headers)
    assert_error(response, 405, "method_not_allowed")
    assert response.json()["error"]["message"] == "Method DELETE is not allowed here."
    assert response.headers["Allow"] == "POST"
    response = await client.put("/graphql", json={"query": "{ viewer { key { id } } }"}, headers=key.headers)
    assert response.status_code == 405 and response.headers["Allow"]
    assert response.json()["errors"][0]["extensions"]["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    "path, body, field",
    [
        ("/api/v1/contacts", {"email": "a@example.com", "body": "hi"}, "body"),
        ("/api/v1/delivery/send", {**SEND, "body": "<p>x</p>"}, "body"),
        ("/api/v1/automations", {"name": "A", "trigger": {"eventType": "x", "body": 1},
                                 "steps": [{"type": "addTag", "tag": "t"}]}, "trigger.body"),
        ("/api/v1/delivery/send", {**SEND, "attachments": [{"filename": "a.txt", "content": "eA==", "body": 1}]},
         "attachments.0.body"),
    ],
)
async def test_an_unknown_field_named_body_is_named(client, key, path, body, field):
    response = await client.post(path, json=body, headers=key.headers)
    assert_error(response, 422, "validation_error", field, "unknown_field")


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
async def test_a_json_body_without_the_json_content_type_is_told_to_send_it(client, key, content_type):
    headers = {**key.headers, **({"Content-Type": content_type} if content_type else {})}
    for path, body in (("/api/v1/contacts", {"email": "ct@example.com"}), ("/api/v1/delivery/send", SEND)):
        response = await client.post(path, content=json.dumps(body).encode(), headers=headers)
        assert_error(response, 422, "validation_error", "Content-Type", "invalid")
        assert response.json()["error"]["details"] == [{
            "field": "Content-Type", "code": "invalid",
            "message": "Send the body as JSON with the header Content-Type: application/json.",
        }]
    assert await Contact.filter(organization_id=key.organization_id).count() == 0
    assert await Message.filter(organization_id=key.organization_id).count() == 0
    # No body at all: told to send one.
    for content_type in (None, "application/json"):
        headers = {**key.headers, **({"Content-Type": content_type} if content_type else {})}
        response = await client.post("/api/v1/contacts", headers=headers)
        assert_error(response, 422, "validation_error")
        assert response.json()["error"]["details"] == [{
            "field": None, "code": "required",
            "message": "Send a JSON object as the request body (Content-Type: application/json).",
        }]
    # With the header, the same body is accepted.
    headers["Content-Type"] = "application/json; charset=utf-8"
    response = await client.post("/api/v1/contacts", content=b'{"email": "ct@example.com"}', headers=headers)
    assert response.status_code == 201, response.text


async def test_non_ascii_and_case_are_handled(client, key):
    response = await client.post(
        "/api/v1/contacts", json={"email": "Zoë@Example.COM", "firstName": "Zoë"}, headers=key.headers
    )
    assert response.status_code == 201, response.text
    again = await client.post("/api/v1/contacts", json={"email": "zoë@example.com"}, headers=key.headers)
    assert again.status_code == 200 and again.json()["id"] == response.json()["id"]


async def test_nul_characters_are_422_everywhere(client, key):
    cases = [
        ("/api/v1/contacts", {"email": "nul@example.com", "firstName": "a\u0000b"}, "firstName"),
        ("/api/v1/contacts", {"email": "nul@example.com", "customFields": {"k": ["x\u0000"]}}, "customFields"),
        ("/api/v1/pipelines/events", {"email": "nul@example.com", "eventType": "x", "properties": {"a\u0000": 1}},
         "properties"),
    ]
    for path, body, field in cases:
        response = await client.post(path, json=body, headers=key.headers)
        assert response.status_code == 422, (path, response.text)
        assert response.json()["error"]["details"][0]["field"] == field


@pytest.mark.parametrize(
    "path, params, field",
    [
        ("/api/v1/contacts", {"tag": "é" * 101}, "tag"),
        ("/api/v1/contacts/export", {"tag": "t" * 101}, "tag"),
        ("/api/v1/delivery/messages", {"tag": "é" * 101}, "tag"),
        ("/api/v1/delivery/messages", {"to": "é" * 321}, "to"),
        ("/api/v1/pipelines/events", {"type": "é" * 101}, "type"),
        ("/api/v1/pipelines/events", {"email": "é" * 321}, "email"),
    ],
)
async def test_an_over_long_filter_value_is_422_not_a_database_error(client, key, path, params, field):
    """No stored value is that long; PostgreSQL would refuse the parameter (a 500)."""
    response = await client.get(path, params=params, headers=key.headers)
    assert_error(response, 422, "validation_error", field, "too_long")


async def test_an_over_long_address_in_a_path_is_not_found(client, key):
    response = await client.get(f"/api/v1/contacts/by-email/{'é' * 321}", headers=key.headers)
    assert_error(response, 404, "not_found")
    assert response.json()["error"]["message"] == "Contact not found."


@pytest.mark.parametrize(
    "path, body",
    [
        ("/api/v1/contacts", b'{"email": "nan@example.com", "customFields": {"score": NaN}}'),
        ("/api/v1/contacts", b'{"email": "inf@example.com", "customFields": {"score": Infinity}}'),
        ("/api/v1/contacts", b'{"email": "big@example.com", "customFields": {"score": 1e400}}'),
        ("/api/v1/pipelines/events", b'{"email": "j@example.com", "eventType": "o", "value": NaN, "currency": "USD"}'),
        ("/api/v1/pipelines/events", b'{"email": "j@example.com", "eventType": "o", "properties": {"x": -Infinity}}'),
        ("/api/v1/delivery/send",
         b'{"to": "a@example.com", "from": "hello@acme.com", "subject": "Hi", "html": "x", "metadata": {"n": NaN}}'),
        ("/api/v1/contacts", b'{"email": "deep@example.com", "customFields": {"x": ' + b"[" * 5000 + b"]" * 5000 + b"}}"),
    ],
)
async def test_nan_infinity_and_deep_nesting_are_400_invalid_json(client, key, path, body):
    headers = {**key.headers, "Content-Type": "application/json"}
    response = await client.post(path, content=body, headers=headers)
    assert_error(response, 400, "invalid_json")
    assert await Contact.filter(organization_id=key.organization_id).count() == 0
    assert await Event.filter(organization_id=key.organization_id).count() == 0
    assert await Message.filter(organization_id=key.organization_id).count() == 0


async def test_the_import_cap_is_for_the_import_upload_only(client, key):
    headers = {**key.headers, "Content-Type": "application/json"}
    big = b'{"firstName": "' + b"x" * (27 * 1024 * 1024) + b'"}'
    response = await client.patch("/api/v1/contacts/importX", content=big, headers=headers)
    assert_error(response, 413, "payload_too_large")
    assert response.json()["error"]["message"] == "Request body exceeds 1048576 bytes."
    response = await client.post("/api/v1/contacts/import/imp_x/cancel", content=big[: 2 * 1024 * 1024], headers=headers)
    assert_error(response, 413, "payload_too_large")
    # The upload itself still takes files past the normal cap.
    rows = b"".join(b"user%d@example.com,Name\n" % i for i in range(80_000))
    assert len(rows) > 2 * 1024 * 1024
    upload = await client.post("/api/v1/contacts/import", content=b"email,firstName\n" + rows,
                               headers={**key.headers, "Content-Type": "text/csv"})
    assert upload.status_code == 202, upload.text


@pytest.mark.parametrize(
    "path, body, field",
    [
        ("/api/v1/contacts", {"email": "tag@example.com", "tags": ["vip\nfake"]}, "tags.0"),
        ("/api/v1/delivery/send", {"to": "a@example.com", "from": "a@acme.com", "subject": "S", "text": "T",
                                   "tags": ["a\rb"]}, "tags.0"),
    ],
)
async def test_a_tag_is_one_line_everywhere(client, key, path, body, field):
    response = await client.post(path, json=body, headers=key.headers)
    assert_error(response, 422, "validation_error", field)
