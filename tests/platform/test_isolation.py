"""A key of organization A never reads or changes organization B's data, through any route
or GraphQL field; nor does a signed-in person's session of organization B on GraphQL. The
route walk fails when a new route is added without a case here."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute

from app.web.guard import GuardedRoute
from models import (
    ApiKey,
    Automation,
    AutomationRun,
    Contact,
    Domain,
    Membership,
    Message,
    Organization,
    Suppression,
    WebhookEndpoint,
)
from tests.helpers import SEND, api_routes, gql

# Personalized from the contact: B's send must not find A's Jane.
PERSONAL_SEND = {**SEND, "subject": "Hi {{firstName}}"}
# A's suppressed address. Not one B uses for its own sends and contacts: the walk asserts that
# no value of owned_by_a() appears in any of B's responses.
BLOCKED_A = "blocked-a@example.com"
AUTOMATION = {"name": "Receipt", "trigger": {"eventType": "order.placed"}, "steps": [{"type": "addTag", "tag": "buyer"}]}


# Who calls as organization B on GraphQL: a key of B, or an owner of B signed in (a session).
CALLERS = pytest.mark.parametrize("b_caller", ["key", "session"])


async def org_b_caller(kind: str, make_key, make_person):
    return await make_key() if kind == "key" else await make_person("owner")


async def owned_by_a(client, key_a) -> dict[str, str]:
    """Objects in organization A, by path-parameter name."""
    contact = await client.post(
        "/api/v1/contacts",
        json={"email": "jane@example.com", "firstName": "Jane", "tags": ["vip"], "customFields": {"plan": "pro"}},
        headers=key_a.headers,
    )
    message = await client.post("/api/v1/delivery/send", json=PERSONAL_SEND, headers=key_a.headers)
    suppression = await client.post(
        "/api/v1/suppressions", json={"email": BLOCKED_A, "reason": "bounced", "detail": "550"}, headers=key_a.headers
    )
    assert suppression.status_code == 201, suppression.text
    imported = await client.post(
        "/api/v1/contacts/import", content=b"email\njane@example.com\n", headers={**key_a.headers, "Content-Type": "text/csv"}
    )
    assert imported.status_code == 202, imported.text
    automation = await client.post("/api/v1/automations", json=AUTOMATION, headers=key_a.headers)
    assert automation.status_code == 201, automation.text
    domain = await client.post("/api/v1/domains", json={"name": "acme-a.com"}, headers=key_a.headers)
    assert domain.status_code == 201, domain.text
    endpoint = await client.post("/api/v1/webhooks", json={"url": "https://example.com/a", "events": ["message.sent"]},
                                 headers=key_a.headers)
    assert endpoint.status_code == 201, endpoint.text
    return {
        "endpoint_id": endpoint.json()["id"],
        "endpoint_secret": endpoint.json()["secret"],  # B's responses must not show it
        "domain_id": domain.json()["id"],
        "automation_id": automation.json()["id"],
        "import_id": imported.json()["importId"],
        "contact_id": contact.json()["id"],
        "message_id": message.json()["messageId"],
        "email": BLOCKED_A,
        "suppression_id": suppression.json()["id"],  # no path uses it; B's responses must not show it
        "webhook_secret": automation.json()["webhookSecret"],  # nor this
    }


# What org B sends to each route, aimed at org A's objects. Every /api/v1 route must be here.
CASES = {
    ("POST", "/api/v1/contacts"): {"json": {"email": "jane@example.com", "firstName": "Mallory", "tags": ["b"]}},
    ("GET", "/api/v1/contacts"): {"params": {"email": "jane"}},
    ("GET", "/api/v1/contacts/{contact_id}"): {},
    ("POST", "/api/v1/contacts/import"): {"content": b"email\nmallory@example.com\n", "params": {"tags": "b"}},
    ("GET", "/api/v1/contacts/import/{import_id}"): {},
    ("POST", "/api/v1/contacts/import/{import_id}/cancel"): {},
    ("PATCH", "/api/v1/contacts/{contact_id}"): {"json": {"firstName": "Mallory", "addTags": ["b"]}},
    ("DELETE", "/api/v1/contacts/{contact_id}"): {"params": {"suppress": "true"}},
    ("GET", "/api/v1/contacts/export"): {"params": {"format": "ndjson", "tag": "vip"}},
    ("GET", "/api/v1/contacts/by-email/{email}"): {},
    ("POST", "/api/v1/delivery/send"): {"json": PERSONAL_SEND},
    ("POST", "/api/v1/delivery/batch"): {"json": {"messages": [PERSONAL_SEND]}},
    ("GET", "/api/v1/delivery/messages"): {"params": {"to": "jane@example.com"}},
    ("GET", "/api/v1/delivery/messages/{message_id}"): {},
    ("POST", "/api/v1/delivery/messages/{message_id}/cancel"): {},
    ("POST", "/api/v1/pipelines/events"): {"json": {"email": "jane@example.com", "eventType": "x"}},
    ("POST", "/api/v1/pipelines/events/batch"): {"json": {"events": [{"email": "jane@example.com", "eventType": "x"}]}},
    ("GET", "/api/v1/pipelines/events"): {"params": {"email": "jane@example.com"}},
    ("POST", "/api/v1/suppressions"): {"json": {"email": "mallory@example.com", "reason": "manual"}},
    ("GET", "/api/v1/suppressions"): {"params": {"email": "blocked"}},
    ("GET", "/api/v1/suppressions/{email}"): {},
    ("DELETE", "/api/v1/suppressions/{email}"): {},
    ("GET", "/api/v1/analytics/messages"): {"params": {"from": "2026-01-01T00:00:00Z", "to": "2027-01-01T00:00:00Z"}},
    ("GET", "/api/v1/analytics/events"): {"params": {"from": "2026-01-01T00:00:00Z", "to": "2027-01-01T00:00:00Z"}},
    ("GET", "/api/v1/analytics/contacts"): {"params": {"from": "2026-01-01T00:00:00Z", "to": "2027-01-01T00:00:00Z"}},
    ("POST", "/api/v1/automations"): {"json": AUTOMATION},
    ("GET", "/api/v1/automations"): {},
    ("GET", "/api/v1/automations/{automation_id}"): {},
    ("PATCH", "/api/v1/automations/{automation_id}"): {"json": {"name": "Mallory", "enabled": False}},
    ("DELETE", "/api/v1/automations/{automation_id}"): {},
    ("POST", "/api/v1/automations/{automation_id}/enable"): {},
    ("POST", "/api/v1/automations/{automation_id}/disable"): {},
    ("POST", "/api/v1/automations/{automation_id}/rotate-webhook-secret"): {},
    ("GET", "/api/v1/automations/{automation_id}/runs"): {},
    ("GET", "/api/v1/analytics/revenue/top-contacts"): {"params": {"from": "2026-01-01T00:00:00Z", "to": "2027-01-01T00:00:00Z"}},
    ("GET", "/api/v1/analytics/revenue/automations"): {"params": {"from": "2026-01-01T00:00:00Z", "to": "2027-01-01T00:00:00Z"}},
    ("POST", "/api/v1/domains"): {"json": {"name": "acme-a.com"}},
    ("GET", "/api/v1/domains"): {},
    ("GET", "/api/v1/domains/{domain_id}"): {},
    ("POST", "/api/v1/domains/{domain_id}/verify"): {},
    ("DELETE", "/api/v1/domains/{domain_id}"): {},
    ("GET", "/api/v1/tracking"): {},
    ("PATCH", "/api/v1/tracking"): {"json": {"opens": True, "clicks": True}},
    ("POST", "/api/v1/webhooks"): {"json": {"url": "https://example.com/b", "events": ["message.sent"]}},
    ("GET", "/api/v1/webhooks"): {},
    ("GET", "/api/v1/webhooks/{endpoint_id}"): {},
    ("PATCH", "/api/v1/webhooks/{endpoint_id}"): {"json": {"url": "https://example.com/mallory", "enabled": False}},
    ("DELETE", "/api/v1/webhooks/{endpoint_id}"): {},
    ("POST", "/api/v1/webhooks/{endpoint_id}/rotate-secret"): {},
    ("POST", "/api/v1/webhooks/{endpoint_id}/test"): {},
    ("GET", "/api/v1/webhooks/{endpoint_id}/deliveries"): {},
}


def router_routes(router) -> list[APIRoute]:
    """The APIRoutes below a router, through included routers (FastAPI keeps them nested)."""
    found = []
    for route in router.routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found.extend(router_routes(route.original_router))
    return found


async def test_every_api_route_is_guarded_and_covered(app, client):
    from rest_compat import router as rest_router

    routes = router_routes(rest_router)
    assert len(routes) == len(api_routes(app)) >= len(CASES)
    assert all(isinstance(route, GuardedRoute) for route in routes)
    for method, path in api_routes(app):
        assert (method, path) in CASES, f"add an isolation case for {method} {path}"
        response = await client.request(method, path.replace("{", "").replace("}", ""))
        assert response.status_code == 401, (method, path)


# B's test key too: another organization's objects are 404 for it, never test mode's 403
# (which would tell that the object exists).
@pytest.mark.parametrize("b_test_key", [False, True], ids=["live key", "test key"])
async def test_org_b_cannot_see_or_change_org_a(app, client, make_key, b_test_key):
    key_a, key_b = await make_key(), await make_key(test=b_test_key)
    ids = await owned_by_a(client, key_a)
    before = await Contact.get(id=ids["contact_id"]).prefetch_related("tags")
    for method, path in api_routes(app):
        url = path.format(**ids)
        response = await client.request(method, url, headers=key_b.headers, **CASES[(method, path)])
        assert response.status_code < 500, (method, path, response.text)
        text = response.text
        for value in ids.values():
            assert value not in text, (method, path)
        if re.search(r"\{\w+\}", path):
            assert response.status_code == 404, (method, path)
            assert response.json()["error"]["code"] == "not_found"
    # Org A's data is untouched by all of that.
    after = await Contact.get(id=ids["contact_id"]).prefetch_related("tags")
    assert (after.first_name, after.custom_fields) == (before.first_name, before.custom_fields)
    assert [t.tag for t in after.tags] == ["vip"]
    message = await Message.get(id=ids["message_id"])
    assert message.organization_id == key_a.organization_id and message.status == "queued"  # not canceled by B
    a_suppression = await Suppression.get(id=ids["suppression_id"])
    assert (a_suppression.organization_id, a_suppression.email, a_suppression.reason, a_suppression.detail) == (
        key_a.organization_id, BLOCKED_A, "bounced", "550"
    )
    automation = await Automation.get(id=ids["automation_id"])
    assert (automation.organization_id, automation.name, automation.enabled) == (key_a.organization_id, "Receipt", True)
    assert automation.webhook_secret == ids["webhook_secret"]  # not rotated by B
    # Org B's upsert and event made B's own contact, not a change to A's.
    b_contacts = await Contact.filter(organization_id=key_b.organization_id)
    assert [c.email for c in b_contacts] == ["jane@example.com"]
    assert b_contacts[0].id != ids["contact_id"]
    a_endpoint = await WebhookEndpoint.get(id=ids["endpoint_id"])  # not changed, rotated or deleted by B
    assert (a_endpoint.url, a_endpoint.enabled, a_endpoint.secret) == ("https://example.com/a", True,
                                                                       ids["endpoint_secret"])
    a_org = await Organization.get(id=key_a.organization_id)  # B's tracking change was B's own
    assert (a_org.track_opens, a_org.track_clicks) == (False, False)
    domain = await Domain.get(id=ids["domain_id"])  # not deleted by B; B's own has its own key
    assert domain.organization_id == key_a.organization_id
    if not b_test_key:
        b_domain = await Domain.get(organization_id=key_b.organization_id, name="acme-a.com")
        assert b_domain.dkim_private_key != domain.dkim_private_key


@CALLERS
async def test_org_b_graphql_fields_see_nothing_of_org_a(client, make_key, make_person, b_caller):
    key_a, key_b = await make_key(), await org_b_caller(b_caller, make_key, make_person)
    ids = await owned_by_a(client, key_a)
    query = """query($c: ID!, $m: ID!, $e: String!, $a: ID!, $d: ID!) {
        contact(id: $c) { id }
        contactByEmail(email: "jane@example.com") { id }
        contacts(first: 100) { edges { node { id } } }
        tagged: contacts(first: 100, filter: {tag: "vip"}) { edges { node { id } } }
        message(id: $m) { id }
        messages(first: 100) { edges { node { id } } }
        mailedJane: messages(first: 100, filter: {to: "jane@example.com"}) { edges { node { id } } }
        suppression(email: $e) { id }
        suppressions(first: 100) { edges { node { id } } }
        blocked: suppressions(first: 100, filter: {email: "blocked", reason: BOUNCED}) { edges { node { id } } }
        viewer { organization { id } }
        automation(id: $a) { id }
        automations(first: 100) { edges { node { id } } }
        domain(id: $d) { id }
        domains { id }
    }"""
    variables = {"c": ids["contact_id"], "m": ids["message_id"], "e": ids["email"], "a": ids["automation_id"],
                 "d": ids["domain_id"]}
    data = (await gql(client, key_b, query, variables)).json()["data"]
    assert data["contact"] is None and data["contactByEmail"] is None and data["message"] is None
    assert data["contacts"]["edges"] == [] and data["tagged"]["edges"] == []
    assert data["messages"]["edges"] == [] and data["mailedJane"]["edges"] == []
    assert data["suppression"] is None
    assert data["suppressions"]["edges"] == [] and data["blocked"]["edges"] == []
    assert data["viewer"]["organization"]["id"] == key_b.organization_id
    assert data["automation"] is None and data["automations"]["edges"] == []
    assert data["domain"] is None and data["domains"] == []
    # The same query with A's key sees everything: the test can fail.
    data = (await gql(client, key_a, query, variables)).json()["data"]
    assert data["contact"]["id"] == ids["contact_id"] == data["contactByEmail"]["id"]
    assert data["message"]["id"] == ids["message_id"]
    assert [e["node"]["id"] for e in data["mailedJane"]["edges"]] == [ids["message_id"]]
    assert len(data["tagged"]["edges"]) == 1
    assert data["suppression"]["id"] == ids["suppression_id"]
    assert [e["node"]["id"] for e in data["blocked"]["edges"]] == [ids["suppression_id"]]
    assert data["automation"]["id"] == ids["automation_id"]
    assert [e["node"]["id"] for e in data["automations"]["edges"]] == [ids["automation_id"]]
    assert data["domain"]["id"] == ids["domain_id"] and [d["id"] for d in data["domains"]] == [ids["domain_id"]]


@CALLERS
async def test_org_b_cannot_cancel_org_as_message_through_graphql(client, make_key, make_person, b_caller):
    key_a, key_b = await make_key(), await org_b_caller(b_caller, make_key, make_person)
    ids = await owned_by_a(client, key_a)
    mutation = "mutation($m: ID!) { cancelMessage(input: {id: $m}) { message { id } userErrors { code } } }"
    payload = (await gql(client, key_b, mutation, {"m": ids["message_id"]})).json()["data"]["cancelMessage"]
    assert payload == {"message": None, "userErrors": [{"code": "not_found"}]}
    assert (await Message.get(id=ids["message_id"])).status == "queued"
    payload = (await gql(client, key_a, mutation, {"m": ids["message_id"]})).json()["data"]["cancelMessage"]
    assert payload == {"message": {"id": ids["message_id"]}, "userErrors": []}


async def test_org_b_cannot_update_or_erase_org_as_contact(client, make_key):
    """GraphQL updateContact/deleteContact and REST PATCH/DELETE with A's contact id: not
    found for B, and A's contact, its tags and its messages stay exactly as they were."""
    key_a, key_b = await make_key(), await make_key()
    ids = await owned_by_a(client, key_a)
    contact_id = ids["contact_id"]

    async def snapshot():
        c = await Contact.get(id=contact_id).prefetch_related("tags")
        message = await Message.get(id=ids["message_id"])
        return (c.organization_id, c.email, c.first_name, c.last_name, c.custom_fields, c.updated_at,
                sorted(t.tag for t in c.tags), message.to, message.subject)

    before = await snapshot()
    update = """mutation($id: ID!) { updateContact(input: {id: $id, email: "mallory@example.com",
        firstName: "Mallory", addTags: ["b"], removeTags: ["vip"], customFields: {plan: null}}) {
        contact { id } userErrors { field code } } }"""
    delete = """mutation($id: ID!) { deleteContact(input: {id: $id, suppress: true}) {
        erasure { id } userErrors { field code } } }"""
    payload = (await gql(client, key_b, update, {"id": contact_id})).json()["data"]["updateContact"]
    assert payload == {"contact": None, "userErrors": [{"field": None, "code": "not_found"}]}
    payload = (await gql(client, key_b, delete, {"id": contact_id})).json()["data"]["deleteContact"]
    assert payload == {"erasure": None, "userErrors": [{"field": None, "code": "not_found"}]}
    patch = await client.patch(f"/api/v1/contacts/{contact_id}", headers=key_b.headers,
                               json={"email": "mallory@example.com", "firstName": "Mallory", "removeTags": ["vip"]})
    erase = await client.delete(f"/api/v1/contacts/{contact_id}", params={"suppress": "true"}, headers=key_b.headers)
    for response in (patch, erase):
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found", response.text
    assert await snapshot() == before
    orgs = [key_a.organization_id, key_b.organization_id]
    assert not await Suppression.filter(organization_id__in=orgs, email_key="jane@example.com").exists()
    assert not await Contact.filter(organization_id=key_b.organization_id).exists()
    # A's key can do both (the test can fail).
    payload = (await gql(client, key_a, update, {"id": contact_id})).json()["data"]["updateContact"]
    assert payload == {"contact": {"id": contact_id}, "userErrors": []}
    payload = (await gql(client, key_a, delete, {"id": contact_id})).json()["data"]["deleteContact"]
    assert payload == {"erasure": {"id": contact_id}, "userErrors": []}
    assert not await Contact.filter(id=contact_id).exists()


