"""A malformed ID in a path or a GraphQL argument is a 404 `not_found`, exactly like an
unknown one, never a 500 (PostgreSQL refuses a value longer than the ID column). The REST
walk covers every route with a path parameter, so a new one cannot be forgotten."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from tortoise import Tortoise

from app.core.ids import PREFIXES, looks_like, new_id
from tests.helpers import gql

# The kind of ID each path parameter holds; parameters that are not IDs are listed apart.
PATH_IDS = {
    "contact_id": "contact",
    "import_id": "import",
    "message_id": "message",
    "automation_id": "automation",
    "domain_id": "domain",
    "endpoint_id": "webhook_endpoint",
}
NOT_IDS = {"email"}  # /contacts/by-email/{email}, /suppressions/{email}: addresses, checked as such

MALFORMED = {
    "non-ascii-43": lambda kind: "é" * 43,
    "wrong-prefix": lambda kind: new_id("org" if kind != "organization" else "ct"),
    "right-prefix-too-long": lambda kind: f"{PREFIXES[kind]}_" + "a" * 60,
    "right-prefix-trailing-newline": lambda kind: new_id(PREFIXES[kind]) + "\n",
}


def routes_with_path_params(app) -> list[tuple[str, str, list[str], bool]]:
    """(method, path, path parameters, takes a JSON body) of every /api/v1 operation with a
    path parameter, from the route table FastAPI publishes."""
    found = []
    for path, operations in app.openapi()["paths"].items():
        params = re.findall(r"\{(\w+)(?::\w+)?\}", path)
        if path.startswith("/api/v1") and params:
            for method, operation in operations.items():
                found.append((method.upper(), path, params, "requestBody" in operation))
    return found


def assert_not_found(response, expected_body: dict):
    assert response.status_code == 404, response.text
    assert response.headers["X-Request-Id"].startswith("req_")
    assert response.json() == expected_body


async def test_every_route_with_a_path_id_answers_404_for_a_malformed_id(app, client, key):
    routes = routes_with_path_params(app)
    assert len(routes) >= 12
    for method, path, params, has_body in routes:
        unknown = [p for p in params if p not in PATH_IDS and p not in NOT_IDS]
        assert not unknown, f"say which kind of ID {unknown} of {method} {path} holds"
        id_params = [p for p in params if p in PATH_IDS]
        if not id_params:
            continue
        (param,) = id_params
        kind = PATH_IDS[param]
        body = {"json": {}} if has_body else {}

        def url(value: str) -> str:
            return path.replace("{" + param + "}", quote(value, safe=""))

        # What a well-formed ID nobody has gets: the answer a malformed one must get too.
        unknown_response = await client.request(method, url(new_id(PREFIXES[kind])), headers=key.headers, **body)
        assert unknown_response.status_code == 404, (method, path, unknown_response.text)
        expected = unknown_response.json()
        assert expected == {"error": {"code": "not_found", "message": f"{kind.replace('_', ' ').capitalize()} not found.", "details": []}}
        for name, make in MALFORMED.items():
            response = await client.request(method, url(make(kind)), headers=key.headers, **body)
            assert response.status_code == 404, (method, path, name, response.text)
            assert_not_found(response, expected)


async def test_valid_ids_still_work(client, key):
    contact = (await client.post("/api/v1/contacts", json={"email": "id@example.com"}, headers=key.headers)).json()
    assert (await client.get(f"/api/v1/contacts/{contact['id']}", headers=key.headers)).json()["email"] == "id@example.com"
    automation = await client.post(
        "/api/v1/automations",
        json={"name": "A", "trigger": {"eventType": "x"}, "steps": [{"type": "addTag", "tag": "t"}]},
        headers=key.headers,
    )
    automation_id = automation.json()["id"]
    rotated = await client.post(f"/api/v1/automations/{automation_id}/rotate-webhook-secret", headers=key.headers)
    assert rotated.status_code == 200, rotated.text
    assert rotated.json()["webhookSecret"] != automation.json()["webhookSecret"]
    runs = await client.get(f"/api/v1/automations/{automation_id}/runs", headers=key.headers)
    assert runs.status_code == 200 and runs.json()["data"] == []


async def test_malformed_contact_id_filter_lists_nothing(client, key):
    await client.post("/api/v1/pipelines/events", json={"email": "f@example.com", "eventType": "x"}, headers=key.headers)
    for value in ("é" * 43, "ct_" + "a" * 60, new_id("msg")):
        response = await client.get("/api/v1/pipelines/events", params={"contactId": value}, headers=key.headers)
        assert response.status_code == 200, response.text
        assert response.json()["data"] == []


@pytest.mark.parametrize("bad", ["é" * 43, "ct_" + "a" * 60, "auto_" + "a" * 60, "msg_" + "é" * 40])
async def test_graphql_id_arguments_treat_a_malformed_id_as_unknown(client, key, bad):
    query = """query($id: ID!) {
        contact(id: $id) { id }
        message(id: $id) { id }
        automation(id: $id) { id }
        importJob(id: $id) { id }
        events(first: 5, filter: {contactId: $id}) { edges { node { id } } }
    }"""
    response = await gql(client, key, query, {"id": bad})
    body = response.json()
    assert "errors" not in body, body
    assert body["data"] == {"contact": None, "message": None, "automation": None, "importJob": None,
                            "events": {"edges": []}}
    mutations = {
        "updateContact": "updateContact(input: {id: $id, firstName: \"X\"}) { userErrors { field code message } }",
        "deleteContact": "deleteContact(input: {id: $id}) { userErrors { field code message } }",
        "cancelMessage": "cancelMessage(input: {id: $id}) { userErrors { field code message } }",
        "cancelImport": "cancelImport(input: {id: $id}) { userErrors { field code message } }",
        "updateAutomation": "updateAutomation(input: {id: $id, name: \"X\"}) { userErrors { field code message } }",
        "setAutomationEnabled": "setAutomationEnabled(input: {id: $id, enabled: false}) { userErrors { field code message } }",
        "rotateAutomationWebhookSecret": "rotateAutomationWebhookSecret(input: {id: $id}) { userErrors { field code message } }",
        "deleteAutomation": "deleteAutomation(input: {id: $id}) { userErrors { field code message } }",
    }
    what = {"updateContact": "Contact", "deleteContact": "Contact", "cancelMessage": "Message", "cancelImport": "Import"}
    for name, field in mutations.items():
        response = await gql(client, key, f"mutation($id: ID!) {{ {field} }}", {"id": bad})
        body = response.json()
        assert "errors" not in body, (name, body)
        message = f"{what.get(name, 'Automation')} not found."
        assert body["data"][name]["userErrors"] == [{"field": None, "code": "not_found", "message": message}], name


def test_every_model_makes_ids_of_a_kind_app_ids_knows():
    """app/core/ids.py is the one place that knows the ID shapes the checks above accept: an ID a
    model makes with a prefix it does not list would be refused as malformed."""
    made = {}
    for models in Tortoise.apps.values():
        for model in models.values():
            pk = model._meta.fields_map[model._meta.pk_attr]
            if callable(pk.default):
                made[model.__name__] = pk.default()
    assert {"Contact", "Message", "Event", "ImportJob", "Automation", "AutomationRun", "ApiKey"} <= set(made)
    known = set(PREFIXES.values())
    for name, value in made.items():
        prefix = value.partition("_")[0]
        assert prefix in known and looks_like(prefix, value), (name, value)
