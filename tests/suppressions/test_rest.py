from __future__ import annotations

import asyncio

import pytest

from models import Suppression
from schema.suppressions.resolvers import suppress, suppressed_keys
from tests.conftest import gql

ADD = """mutation($input: AddSuppressionInput!) { addSuppression(input: $input) {
    suppression { id email reason detail messageId createdAt } created userErrors { field message code } } }"""
REMOVE = """mutation($input: RemoveSuppressionInput!) { removeSuppression(input: $input) {
    suppression { id email reason } userErrors { field message code } } }"""
LIST = """query($first: Int, $after: String, $filter: SuppressionFilter) {
    suppressions(first: $first, after: $after, filter: $filter) {
        edges { cursor node { id email reason } } pageInfo { hasNextPage endCursor } } }"""


async def add(client, key, **body):
    return await client.post("/api/v1/suppressions", json=body, headers=key.headers)


def assert_validation_error(response, field: str, code: str):
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_error" and error["message"]
    assert (field, code) in [(d["field"], d["code"]) for d in error["details"]], error["details"]


async def test_add_creates_then_returns_the_existing_entry(client, key):
    first = await add(client, key, email="Jane@Example.COM", reason="bounced", detail="550 5.1.1 no such user")
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["id"].startswith("sup_")
    assert body["email"] == "Jane@example.com"  # normalized domain, local part as given
    assert (body["reason"], body["detail"], body["messageId"]) == ("bounced", "550 5.1.1 no such user", None)
    assert body["createdAt"].endswith(("Z", "+00:00"))
    again = await add(client, key, email="jane@EXAMPLE.com", reason="unsubscribed", detail="other")
    assert again.status_code == 200 and again.json() == body  # unchanged
    assert await Suppression.filter(organization_id=key.organization_id).count() == 1


async def test_reason_defaults_to_manual_and_detail_to_empty(client, key):
    body = (await add(client, key, email="a@example.com")).json()
    assert (body["reason"], body["detail"]) == ("manual", "")
    multiline = await add(client, key, email="b@example.com", detail="line 1\r\nline 2")
    assert multiline.status_code == 201 and multiline.json()["detail"] == "line 1\r\nline 2"


async def test_concurrent_adds_of_one_address_make_one_row(client, key):
    responses = await asyncio.gather(
        *(add(client, key, email=f"{'RACE' if i % 2 else 'race'}@example.com", reason="complained") for i in range(20))
    )
    assert sorted(r.status_code for r in responses) == [200] * 19 + [201]
    assert len({r.json()["id"] for r in responses}) == 1
    assert await Suppression.filter(organization_id=key.organization_id).count() == 1


async def test_get_and_remove_by_address(client, key):
    created = (await add(client, key, email="jane+news@example.com", reason="unsubscribed")).json()
    for path in ("jane+news@example.com", "jane%2Bnews%40example.com", "JANE%2BNEWS@EXAMPLE.COM"):
        got = await client.get(f"/api/v1/suppressions/{path}", headers=key.headers)
        assert got.status_code == 200 and got.json() == created, (path, got.text)
    removed = await client.delete("/api/v1/suppressions/Jane%2Bnews%40example.com", headers=key.headers)
    assert removed.status_code == 200 and removed.json() == created
    for method in ("GET", "DELETE"):
        gone = await client.request(method, "/api/v1/suppressions/jane%2Bnews%40example.com", headers=key.headers)
        assert gone.status_code == 404 and gone.json()["error"]["code"] == "not_found"
    assert await Suppression.filter(organization_id=key.organization_id).count() == 0


async def test_address_with_a_slash_in_its_local_part(client, key):
    created = (await add(client, key, email="a/b@example.com")).json()
    got = await client.get("/api/v1/suppressions/a%2Fb%40example.com", headers=key.headers)
    assert got.status_code == 200 and got.json() == created


async def test_path_address_that_is_not_an_address(client, key):
    response = await client.get("/api/v1/suppressions/not-an-email", headers=key.headers)
    assert_validation_error(response, "email", "invalid_email")
    response = await client.delete("/api/v1/suppressions/nope%40", headers=key.headers)
    assert_validation_error(response, "email", "invalid_email")
    # A line break never reaches the resolver (no route matches it), and is refused all the same.
    response = await client.delete("/api/v1/suppressions/x%0d%0aBcc%3a%20y%40example.com", headers=key.headers)
    assert response.status_code in (404, 422) and response.json()["error"]["code"] in ("not_found", "validation_error")


async def test_concurrent_removes_give_one_200(client, key):
    await add(client, key, email="gone@example.com")
    responses = await asyncio.gather(
        *(client.delete("/api/v1/suppressions/gone@example.com", headers=key.headers) for _ in range(5))
    )
    assert sorted(r.status_code for r in responses) == [200] + [404] * 4


async def test_list_paginates_newest_first_and_filters(client, key):
    reasons = ["bounced", "unsubscribed", "complained", "manual"]
    ids = []
    for i in range(7):
        ids.append((await add(client, key, email=f"user{i}@example.com", reason=reasons[i % 4])).json()["id"])
    seen, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        response = await client.get("/api/v1/suppressions", params=params, headers=key.headers)
        page = response.json()
        assert len(page["data"]) <= 3
        seen += [s["id"] for s in page["data"]]
        if not page["hasMore"]:
            assert page["nextCursor"] is None
            break
        cursor = page["nextCursor"]
    assert seen == list(reversed(ids))
    bounced = (await client.get("/api/v1/suppressions", params={"reason": "bounced"}, headers=key.headers)).json()
    assert [s["email"] for s in bounced["data"]] == ["user4@example.com", "user0@example.com"]
    by_email = (await client.get("/api/v1/suppressions", params={"email": "USER3"}, headers=key.headers)).json()
    assert [s["email"] for s in by_email["data"]] == ["user3@example.com"]
    both = await client.get("/api/v1/suppressions", params={"email": "user", "reason": "manual"}, headers=key.headers)
    assert [s["email"] for s in both.json()["data"]] == ["user3@example.com"]
    none = (await client.get("/api/v1/suppressions", params={"email": "nobody"}, headers=key.headers)).json()
    assert none == {"data": [], "hasMore": False, "nextCursor": None}