async def test_send_never_personalizes_from_another_orgs_contact(client, make_key):
    key_a, key_b = await make_key(), await make_key()
    await owned_by_a(client, key_a)
    sent = await client.post("/api/v1/delivery/send", json=PERSONAL_SEND, headers=key_b.headers)
    message = await Message.get(id=sent.json()["messageId"])
    assert message.subject == "Hi "


@CALLERS
async def test_graphql_mutations_stay_in_the_callers_org(client, make_key, make_person, b_caller):
    key_a, key_b = await make_key(), await org_b_caller(b_caller, make_key, make_person)
    ids = await owned_by_a(client, key_a)
    response = await gql(
        client,
        key_b,
        'mutation { upsertContact(input: {email: "JANE@example.com", firstName: "Mallory"}) { contact { id } created } }',
    )
    payload = response.json()["data"]["upsertContact"]
    assert payload["created"] is True and payload["contact"]["id"] != ids["contact_id"]
    assert (await Contact.get(id=ids["contact_id"])).first_name == "Jane"


async def test_org_b_cannot_remove_or_take_over_org_a_suppressions(client, make_key):
    key_a, key_b = await make_key(), await make_key()
    ids = await owned_by_a(client, key_a)
    removed = await gql(
        client,
        key_b,
        'mutation($e: String!) { removeSuppression(input: {email: $e}) { suppression { id } userErrors { field code } } }',
        {"e": BLOCKED_A.upper()},
    )
    payload = removed.json()["data"]["removeSuppression"]
    assert payload == {"suppression": None, "userErrors": [{"field": None, "code": "not_found"}]}
    # B suppressing the same address makes B's own entry (201, created), A's stays as it was.
    rest = await client.post("/api/v1/suppressions", json={"email": BLOCKED_A, "reason": "complained"}, headers=key_b.headers)
    assert rest.status_code == 201 and rest.json()["id"] != ids["suppression_id"]
    graph = await gql(
        client,
        key_b,
        'mutation($e: String!) { addSuppression(input: {email: $e}) { suppression { id reason } created } }',
        {"e": "Blocked-A@example.com"},
    )
    assert graph.json()["data"]["addSuppression"] == {
        "suppression": {"id": rest.json()["id"], "reason": "COMPLAINED"},  # B's own, found again
        "created": False,
    }
    b_rows = await Suppression.filter(organization_id=key_b.organization_id)
    assert [(r.email_key, r.reason) for r in b_rows] == [(BLOCKED_A, "complained")]
    a_rows = await Suppression.filter(organization_id=key_a.organization_id)
    assert [(r.id, r.reason, r.detail) for r in a_rows] == [(ids["suppression_id"], "bounced", "550")]
    # Removing B's entry leaves A's.
    assert (await client.delete(f"/api/v1/suppressions/{BLOCKED_A}", headers=key_b.headers)).status_code == 200
    assert await Suppression.filter(id=ids["suppression_id"]).exists()


