"""The hot POSTs reach their route through fewer layers (app.web.hot_paths). A caller cannot
tell: the same requests to an app built that way and to one with the full middleware stack get
the same status, body and headers (IDs, times and the budget left aside)."""

from __future__ import annotations

import logging

import httpx
import pytest

import rest_compat.delivery
from app.main import create_app
from app.web.hot_paths import HotFirst
from tests.helpers import EVENT, SEND, stable

SEND_MUTATION = ("mutation($input: SendEmailInput!) { sendEmail(input: $input) "
                 "{ messageId status userErrors { field code message } } }")

CASES = [  # name, path, body (bytes or JSON), extra headers
    ("send", "/api/v1/delivery/send", SEND, {}),
    ("send, invalid", "/api/v1/delivery/send", {**SEND, "to": "nobody"}, {}),
    ("send, template error", "/api/v1/delivery/send", {**SEND, "subject": "Hi {{ firstName"}, {}),
    ("send, idempotent", "/api/v1/delivery/send", SEND, {"Idempotency-Key": "k-1"}),
    ("send, bad JSON", "/api/v1/delivery/send", b'{"to": ', {}),
    ("send, no key", "/api/v1/delivery/send", SEND, {"Authorization": ""}),
    ("send, wrong key", "/api/v1/delivery/send", SEND, {"Authorization": "Bearer et_live_nope"}),
    ("send, too large", "/api/v1/delivery/send", {**SEND, "text": "x" * (17 * 1024 * 1024)}, {}),
    ("contact", "/api/v1/contacts", {"email": "jane@example.com", "firstName": "Jane"}, {}),
    ("contact, too large", "/api/v1/contacts", {"email": "jane@example.com", "firstName": "J" * 2_000_000}, {}),
    ("event", "/api/v1/pipelines/events", EVENT, {}),
    ("event, invalid", "/api/v1/pipelines/events", {**EVENT, "value": "lots"}, {}),
    ("graphql", "/graphql", {"query": SEND_MUTATION, "variables": {"input": {**SEND, "to": [SEND["to"]]}}}, {}),
    ("graphql, user error", "/graphql", {"query": SEND_MUTATION, "variables": {"input": {**SEND, "to": ["nobody"]}}}, {}),
    ("graphql, syntax error", "/graphql", {"query": "mutation {"}, {}),
]


@pytest.fixture
async def full_stack(settings):
    """A client of an app whose every request takes the full middleware stack and the router."""
    app = create_app(settings, manage_db=False)
    app.middleware_stack = app.build_middleware_stack()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        yield client


async def _post(client, key, path, body, headers):
    all_headers = {**key.headers, "Content-Type": "application/json", **headers}
    if isinstance(body, bytes):
        return await client.post(path, content=body, headers=all_headers)
    return await client.post(path, json=body, headers=all_headers)


@pytest.mark.parametrize("name,path,body,headers", CASES, ids=[c[0] for c in CASES])
async def test_both_stacks_answer_alike(client, full_stack, make_key, name, path, body, headers):
    hot_key, full_key = await make_key(), await make_key()  # each in its own organization
    hot = await _post(client, hot_key, path, body, headers)
    full = await _post(full_stack, full_key, path, body, headers)
    assert stable(hot) == stable(full)
    assert hot.headers["x-request-id"].startswith("req_")
    if hot.status_code < 400 and path != "/graphql":
        assert "x-ratelimit-limit-minute" in {name.lower() for name in hot.headers}


async def test_only_the_hot_posts_skip_the_full_stack(app, client, key, monkeypatch):
    stack = app.middleware_stack
    assert isinstance(stack, HotFirst)
    paths = []
    everything = stack.everything

    async def counted(scope, receive, send):
        paths.append((scope["method"], scope["path"]))
        await everything(scope, receive, send)

    monkeypatch.setattr(stack, "everything", counted)
    sent = await client.post("/api/v1/delivery/send", json=SEND, headers=key.headers)
    assert sent.status_code == 202
    await client.post("/graphql", json={"query": "{ viewer { organization { id } } }"}, headers=key.headers)
    await client.post("/api/v1/pipelines/events", json=EVENT, headers=key.headers)
    assert paths == []
    message = await client.get(f"/api/v1/delivery/messages/{sent.json()['messageId']}", headers=key.headers)
    assert message.status_code == 200
    assert (await client.post("/api/v1/delivery/send/", json=SEND, headers=key.headers)).status_code in (307, 404)
    assert paths == [("GET", f"/api/v1/delivery/messages/{sent.json()['messageId']}"),
                     ("POST", "/api/v1/delivery/send/")]


async def test_both_stacks_mask_and_log_an_unexpected_failure(client, full_stack, make_key, monkeypatch, caplog):
    async def broken(*args, **kwargs):
        raise RuntimeError("secret database detail")

    monkeypatch.setattr(rest_compat.delivery, "send_email", broken)
    answers = []
    for http in (client, full_stack):
        caplog.clear()
        with caplog.at_level(logging.ERROR):
            response = await http.post("/api/v1/delivery/send", json=SEND, headers=(await make_key()).headers)
        assert response.status_code == 500 and "secret" not in response.text
        assert response.json()["error"]["code"] == "internal"
        assert response.headers["x-request-id"] in response.text
        assert "secret database detail" in caplog.text  # logged for the operator
        status, body, headers = stable(response)
        answers.append((status, body.replace(response.headers["x-request-id"], "<request id>"), headers))
    assert answers[0] == answers[1]
