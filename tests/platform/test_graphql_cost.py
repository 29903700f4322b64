"""GraphQL under hostile input: the key before the parse, one bounded parse, a charge by cost."""

from __future__ import annotations

import pytest
from graphql.language.parser import Parser

from app.web.graphql_gate import costs, documents
from models import Contact, Message
from schema.documents import MAX_TOKENS, DocumentCache, prepare
from schema.graphql import schema
from tests.helpers import gql, within_one_minute_window

NESTED = "{ %s }" % " ".join(
    f"a{i}: contacts(first: 100) {{ edges {{ node {{ id events(first: 100) {{ edges {{ node {{ id }} }} }} }} }} }}"
    for i in range(100)
)


@pytest.fixture
def parses(monkeypatch) -> list[int]:
    """How many documents the GraphQL parser reads during the test."""
    calls: list[int] = []
    original = Parser.parse_document

    def counting(self):
        calls.append(1)
        return original(self)

    monkeypatch.setattr(Parser, "parse_document", counting)
    return calls


async def test_an_unauthenticated_huge_query_is_refused_without_being_parsed(client, parses):
    huge = "{ " + "viewer { organization { id } } " * 40_000 + "}"  # ~1.2 MB
    response = await client.post("/graphql", json={"query": huge})
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "unauthorized"
    assert parses == []
    assert huge not in documents._cache


