"""Suppressions over GraphQL: add, list, get and remove, the same objects, cursors and errors
as REST."""

from __future__ import annotations

from models import Suppression
from tests.helpers import gql, post_suppression

ADD = """mutation($input: AddSuppressionInput!) { addSuppression(input: $input) {
    suppression { id email reason detail messageId createdAt } created userErrors { field message code } } }"""

REMOVE = """mutation($input: RemoveSuppressionInput!) { removeSuppression(input: $input) {
    suppression { id email reason } userErrors { field message code } } }"""

LIST = """query($first: Int, $after: String, $filter: SuppressionFilter) {
    suppressions(first: $first, after: $after, filter: $filter) {
        edges { cursor node { id email reason } } pageInfo { hasNextPage endCursor } } }"""


async def test_graphql_add_list_get_remove(client, key):
    created = (await gql(client, key, ADD, {"input": {"email": "G@Example.com", "reason": "BOUNCED", "detail": "550"}})).json()
    payload = created["data"]["addSuppression"]
    assert payload["created"] is True and payload["userErrors"] == []
    suppression = payload["suppression"]
    assert (suppression["email"], suppression["reason"], suppression["detail"], suppression["messageId"]) == (
        "G@example.com", "BOUNCED", "550", None,
    )
    again = (await gql(client, key, ADD, {"input": {"email": "g@example.com"}})).json()["data"]["addSuppression"]
    assert again["created"] is False and again["suppression"] == suppression
    default = (await gql(client, key, ADD, {"input": {"email": "m@example.com"}})).json()["data"]["addSuppression"]
    assert default["suppression"]["reason"] == "MANUAL"

    # The same object through REST (reason in lower case there).
    rest = (await client.get("/api/v1/suppressions/g@example.com", headers=key.headers)).json()
    assert rest["id"] == suppression["id"] and rest["reason"] == "bounced"

    listed = (await gql(client, key, LIST, {"first": 1})).json()["data"]["suppressions"]
    assert [e["node"]["email"] for e in listed["edges"]] == ["m@example.com"]
    assert listed["pageInfo"]["hasNextPage"] is True
    rest_page = (await client.get("/api/v1/suppressions", params={"limit": 1}, headers=key.headers)).json()
    assert listed["pageInfo"]["endCursor"] == rest_page["nextCursor"]  # one cursor format
    second = (await gql(client, key, LIST, {"first": 1, "after": listed["pageInfo"]["endCursor"]})).json()
    assert [e["node"]["id"] for e in second["data"]["suppressions"]["edges"]] == [suppression["id"]]
    filtered = (await gql(client, key, LIST, {"filter": {"reason": "BOUNCED", "email": "G@EX"}})).json()
    assert [e["node"]["id"] for e in filtered["data"]["suppressions"]["edges"]] == [suppression["id"]]

    one = (await gql(client, key, '{ suppression(email: "g@EXAMPLE.com") { id } }')).json()["data"]["suppression"]
    assert one == {"id": suppression["id"]}
    missing = (await gql(client, key, '{ suppression(email: "nobody@example.com") { id } }')).json()
    assert missing["data"]["suppression"] is None

    removed = (await gql(client, key, REMOVE, {"input": {"email": "G@EXAMPLE.COM"}})).json()["data"]["removeSuppression"]
    assert removed["userErrors"] == [] and removed["suppression"]["id"] == suppression["id"]
    again = (await gql(client, key, REMOVE, {"input": {"email": "g@example.com"}})).json()["data"]["removeSuppression"]
    assert again["suppression"] is None
    assert [(e["field"], e["code"]) for e in again["userErrors"]] == [(None, "not_found")]


async def test_graphql_errors_match_rest(client, key):
    cases = [
        {"email": "not-an-email"},
        {"email": "a@example.com\nBcc: x@example.com"},
        {"email": "a@example.com", "detail": "x" * 1001},
    ]
    for body in cases:
        rest = (await post_suppression(client, key, **body)).json()["error"]
        payload = (await gql(client, key, ADD, {"input": body})).json()["data"]["addSuppression"]
        assert payload["suppression"] is None and payload["created"] is False
        assert [(d["field"], d["code"]) for d in rest["details"]] == [
            (e["field"], e["code"]) for e in payload["userErrors"]
        ], body
    bad_remove = (await gql(client, key, REMOVE, {"input": {"email": "nope"}})).json()["data"]["removeSuppression"]
    assert [(e["field"], e["code"]) for e in bad_remove["userErrors"]] == [("email", "invalid_email")]
    assert await Suppression.filter(organization_id=key.organization_id).count() == 0


async def test_graphql_bad_reason_and_page_arguments(client, key):
    # An unknown enum value is refused by GraphQL itself, before any resolver runs.
    bad_reason = (await gql(client, key, ADD, {"input": {"email": "a@example.com", "reason": "SPAM"}})).json()
    assert bad_reason["data"] is None and "SuppressionReason" in bad_reason["errors"][0]["message"]
    for variables, field, code in [
        ({"first": 0}, "first", "invalid"),
        ({"first": 101}, "first", "invalid"),
        ({"after": "bogus"}, "after", "invalid_format"),
    ]:
        error = (await gql(client, key, LIST, variables)).json()["errors"][0]
        assert error["extensions"]["code"] == "validation_error"
        assert [(d["field"], d["code"]) for d in error["extensions"]["details"]] == [(field, code)]