@pytest.mark.parametrize("b_test_key", [False, True], ids=["live key", "test key"])
async def test_org_b_cannot_change_org_as_automation_through_graphql(client, make_key, b_test_key):
    key_a, key_b = await make_key(), await make_key(test=b_test_key)
    ids = await owned_by_a(client, key_a)
    mutations = [
        'mutation($a: ID!) { updateAutomation(input: {id: $a, name: "Mallory"}) { automation { id } userErrors { code } } }',
        "mutation($a: ID!) { setAutomationEnabled(input: {id: $a, enabled: false}) { automation { id } userErrors { code } } }",
        "mutation($a: ID!) { deleteAutomation(input: {id: $a}) { deletedId userErrors { code } } }",
    ]
    for mutation in mutations:
        data = (await gql(client, key_b, mutation, {"a": ids["automation_id"]})).json()["data"]
        [payload] = data.values()
        assert payload["userErrors"] == [{"code": "not_found"}], mutation
        assert ids["automation_id"] not in str(payload)
    query = "query($a: ID!) { automation(id: $a) { id runs { edges { node { id } } } } }"
    assert (await gql(client, key_b, query, {"a": ids["automation_id"]})).json()["data"]["automation"] is None
    automation = await Automation.get(id=ids["automation_id"])
    assert (automation.name, automation.enabled) == ("Receipt", True)
    # B's events never start A's automation.
    await client.post("/api/v1/pipelines/events", json={"email": "jane@example.com", "eventType": "order.placed"},
                      headers=key_b.headers)
    assert not await AutomationRun.filter(automation_id=ids["automation_id"]).exists()


