"""Suppressions over REST: add (once per address, concurrently too), get and remove by address,
listing with filters and cursors, and every refused body and parameter."""

from __future__ import annotations

import asyncio

import pytest

from models import Suppression
from tests.helpers import post_suppression


def assert_validation_error(response, field: str, code: str):
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_error" and error["message"]
    assert (field, code) in [(d["field"], d["code"]) for d in error["details"]], error["details"]


async def test_add_creates_then_returns_the_existing_entry(client, key):
    first = await post_suppression(client, key, email="Jane@Example.COM", reason="bounced", detail="550 5.1.1 no such user")
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["id"].startswith("sup_")
    assert body["email"] == "Jane@example.com"  # normalized domain, local part as given
    assert (body["reason"], body["detail"], body["messageId"]) == ("bounced", "550 5.1.1 no such user", None)
    assert body["createdAt"].endswith(("Z", "+00:00"))
    again = await post_suppression(client, key, email="jane@EXAMPLE.com", reason="unsubscribed", detail="other")
    assert again.status_code == 200 and again.json() == body  # unchanged
    assert await Suppression.filter(organization_id=key.organization_id).count() == 1


async def test_reason_defaults_to_manual_and_detail_to_empty(client, key):
    body = (await post_suppression(client, key, email="a@example.com")).json()
    assert (body["reason"], body["detail"]) == ("manual", "")
    multiline = await post_suppression(client, key, email="b@example.com", detail="line 1\r\nline 2")
    assert multiline.status_code == 201 and multiline.json()["detail"] == "line 1\r\nline 2"


async def test_concurrent_adds_of_one_address_make_one_row(client, key):
    responses = await asyncio.gather(
        *(post_suppression(client, key, email=f"{'RACE' if i % 2 else 'race'}@example.com", reason="complained") for i in range(20))
    )
    assert sorted(r.status_code for r in responses) == [200] * 19 + [201]
    assert len({r.json()["id"] for r in responses}) == 1
    assert await Suppression.filter(organization_id=key.organization_id).count() == 1


async def test_get_and_remove_by_address(client, key):
    created = (await post_suppression(client, key, email="jane+news@example.com", reason="unsubscribed")).json()
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
    created = (await post_suppression(client, key, email="a/b@example.com")).json()
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
    await post_suppression(client, key, email="gone@example.com")
    responses = await asyncio.gather(
        *(client.delete("/api/v1/suppressions/gone@example.com", headers=key.headers) for _ in range(5))
    )
    assert sorted(r.status_code for r in responses) == [200] + [404] * 4


async def test_list_paginates_newest_first_and_filters(client, key):
    reasons = ["bounced", "unsubscribed", "complained", "manual"]
    ids = []
    for i in range(7):
        ids.append((await post_suppression(client, key, email=f"user{i}@example.com", reason=reasons[i % 4])).json()["id"])
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
    assert_validation_error(await post_suppression(client, key, **body), field, code)
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
