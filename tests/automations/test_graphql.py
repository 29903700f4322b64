"""Automations over GraphQL: the same create, read, change and delete as REST, and blocked
webhook URLs as userErrors."""

from __future__ import annotations

from tests.helpers import TAG_BUYER, gql

CREATE = """mutation($input: AutomationInput!) {
  createAutomation(input: $input) { automation { id name enabled trigger { eventType conditions { field op value } }
    steps { ... on AddTagStep { tag } } } userErrors { field message code } }
}"""
GRAPHQL_TAG_BUYER = [{"addTag": {"tag": "buyer"}}]  # TAG_BUYER as GraphQL's typed (oneOf) step input


async def test_graphql_crud(client, key):
    variables = {"input": {
        "name": "Receipt", "trigger": {"eventType": "order.placed", "conditions": [{"field": "value", "op": "GTE", "value": 100}]},
        "steps": GRAPHQL_TAG_BUYER,
    }}
    payload = (await gql(client, key, CREATE, variables)).json()["data"]["createAutomation"]
    assert payload["userErrors"] == []
    auto = payload["automation"]
    assert auto["id"].startswith("auto_") and auto["enabled"] is True
    assert auto["trigger"] == {"eventType": "order.placed", "conditions": [{"field": "value", "op": "GTE", "value": 100}]}
    # The REST view of the same automation is the same, in REST's JSON shape.
    rest = (await client.get(f"/api/v1/automations/{auto['id']}", headers=key.headers)).json()
    assert rest["trigger"] == {"eventType": "order.placed", "conditions": [{"field": "value", "op": "gte", "value": 100}]}
    assert rest["steps"] == TAG_BUYER and auto["steps"] == [{"tag": "buyer"}]

    query = """query($id: ID!) { automation(id: $id) { id name runs { edges { node { id } } } }
                                 automations(first: 10) { edges { node { id } } } }"""
    data = (await gql(client, key, query, {"id": auto["id"]})).json()["data"]
    assert data["automation"] == {"id": auto["id"], "name": "Receipt", "runs": {"edges": []}}
    assert [e["node"]["id"] for e in data["automations"]["edges"]] == [auto["id"]]

    update = """mutation($id: ID!) { updateAutomation(input: {id: $id, name: "Renamed"}) {
        automation { name steps { ... on AddTagStep { tag } } } userErrors { code } } }"""
    data = (await gql(client, key, update, {"id": auto["id"]})).json()["data"]["updateAutomation"]
    assert data == {"automation": {"name": "Renamed", "steps": [{"tag": "buyer"}]}, "userErrors": []}
    toggle = """mutation($id: ID!) { setAutomationEnabled(input: {id: $id, enabled: false}) {
        automation { enabled } userErrors { code } } }"""
    data = (await gql(client, key, toggle, {"id": auto["id"]})).json()["data"]["setAutomationEnabled"]
    assert data == {"automation": {"enabled": False}, "userErrors": []}
    delete = "mutation($id: ID!) { deleteAutomation(input: {id: $id}) { deletedId userErrors { code } } }"
    data = (await gql(client, key, delete, {"id": auto["id"]})).json()["data"]["deleteAutomation"]
    assert data == {"deletedId": auto["id"], "userErrors": []}
    data = (await gql(client, key, delete, {"id": auto["id"]})).json()["data"]["deleteAutomation"]
    assert data == {"deletedId": None, "userErrors": [{"code": "not_found"}]}


async def test_graphql_refuses_blocked_webhook_urls_with_user_errors(client, key):
    variables = {"input": {"name": "Hook", "trigger": {"eventType": "order.placed"},
                           "steps": [{"webhook": {"url": "http://169.254.169.254/latest/meta-data/"}}]}}
    payload = (await gql(client, key, CREATE, variables)).json()["data"]["createAutomation"]
    assert payload["automation"] is None
    [error] = payload["userErrors"]
    assert error["field"] == "steps.0.url" and "link-local" in error["message"]
