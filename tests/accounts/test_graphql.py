"""Signed-in people on GraphQL: roles (members cannot see or manage keys or members; admins
can), API keys made and revoked from the dashboard, one gate for people and keys (a budget
per person, the same cost), and REST staying key-only."""

from __future__ import annotations

import pytest

from models import AccountToken, ApiKey, Membership, Message
from tests.helpers import PASSWORD, auth_post, gql, log_in_ok, within_one_minute_window

KEYS = "{ apiKeys { id prefix name mode perMinute perDay createdAt lastUsedAt revokedAt } }"
CREATE = """mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) {
    apiKey { id prefix name mode perMinute perDay } secret userErrors { field code } } }"""
REVOKE = "mutation($id: ID!) { revokeApiKey(input: {id: $id}) { apiKey { id revokedAt } userErrors { code } } }"
ROLE = """mutation($u: ID!, $r: Role!) { changeMemberRole(input: {userId: $u, role: $r}) {
    member { id role } userErrors { field code } } }"""
REMOVE = "mutation($u: ID!) { removeMember(input: {userId: $u}) { removedUserId userErrors { field code } } }"
INVITE = 'mutation { inviteMember(input: {email: "new@example.com"}) { invitation { email } userErrors { code } } }'
MEMBERS = "{ members { id email role } }"


def data(response) -> dict:
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def org_name(session) -> str:
    membership = await Membership.get(user_id=session.user_id, organization_id=session.organization_id)
    await membership.fetch_related("organization")
    return membership.organization.name


async def test_a_member_cannot_see_or_manage_keys_or_members(client, make_person):
    owner = await make_person("owner")
    member = await make_person("member", org=await org_name(owner))
    existing = await ApiKey.filter(organization_id=owner.organization_id).count()
    assert data(await gql(client, member, KEYS))["apiKeys"] is None
    created = data(await gql(client, member, CREATE, {"i": {"name": "mine", "mode": "LIVE"}}))["createApiKey"]
    assert created == {"apiKey": None, "secret": None, "userErrors": [{"field": None, "code": "forbidden"}]}
    # Revoking a key of the organization (the owner's) is refused too.
    owners_key = data(await gql(client, owner, CREATE, {"i": {"name": "owner's"}}))["createApiKey"]["apiKey"]
    revoked = data(await gql(client, member, REVOKE, {"id": owners_key["id"]}))["revokeApiKey"]
    assert revoked == {"apiKey": None, "userErrors": [{"code": "forbidden"}]}
    assert (await ApiKey.get(id=owners_key["id"])).revoked_at is None
    for mutation, variables in ((ROLE, {"u": owner.user_id, "r": "MEMBER"}), (REMOVE, {"u": owner.user_id}),
                                (INVITE, {})):
        [payload] = data(await gql(client, member, mutation, variables)).values()
        assert payload["userErrors"][0]["code"] == "forbidden", mutation
    assert (await Membership.get(user_id=owner.user_id, organization_id=owner.organization_id)).role == "owner"
    assert await ApiKey.filter(organization_id=owner.organization_id).count() == existing + 1
    # A member sees who is in the organization.
    members = data(await gql(client, member, MEMBERS))["members"]
    assert {m["role"] for m in members} == {"OWNER", "MEMBER"}