async def test_the_token_limit_stops_the_parser_and_execution_does_not_parse_again(client, key, parses):
    too_long = "{ " + "viewer { organization { id } } " * (MAX_TOKENS // 6) + "}"
    response = await gql(client, key, too_long)
    assert response.status_code == 200
    assert "tokens" in response.json()["errors"][0]["message"]
    assert len(parses) == 1

    fresh = "{ viewer { organization { name } } __typename }"
    response = await gql(client, key, fresh)
    assert response.json()["data"]["viewer"]["organization"]["name"] == key.organization_name
    assert len(parses) == 2  # once by the gate; execution reused it
    await gql(client, key, fresh)
    assert len(parses) == 2  # and a repeated query is not parsed at all


async def test_a_document_over_5000_tokens_is_refused_and_runs_nothing(client, key):
    """The documented limit (docs/limits.md): 5,000 tokens. One more and the parser's error is
    the whole answer; even a mutation in it has no effect."""
    assert MAX_TOKENS == 5000
    # 24 tokens: mutation { upsertContact ( input : { email : "…" customFields : { n : [ ] } } ) {
    # created } }, then one per list item.
    mutation = 'mutation { upsertContact(input: {email: "tokens@example.com", customFields: {n: [%s]}}) { created } }'
    over = mutation % ("0 " * (MAX_TOKENS + 1 - 24))
    response = await gql(client, key, over)
    assert response.status_code == 200
    body = response.json()
    assert body.get("data") is None
    assert [e["message"] for e in body["errors"]] == [
        "Syntax Error: Document contains more than 5000 tokens. Parsing aborted."
    ]
    assert not await Contact.exists(organization_id=key.organization_id)
    # At the limit it runs (so the count above is right and the refusal is the limit's).
    at_limit = mutation % ("0 " * (MAX_TOKENS - 24))
    body = (await gql(client, key, at_limit)).json()
    assert "errors" not in body, body.get("errors")
    assert body["data"]["upsertContact"] == {"created": True}
    assert await Contact.exists(organization_id=key.organization_id, email_key="tokens@example.com")


async def test_a_hundred_nested_connections_are_refused_before_anything_runs(client, key):
    response = await gql(client, key, NESTED)
    assert response.status_code == 200
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "too_costly"
    assert error["extensions"]["cost"] == {"requested": 10_100, "nodes": 1_010_000, "maxNodes": 1000}
    assert "1,010,000 nodes" in error["message"]
    assert response.json()["data"] is None
    assert response.headers["X-RateLimit-Remaining-Minute"] == str(1000 - 1)  # admission only


async def test_a_request_is_charged_what_the_same_data_costs_through_rest(client, make_key):
    key = await make_key(per_minute=100)
    await within_one_minute_window()  # the minute window must not reset mid-test
    query = "{ contacts(first: 50) { edges { node { id events(first: 10) { edges { node { id } } } } } } }"
    response = await gql(client, key, query)
    assert response.status_code == 200 and "errors" not in response.json()
    # one page of contacts, then one page of events for each of up to 50 contacts
    assert response.json()["extensions"]["cost"] == {
        "requested": 51, "nodes": 550, "maxNodes": 1000, "remainingMinute": 49, "remainingDay": 100000 - 51,
    }
    assert response.headers["X-RateLimit-Remaining-Minute"] == "49"

    second = await gql(client, key, query)
    assert second.status_code == 429 and second.json()["errors"][0]["extensions"]["code"] == "rate_limited"
    assert "Retry-After" in second.headers
    assert second.headers["X-RateLimit-Remaining-Minute"] == "48"  # the admission unit only


async def test_variables_set_the_page_size_the_cost_is_counted_on(client, key):
    query = "query($n: Int!) { contacts(first: $n) { edges { node { id events(first: $n) { edges { node { id } } } } } } }"
    small = await client.post("/graphql", json={"query": query, "variables": {"n": 10}}, headers=key.headers)
    assert small.json()["extensions"]["cost"]["nodes"] == 110
    big = await client.post("/graphql", json={"query": query, "variables": {"n": 40}}, headers=key.headers)
    assert big.json()["errors"][0]["extensions"]["code"] == "too_costly"


async def test_a_mutation_costs_a_unit_per_root_field_and_a_refused_one_has_no_effect(client, make_key):
    key = await make_key(per_minute=5)
    await within_one_minute_window()  # the minute window must not reset mid-test
    send = 'sendEmail(input: {to: ["a@example.com"], from: "a@acme.com", subject: "s", text: "t"}) { messageId }'
    response = await gql(client, key, "mutation { a: %s b: %s }" % (send, send))
    assert response.json()["extensions"]["cost"]["requested"] == 2
    assert response.headers["X-RateLimit-Remaining-Minute"] == "3"
    response = await gql(client, key, "mutation { %s }" % " ".join(f"m{i}: {send}" for i in range(6)))
    assert response.json()["errors"][0]["extensions"]["code"] == "too_costly"
    assert await Message.filter(organization_id=key.organization_id).count() == 2


async def test_nan_in_graphql_variables_is_invalid_json(client, key):
    body = b'{"query": "query($v: Float) { __typename }", "variables": {"v": NaN}}'
    response = await client.post(
        "/graphql", content=body, headers={**key.headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "invalid_json"


def test_the_document_cache_is_bounded_by_bytes_and_keeps_no_huge_texts():
    cache = DocumentCache(schema._schema, max_bytes=2000)
    for i in range(100):
        cache.get("{ viewer { organization { id } } a%d: __typename }" % i)
    assert 0 < cache._cache.currsize <= 2000
    huge = '{ contactByEmail(email: "%s@example.com") { id } }' % ("a" * 70_000)
    assert len(huge) > 64 * 1024
    assert cache.get(huge).valid and huge not in cache._cache


def test_cost_counts_fragments_and_inline_fragments():
    query = """
      query { ...C contact(id: "ct_x") { ... on Contact { events(first: 30) { edges { node { id } } } } } }
      fragment C on Query { contacts(first: 20) { edges { node { events(first: 5) { edges { node { id } } } } } } }
    """
    cost = costs.cost(prepare(schema._schema, query).document, None, None)
    assert (cost.units, cost.nodes) == (1 + 20 + 1 + 1, 20 + 20 * 5 + 30)


async def test_graphiql_docs_state_the_cost_rule(client, key):
    response = await gql(client, key, "{ __schema { queryType { description } mutationType { description } } }")
    types = response.json()["data"]["__schema"]
    assert "extensions.cost" in types["queryType"]["description"]
    assert "one unit" in types["mutationType"]["description"]
