"""A send, a contact upsert and an event are answered in their common case without FastAPI's
request handling (rest_compat.lean), everything else by the FastAPI route. A caller cannot tell
the two apart: the same requests down both paths get the same status, body and headers (IDs
and times aside), the same rows, and one charge each."""

from __future__ import annotations

import pytest

from rest_compat.lean import LeanRoute
from tests.helpers import EVENT, SEND, stable

JSON = {"Content-Type": "application/json"}

CASES = [  # name, path, body (bytes or JSON), extra headers, taken by the lean path
    ("send", "/api/v1/delivery/send", SEND, {}, True),
    ("send with a contact's fields", "/api/v1/delivery/send",
     {**SEND, "subject": "Hi {{firstName}}", "variables": {"firstName": "Jo"}}, {}, True),
    ("send, invalid", "/api/v1/delivery/send", {**SEND, "to": "nobody"}, {}, False),
    ("send, template error", "/api/v1/delivery/send", {**SEND, "subject": "Hi {{ firstName"}, {}, True),
    ("send, idempotent", "/api/v1/delivery/send", SEND, {"Idempotency-Key": "k-1"}, False),
    ("send, bad JSON", "/api/v1/delivery/send", b'{"to": ', {}, False),
    ("send, NaN", "/api/v1/delivery/send", b'{"to": NaN}', {}, False),
    ("send, text body", "/api/v1/delivery/send", b"to=jane@example.com", {"Content-Type": "text/plain"}, False),
    ("send, charset", "/api/v1/delivery/send", SEND, {"Content-Type": "application/json; charset=utf-8"}, True),
    ("contact", "/api/v1/contacts", {"email": "Jane@Example.com", "firstName": "Jane", "tags": ["vip"],
                                     "customFields": {"plan": "pro"}}, {}, True),
    ("contact, invalid", "/api/v1/contacts", {"email": "jane@"}, {}, False),
    ("event", "/api/v1/pipelines/events", EVENT, {}, True),
    ("event with an eventId", "/api/v1/pipelines/events", {**EVENT, "eventId": "ord-1"}, {}, True),
    ("event, too precise", "/api/v1/pipelines/events", {**EVENT, "value": 1.001}, {}, False),
]


async def _post(client, key, path, body, headers):
    all_headers = {**key.headers, **JSON, **headers}
    if isinstance(body, bytes):
        return await client.post(path, content=body, headers=all_headers)
    return await client.post(path, json=body, headers=all_headers)


@pytest.mark.parametrize("name,path,body,headers,lean", CASES, ids=[c[0] for c in CASES])
async def test_both_paths_answer_alike(client, make_key, monkeypatch, name, path, body, headers, lean):
    taken = []
    arguments = LeanRoute._arguments

    async def spy(self, request, raw):
        values = await arguments(self, request, raw)
        taken.append(values is not None)
        return values

    monkeypatch.setattr(LeanRoute, "_arguments", spy)
    lean_key, general_key = await make_key(), await make_key()  # each path in its own organization
    fast = await _post(client, lean_key, path, body, headers)

    async def general(self, request, raw):
        return None

    monkeypatch.setattr(LeanRoute, "_arguments", general)  # everything to the FastAPI route
    slow = await _post(client, general_key, path, body, headers)
    assert taken == [lean], "the request did not take the path expected"
    assert stable(fast) == stable(slow)
    if 200 <= fast.status_code < 300 and "messageId" in fast.text:  # the same message stored
        views = []
        for key, response in ((lean_key, fast), (general_key, slow)):
            view = await client.get(f"/api/v1/delivery/messages/{response.json()['messageId']}", headers=key.headers)
            views.append(stable(view)[:2])
        assert views[0] == views[1]


async def test_a_contact_update_is_200_on_the_lean_path(client, key):
    first = await _post(client, key, "/api/v1/contacts", {"email": "jo@example.com"}, {})
    again = await _post(client, key, "/api/v1/contacts", {"email": "jo@example.com", "lastName": "Doe"}, {})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["lastName"] == "Doe"


@pytest.mark.parametrize("body", [SEND, {**SEND, "to": "nobody"}], ids=["lean", "handed on"])
async def test_each_request_is_charged_once(client, key, body):
    first = await _post(client, key, "/api/v1/delivery/send", body, {})
    second = await _post(client, key, "/api/v1/delivery/send", body, {})
    spent = int(first.headers["x-ratelimit-remaining-day"]) - int(second.headers["x-ratelimit-remaining-day"])
    assert spent == 1, (first.headers, second.headers)


async def test_callers_are_checked_before_the_body(client):
    no_key = await client.post("/api/v1/delivery/send", json=SEND)
    assert no_key.status_code == 401 and no_key.json()["error"]["code"] == "unauthorized"


async def test_other_methods_on_the_same_paths_reach_their_routes(client, key):
    listed = await client.get("/api/v1/contacts", headers=key.headers)
    assert listed.status_code == 200 and "data" in listed.json()
    wrong = await client.put("/api/v1/delivery/send", json=SEND, headers=key.headers)
    assert wrong.status_code == 405