async def test_an_admin_makes_lists_and_revokes_keys_and_changes_members(client, make_person):
    owner = await make_person("owner")
    org = await org_name(owner)
    admin, member = await make_person("admin", org=org), await make_person("member", org=org)
    created = data(await gql(client, admin, CREATE, {"i": {"name": "backend", "mode": "TEST", "perMinute": 7,
                                                           "perDay": 70}}))["createApiKey"]
    assert created["userErrors"] == [] and created["secret"].startswith("et_test_")
    assert created["apiKey"]["prefix"] == created["secret"][:12]
    assert (created["apiKey"]["mode"], created["apiKey"]["perMinute"], created["apiKey"]["perDay"]) == ("test", 7, 70)
    secret = created["secret"]
    listed = data(await gql(client, admin, KEYS))["apiKeys"]
    assert [k["id"] for k in listed] == [created["apiKey"]["id"]]
    assert secret not in str(listed) and listed[0]["revokedAt"] is None
    # The key works on REST, until revoked (at once in this process).
    rest = {"Authorization": f"Bearer {secret}"}
    assert (await client.get("/api/v1/contacts", headers=rest)).status_code == 200
    revoked = data(await gql(client, admin, REVOKE, {"id": created["apiKey"]["id"]}))["revokeApiKey"]
    assert revoked["userErrors"] == [] and revoked["apiKey"]["revokedAt"]
    assert (await client.get("/api/v1/contacts", headers=rest)).status_code == 401
    # Members: an admin promotes and removes members, but never touches an owner.
    promoted = data(await gql(client, admin, ROLE, {"u": member.user_id, "r": "ADMIN"}))["changeMemberRole"]
    assert promoted == {"member": {"id": member.user_id, "role": "ADMIN"}, "userErrors": []}
    for mutation, variables in ((ROLE, {"u": member.user_id, "r": "OWNER"}), (ROLE, {"u": owner.user_id, "r": "MEMBER"}),
                                (REMOVE, {"u": owner.user_id})):
        [payload] = data(await gql(client, admin, mutation, variables)).values()
        assert payload["userErrors"][0]["code"] == "forbidden", (mutation, variables)
    removed = data(await gql(client, admin, REMOVE, {"u": member.user_id}))["removeMember"]
    assert removed == {"removedUserId": member.user_id, "userErrors": []}
    # The removed person's session no longer reaches the organization, nor can they sign in to it.
    assert (await gql(client, member, MEMBERS)).status_code == 401
    login = await auth_post(client, "login", {"email": member.email, "password": PASSWORD})
    assert login.status_code == 403 and login.json()["error"]["code"] == "forbidden"
    # The last owner cannot step down or be removed, even by themself.
    last = data(await gql(client, owner, ROLE, {"u": owner.user_id, "r": "ADMIN"}))["changeMemberRole"]
    assert last["userErrors"] == [{"field": "role", "code": "invalid"}]
    assert data(await gql(client, owner, REMOVE, {"u": owner.user_id}))["removeMember"]["userErrors"][0]["code"] == "invalid"


async def test_an_api_key_cannot_manage_keys_or_members(client, key):
    assert data(await gql(client, key, KEYS))["apiKeys"] is None
    assert data(await gql(client, key, MEMBERS))["members"] is None
    created = data(await gql(client, key, CREATE, {"i": {"name": "escalate"}}))["createApiKey"]
    assert created["userErrors"] == [{"field": None, "code": "forbidden"}]
    assert await ApiKey.filter(organization_id=key.organization_id).count() == 1
    viewer = data(await gql(client, key, "{ viewer { apiKey { id } user { id } role } }"))["viewer"]
    assert viewer == {"apiKey": {"id": key.id}, "user": None, "role": None}


async def test_a_person_has_a_budget_of_their_own_charged_like_a_key(make_client, make_key, make_person):
    client = await make_client(user_rate_per_minute=5, user_rate_per_day=1000)
    person = await make_person("owner")
    await within_one_minute_window()
    query = "{ a: contacts(first: 50) { edges { node { id } } } b: messages(first: 5) { edges { node { id } } } }"
    first = await gql(client, person, query)
    assert first.status_code == 200 and first.json()["extensions"]["cost"]["requested"] == 2
    assert first.headers["X-RateLimit-Limit-Minute"] == "5" and first.headers["X-RateLimit-Remaining-Minute"] == "3"
    # Another session of the same person draws on the same budget.
    second_session = await log_in_ok(client, person.email)
    again = await gql(client, second_session, query)
    assert again.headers["X-RateLimit-Remaining-Minute"] == "1"
    over = await gql(client, person, query)
    assert over.status_code == 429 and over.json()["errors"][0]["extensions"]["code"] == "rate_limited"
    # Someone else in the organization, and a key of it, are not held back by it.
    other = await make_person("member", org=await org_name(person))
    assert (await gql(client, other, query)).status_code == 200
    key = await make_key(org=await org_name(person))
    by_key = await gql(client, key, query)
    assert by_key.status_code == 200 and by_key.json()["extensions"]["cost"]["requested"] == 2  # the same cost


async def test_rest_stays_key_only(client, make_person):
    person = await make_person("owner")
    response = await client.get("/api/v1/contacts", headers=person.headers)
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"
    posted = await client.post("/api/v1/contacts", json={"email": "x@example.com"}, headers=person.headers)
    assert posted.status_code == 401


@pytest.mark.parametrize("field", ["apiKeys", "members"])
async def test_a_signed_out_visitor_gets_401(client, field):
    response = await client.post("/graphql", json={"query": "{ %s { __typename } }" % field},
                                 headers={"Origin": "http://test"})
    assert response.status_code == 401


