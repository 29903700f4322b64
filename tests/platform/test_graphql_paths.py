"""POST /graphql answers its common case itself (app.web.graphql_http) and hands the rest to
Strawberry's route. The two must be indistinguishable to a caller: the same operations sent
down both paths get the same status, body and headers, and the caller is charged once."""

from __future__ import annotations

import pytest

import app.web.graphql_http as graphql_http
from tests.helpers import gql

OPERATIONS = [
    ("query", "{ viewer { organization { id name } apiKey { prefix mode } } }", None),
    ("paged query", "query($n: Int!) { contacts(first: $n) { edges { node { email } } pageInfo { hasNextPage } } }",
     {"n": 2}),
    ("mutation", "mutation($input: ContactInput!) { upsertContact(input: $input) "
                 "{ contact { email firstName } userErrors { field code message } } }",
     {"input": {"email": "jane@example.com", "firstName": "Jane"}}),
    ("user error", "mutation($input: ContactInput!) { upsertContact(input: $input) "
                   "{ contact { email } userErrors { field code message } } }",
     {"input": {"email": "not an address"}}),
    ("resolver error", "{ message(id: \"msg_nope\") { id } }", None),
    ("variable error", "query($n: Int!) { contacts(first: $n) { edges { node { email } } } }", {"n": "two"}),
]

VOLATILE_HEADERS = {"x-request-id", "x-ratelimit-remaining-minute", "x-ratelimit-remaining-day",
                    "x-ratelimit-reset-minute", "date", "content-length"}


def _stable(response) -> tuple:
    """What must match: all but the request ID, the date and the budget left (one request later)."""
    headers = {k: v for k, v in response.headers.items() if k not in VOLATILE_HEADERS}
    body = response.json()
    cost = (body.get("extensions") or {}).get("cost") or {}
    for counter in ("remainingMinute", "remainingDay"):
        cost.pop(counter, None)
    return response.status_code, body, headers


@pytest.mark.parametrize("name,query,variables", OPERATIONS, ids=[o[0] for o in OPERATIONS])
async def test_both_paths_answer_alike(client, key, monkeypatch, name, query, variables):
    ran_here = []
    runnable = graphql_http._runnable

    def spy(*args):
        operation = runnable(*args)
        ran_here.append(operation is not None)
        return operation

    monkeypatch.setattr(graphql_http, "_runnable", spy)
    fast = await gql(client, key, query, variables)
    monkeypatch.setattr(graphql_http, "_runnable", lambda *args: None)  # everything to Strawberry's route
    general = await gql(client, key, query, variables)
    assert ran_here == [True], "the common case did not take the short path"
    assert _stable(fast) == _stable(general)


async def test_the_general_path_charges_once(client, key, monkeypatch):
    monkeypatch.setattr(graphql_http, "_runnable", lambda *args: None)
    first = await gql(client, key, "{ viewer { organization { id } } }")
    second = await gql(client, key, "{ viewer { organization { id } } }")
    spent = int(first.headers["x-ratelimit-remaining-day"]) - int(second.headers["x-ratelimit-remaining-day"])
    assert spent == 1, (first.headers, second.headers)


async def test_requests_the_short_path_leaves_to_strawberry(client, key):
    batch = await client.post("/graphql", json=[{"query": "{ viewer { organization { id } } }"}] * 2,
                              headers=key.headers)
    assert batch.status_code == 400 and "Batching is not enabled" in batch.text, batch.text
    odd_field = await client.post("/graphql", json={"query": "{ viewer { organization { id } } }", "variables": [1]},
                                  headers=key.headers)
    assert odd_field.status_code == 400, odd_field.text
    invalid = await gql(client, key, "{ nope }")
    assert "nope" in invalid.json()["errors"][0]["message"]


async def test_both_paths_mask_and_log_an_unexpected_failure(client, key, monkeypatch, caplog):
    import schema.messages.types

    async def broken(*args, **kwargs):
        raise RuntimeError("secret database detail")

    monkeypatch.setattr(schema.messages.types, "get_message", broken)
    answers = []
    for short_path in (True, False):
        if not short_path:
            monkeypatch.setattr(graphql_http, "_runnable", lambda *args: None)
        caplog.clear()
        response = await gql(client, key, '{ message(id: "msg_x") { id } }')
        assert response.json()["errors"][0]["message"] == "Unexpected error." and "secret" not in response.text
        assert "secret database detail" in caplog.text  # logged for the operator
        answers.append(_stable(response))
    assert answers[0] == answers[1]