async def test_a_session_of_org_b_never_sees_or_changes_org_as_keys_or_members(client, make_key, make_person):
    """Owners of two organizations: B's session aims the account fields at A's key and owner."""
    key_a = await make_key()
    owner_a = await make_person("owner", org=key_a.organization_name)
    member_a = await make_person("member", org=key_a.organization_name)
    owner_b = await make_person("owner")
    query = """query($k: ID!) { apiKeys { id } members { id email } node(id: $k) { id }
        viewer { organization { id } } }"""
    seen = (await gql(client, owner_b, query, {"k": key_a.id})).json()["data"]
    assert seen["apiKeys"] == [] and seen["node"] is None
    assert seen["members"] == [{"id": owner_b.user_id, "email": owner_b.email}]
    assert seen["viewer"]["organization"]["id"] == owner_b.organization_id
    mutations = [
        ("mutation($k: ID!) { revokeApiKey(input: {id: $k}) { apiKey { id } userErrors { code } } }", {"k": key_a.id}),
        ("mutation($u: ID!) { changeMemberRole(input: {userId: $u, role: OWNER}) { member { id } userErrors { code } } }",
         {"u": member_a.user_id}),
        ("mutation($u: ID!) { removeMember(input: {userId: $u}) { removedUserId userErrors { code } } }",
         {"u": owner_a.user_id}),
    ]
    for mutation, variables in mutations:
        [payload] = (await gql(client, owner_b, mutation, variables)).json()["data"].values()
        assert payload["userErrors"] == [{"code": "not_found"}], mutation
    assert (await ApiKey.get(id=key_a.id)).revoked_at is None
    roles = await Membership.filter(organization_id=key_a.organization_id).values_list("user_id", "role")
    assert sorted(roles) == sorted([(owner_a.user_id, "owner"), (member_a.user_id, "member")])
    assert (await client.get("/api/v1/contacts", headers=key_a.headers)).status_code == 200
    # A's owner sees and may change all of it (the test can fail).
    seen = (await gql(client, owner_a, query, {"k": key_a.id})).json()["data"]
    assert [k["id"] for k in seen["apiKeys"]] == [key_a.id] and len(seen["members"]) == 2
    for mutation, variables in mutations[:2]:
        [payload] = (await gql(client, owner_a, mutation, variables)).json()["data"].values()
        assert payload["userErrors"] == [], mutation