async def test_requests_today_counts_what_each_key_was_charged(client, make_person, make_key):
    owner = await make_person("owner")
    key = await make_key(org=await org_name(owner))
    for _ in range(3):
        assert (await client.get("/api/v1/contacts", headers=key.headers)).status_code == 200
    listed = data(await gql(client, owner, "{ apiKeys { id requestsToday } }"))["apiKeys"]
    assert listed == [{"id": key.id, "requestsToday": 3}]
    # The key sees its own count, this request's cost included.
    response = await gql(client, key, "{ viewer { apiKey { requestsToday } } }")
    cost = response.json()["extensions"]["cost"]["requested"]
    assert data(response)["viewer"] == {"apiKey": {"requestsToday": 3 + cost}}
    created = data(await gql(client, owner, CREATE.replace("perDay }", "perDay requestsToday }"),
                             {"i": {"name": "fresh"}}))["createApiKey"]
    assert created["apiKey"]["requestsToday"] == 0


async def test_account_mutations_replay_with_the_same_idempotency_key(client, make_person, settings):
    owner = await make_person("owner")
    create = """mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) {
        apiKey { id name } secret userErrors { field code } } }"""
    first = data(await gql(client, owner, create, {"i": {"name": "ci", "idempotencyKey": "key-1"}}))["createApiKey"]
    again = data(await gql(client, owner, create, {"i": {"name": "ci", "idempotencyKey": "key-1"}}))["createApiKey"]
    assert first["secret"].startswith("et_live_") and first["userErrors"] == []
    # The same key, but never its secret again: it was not stored to be replayed.
    assert again == {"apiKey": first["apiKey"], "secret": None, "userErrors": []}
    assert await ApiKey.filter(organization_id=owner.organization_id).count() == 1
    other = data(await gql(client, owner, create, {"i": {"name": "other", "idempotencyKey": "key-1"}}))["createApiKey"]
    assert other["userErrors"] == [{"field": None, "code": "conflict"}]

    invite = """mutation($k: String) { inviteMember(input: {email: "twice@example.com", idempotencyKey: $k}) {
        invitation { email } userErrors { code } } }"""
    for _ in range(2):
        invited = data(await gql(client, owner, invite, {"k": "invite-1"}))["inviteMember"]
        assert invited == {"invitation": {"email": "twice@example.com"}, "userErrors": []}
    assert await Message.filter(organization_id=owner.organization_id, to=["twice@example.com"]).count() == 1

    revoke = "mutation($id: ID!) { revokeApiKey(input: {id: $id, idempotencyKey: \"r-1\"}) { apiKey { revokedAt } } }"
    revoked = [data(await gql(client, owner, revoke, {"id": first["apiKey"]["id"]}))["revokeApiKey"] for _ in range(2)]
    assert revoked[0] == revoked[1] and revoked[0]["apiKey"]["revokedAt"]


async def test_pending_invitations_are_listed_and_can_be_withdrawn(client, make_person, settings, tmp_path):
    owner = await make_person("owner")
    member = await make_person("member", org=await org_name(owner))
    invite = 'mutation($e: String!) { inviteMember(input: {email: $e, role: ADMIN}) { userErrors { code } } }'
    for email in ("first@example.com", "second@example.com"):
        assert data(await gql(client, owner, invite, {"e": email}))["inviteMember"]["userErrors"] == []
    listed = data(await gql(client, owner, "{ invitations { email role expiresAt } }"))["invitations"]
    assert [(i["email"], i["role"]) for i in listed] == [("second@example.com", "ADMIN"), ("first@example.com", "ADMIN")]
    assert data(await gql(client, member, "{ invitations { email } }"))["invitations"] is None  # members: no
    revoke = 'mutation($e: String!) { revokeInvitation(input: {email: $e}) { revokedEmail userErrors { field code } } }'
    refused = data(await gql(client, member, revoke, {"e": "first@example.com"}))["revokeInvitation"]
    assert refused == {"revokedEmail": None, "userErrors": [{"field": None, "code": "forbidden"}]}
    done = data(await gql(client, owner, revoke, {"e": "first@example.com"}))["revokeInvitation"]
    assert done == {"revokedEmail": "first@example.com", "userErrors": []}
    again = data(await gql(client, owner, revoke, {"e": "first@example.com"}))["revokeInvitation"]
    assert again["userErrors"] == [{"field": "email", "code": "not_found"}]
    assert [i["email"] for i in data(await gql(client, owner, "{ invitations { email } }"))["invitations"]] == [
        "second@example.com"]
    # The withdrawn link no longer works.
    token = (await AccountToken.filter(kind="invite", email="first@example.com").order_by("-id").first())
    assert token.used_at is not None