@pytest.mark.parametrize(
    "body, field, code",
    [
        ({"email": "not-an-email"}, "email", "invalid_email"),
        ({"email": "a@example.com\r\nBcc: x@example.com"}, "email", "header_injection"),
        ({}, "email", "required"),
        ({"email": "a@example.com", "reason": "spam"}, "reason", "invalid"),
        ({"email": "a@example.com", "reason": "BOUNCED"}, "reason", "invalid"),
        ({"email": "a@example.com", "detail": "x" * 1001}, "detail", "too_long"),
        ({"email": "a@example.com", "detail": 3}, "detail", "invalid_type"),
        ({"email": "a@example.com", "messageId": "msg_x"}, "messageId", "unknown_field"),
    ],
)
async def test_bad_bodies_are_422(client, key, body, field, code):
    assert_validation_error(await add(client, key, **body), field, code)
    assert await Suppression.filter(organization_id=key.organization_id).count() == 0


@pytest.mark.parametrize(
    "params, field, code",
    [
        ({"limit": 0}, "limit", "invalid"),
        ({"limit": 101}, "limit", "invalid"),
        ({"cursor": "bogus"}, "cursor", "invalid_format"),
        ({"cursor": "Y3RfMDA"}, "cursor", "invalid_format"),
        ({"reason": "spam"}, "reason", "invalid"),
    ],
)
async def test_bad_list_parameters_are_422(client, key, params, field, code):
    response = await client.get("/api/v1/suppressions", params=params, headers=key.headers)
    assert_validation_error(response, field, code)


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
        rest = (await add(client, key, **body)).json()["error"]
        payload = (await gql(client, key, ADD, {"input": body})).json()["data"]["addSuppression"]
        assert payload["suppression"] is None and payload["created"] is False
        assert [(d["field"], rest["code"]) for d in rest["details"]] == [
            (e["field"], e["code"]) for e in payload["userErrors"]
        ], body
    bad_remove = (await gql(client, key, REMOVE, {"input": {"email": "nope"}})).json()["data"]["removeSuppression"]
    assert [(e["field"], e["code"]) for e in bad_remove["userErrors"]] == [("email", "validation_error")]
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


async def test_suppress_helper_inserts_once_and_keeps_the_first_reason(make_key):
    key = await make_key()
    await suppress(key.organization_id, "Bounce@Example.com", "bounced", "550 5.1.1 user unknown", "msg_0123456789abcdefghijklmno")
    await suppress(key.organization_id, "bounce@example.com", "complained")  # already there: ignored
    await asyncio.gather(*(suppress(key.organization_id, "twice@example.com", "unsubscribed") for _ in range(5)))
    rows = await Suppression.filter(organization_id=key.organization_id).order_by("id")
    assert [(r.email, r.email_key, r.reason, r.detail, r.message_id) for r in rows] == [
        ("Bounce@example.com", "bounce@example.com", "bounced", "550 5.1.1 user unknown", "msg_0123456789abcdefghijklmno"),
        ("twice@example.com", "twice@example.com", "unsubscribed", "", None),
    ]
    with pytest.raises(ValueError):
        await suppress(key.organization_id, "x@example.com", "spam")


async def test_suppress_helper_shows_in_the_api(client, key):
    await suppress(key.organization_id, "worker@example.com", "bounced", "550", "msg_0123456789abcdefghijklmno")
    got = (await client.get("/api/v1/suppressions/worker@example.com", headers=key.headers)).json()
    assert (got["reason"], got["detail"], got["messageId"]) == ("bounced", "550", "msg_0123456789abcdefghijklmno")


async def test_suppressed_keys_is_per_organization(make_key):
    a, b = await make_key(), await make_key()
    await suppress(a.organization_id, "x@example.com", "bounced")
    await suppress(a.organization_id, "y@example.com", "manual")
    await suppress(b.organization_id, "y@example.com", "manual")
    pairs = [
        (a.organization_id, "x@example.com"),
        (a.organization_id, "Y@example.com"),  # keys are compared lower-cased, returned as given
        (a.organization_id, "z@example.com"),
        (b.organization_id, "x@example.com"),  # suppressed in A, not in B
        (b.organization_id, "y@example.com"),
    ]
    assert await suppressed_keys(pairs) == {
        (a.organization_id, "x@example.com"),
        (a.organization_id, "Y@example.com"),
        (b.organization_id, "y@example.com"),
    }
    assert await suppressed_keys([]) == set()
    assert await suppressed_keys(iter([(b.organization_id, "x@example.com")])) == set()


async def test_suppressed_keys_runs_one_query(make_key, monkeypatch):
    from tortoise.queryset import ValuesListQuery

    key = await make_key()
    await suppress(key.organization_id, "q@example.com", "bounced")
    calls = []
    original = ValuesListQuery._execute

    async def counted(self):
        calls.append(1)
        return await original(self)

    monkeypatch.setattr(ValuesListQuery, "_execute", counted)
    pairs = [(key.organization_id, f"r{i}@example.com") for i in range(200)] + [(key.organization_id, "q@example.com")]
    assert await suppressed_keys(pairs) == {(key.organization_id, "q@example.com")}
    assert len(calls) == 1
