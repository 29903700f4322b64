"""/openapi.json as client generators and validators read it: a valid OpenAPI document, short
unique operationIds (the GraphQL names), security schemes, distinct component names, enums for
closed sets, declared headers and error bodies, and every example valid against its schema."""

from __future__ import annotations

import re
from urllib.parse import quote

import jsonschema
import pytest
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import validate as validate_spec
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.helpers import gql

SEED_SEND = {
    "to": "customer@example.com",
    "subject": "Welcome to Acme",
    "html": "<h1>Hi {{firstName}}</h1><p>Thanks for signing up.</p>",
    "from": "hello@acme.com",
}
GRAPHQL_TWINS = {
    ("post", "/api/v1/delivery/send"): "sendEmail",
    ("post", "/api/v1/delivery/batch"): "sendEmailBatch",
    ("get", "/api/v1/delivery/messages"): "listMessages",
    ("get", "/api/v1/delivery/messages/{message_id}"): "getMessage",
    ("post", "/api/v1/delivery/messages/{message_id}/cancel"): "cancelMessage",
    ("post", "/api/v1/contacts"): "upsertContact",
    ("get", "/api/v1/contacts"): "listContacts",
    ("get", "/api/v1/contacts/{contact_id}"): "getContact",
    ("patch", "/api/v1/contacts/{contact_id}"): "updateContact",
    ("delete", "/api/v1/contacts/{contact_id}"): "deleteContact",
    ("post", "/api/v1/contacts/import"): "importContacts",
    ("post", "/api/v1/contacts/import/{import_id}/cancel"): "cancelImport",
    ("post", "/api/v1/pipelines/events"): "ingestEvent",
    ("post", "/api/v1/pipelines/events/batch"): "ingestEvents",
    ("post", "/api/v1/suppressions"): "addSuppression",
    ("delete", "/api/v1/suppressions/{email}"): "removeSuppression",
    ("post", "/api/v1/automations"): "createAutomation",
    ("patch", "/api/v1/automations/{automation_id}"): "updateAutomation",
    ("delete", "/api/v1/automations/{automation_id}"): "deleteAutomation",
    ("post", "/api/v1/automations/{automation_id}/rotate-webhook-secret"): "rotateAutomationWebhookSecret",
}
ENUMS = {
    "MessageStatus": ["queued", "sending", "sent", "deferred", "failed", "suppressed", "canceled", "bounced", "complained"],
    "SuppressionReason": ["unsubscribed", "bounced", "complained", "manual"],
    "ImportStatus": ["pending", "running", "completed", "failed", "canceled"],
    "ImportFormat": ["csv", "ndjson"],
    "RunStatus": ["pending", "running", "waiting", "completed", "failed"],
    "StepLogStatus": ["completed", "retrying", "failed"],
    "StepType": ["sendEmail", "wait", "addTag", "removeTag", "setCustomField", "webhook"],
    "ConditionOp": ["eq", "ne", "gt", "gte", "lt", "lte", "in", "exists"],
    "SendBatchItemStatus": ["queued", "rejected"],
    "IngestStatus": ["accepted", "rejected"],
    "ErrorCode": ["unauthorized", "forbidden", "not_found", "conflict", "payload_too_large", "validation_error",
                  "invalid_json", "rate_limited", "internal", "timeout", "method_not_allowed", "domain_not_verified",
                  "unavailable"],
    "DomainStatus": ["pending", "verified"],
    "RecordStatus": ["pending", "verified", "invalid"],
    "RecordPurpose": ["dkim", "spf", "return_path", "dmarc"],
    "RecordType": ["TXT", "MX"],
    "EventType": ["message.queued", "message.sent", "message.deferred", "message.bounced", "message.complained",
                  "message.failed", "message.opened", "message.clicked", "message.unsubscribed", "contact.created",
                  "contact.updated", "contact.unsubscribed"],
    "DeliveryStatus": ["pending", "sending", "delivered", "failed"],
}
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@pytest.fixture
async def spec(client):
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method, path, operation


def validator_at(spec, pointer: str) -> Draft202012Validator:
    """A validator for the schema at `pointer` in the document, its `#/components/…` refs resolved."""
    registry = Registry().with_resource("urn:openapi", Resource.from_contents(spec, default_specification=DRAFT202012))
    return Draft202012Validator({"$ref": "urn:openapi#" + pointer}, registry=registry, format_checker=FormatChecker())


def esc(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def examples_in(spec):
    """(where, schema pointer, example) of every example the document gives."""
    for name, schema in spec["components"]["schemas"].items():
        for i, value in enumerate(schema.get("examples", [])):
            yield f"schema {name} #{i}", f"/components/schemas/{esc(name)}", value
    for name, header in spec["components"].get("headers", {}).items():
        if "example" in header:
            yield f"header {name}", f"/components/headers/{esc(name)}/schema", header["example"]
    for method, path, op in operations(spec):
        base = f"/paths/{esc(path)}/{method}"
        for i, parameter in enumerate(op.get("parameters", [])):
            where = f"{method} {path} parameter {parameter['name']}"
            schema = f"{base}/parameters/{i}/schema"
            for value in parameter["schema"].get("examples", []):
                yield where, schema, value
            if "example" in parameter:
                yield where, schema, parameter["example"]
            for example in parameter.get("examples", {}).values():
                yield where, schema, example["value"]
        bodies = [("request", f"{base}/requestBody", op.get("requestBody"))]
        bodies += [(status, f"{base}/responses/{status}", r) for status, r in op.get("responses", {}).items()]
        for status, pointer, body in bodies:
            for media, content in ((body or {}).get("content") or {}).items():
                schema = f"{pointer}/content/{esc(media)}/schema"
                if "schema" not in content:
                    continue
                if "example" in content:
                    yield f"{method} {path} {status} {media}", schema, content["example"]
                for example in content.get("examples", {}).values():
                    yield f"{method} {path} {status} {media}", schema, example["value"]
            for name, header in ((body or {}).get("headers") or {}).items():
                if "example" in header and "schema" in header:
                    yield f"{method} {path} {status} header {name}", f"{pointer}/headers/{esc(name)}/schema", header["example"]


async def test_the_document_is_valid_openapi(spec):
    assert spec["openapi"].startswith("3.1")
    validate_spec(spec)


async def test_every_operation_has_a_unique_short_operation_id(spec):
    ids = [(op.get("operationId"), method, path) for method, path, op in operations(spec)]
    assert all(operation_id for operation_id, _, _ in ids), [i for i in ids if not i[0]]
    names = [operation_id for operation_id, _, _ in ids]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    for operation_id, method, path in ids:
        assert re.fullmatch(r"[a-z][A-Za-z]{2,39}", operation_id), (operation_id, method, path)
    found = {(method, path): operation_id for operation_id, method, path in ids}
    for where, name in GRAPHQL_TWINS.items():
        assert found[where] == name, where


async def test_graphql_twins_have_the_graphql_field_names(client, key):
    query = "{ __schema { queryType { fields { name } } mutationType { fields { name } } } }"
    schema = (await gql(client, key, query)).json()["data"]["__schema"]
    mutations = {f["name"] for f in schema["mutationType"]["fields"]}
    for (method, _), name in GRAPHQL_TWINS.items():
        if method != "get":
            assert name in mutations, name


async def test_security_schemes_apply_to_every_api_operation(spec):
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}
    assert schemes["apiKeyAuth"] == {**schemes["apiKeyAuth"], "type": "apiKey", "in": "header", "name": "X-API-Key"}
    for method, path, op in operations(spec):
        if path.startswith("/api/v1"):
            assert op["security"] == [{"bearerAuth": []}, {"apiKeyAuth": []}], (method, path)
        else:
            assert not op.get("security"), (method, path)


async def test_component_names_are_plain_and_distinct(spec):
    names = list(spec["components"]["schemas"])
    assert all(re.fullmatch(r"[A-Z][A-Za-z0-9]*", n) for n in names), [n for n in names if "__" in n or "-" in n]
    assert {"SendBatchItem", "SendBatchResult", "IngestBatchItem", "IngestBatchResult"} <= set(names)
    titles = [s.get("title") for s in spec["components"]["schemas"].values() if s.get("title")]
    assert len(titles) == len(set(titles))


async def test_closed_sets_are_enums(spec):
    schemas = spec["components"]["schemas"]
    for name, values in ENUMS.items():
        assert schemas[name]["enum"] == values, name
    ref = {"$ref": "#/components/schemas/MessageStatus"}
    assert schemas["MessageView"]["properties"]["status"] == ref
    assert schemas["TimelineEvent"]["properties"]["status"] == ref
    assert schemas["ImportJobView"]["properties"]["status"] == {"$ref": "#/components/schemas/ImportStatus"}
    assert schemas["RunView"]["properties"]["status"]["$ref"] == "#/components/schemas/RunStatus"
    parameters = {p["name"]: p["schema"] for p in spec["paths"]["/api/v1/delivery/messages"]["get"]["parameters"]}
    assert parameters["status"]["enum"] == ENUMS["MessageStatus"]
    analytics = {p["name"]: p["schema"] for p in spec["paths"]["/api/v1/analytics/events"]["get"]["parameters"]}
    assert analytics["granularity"]["enum"] == ["hour", "day", "week"]
    assert analytics["from"]["format"] == analytics["to"]["format"] == "date-time"


async def test_graphql_shows_the_same_enums_with_the_same_values(client, key):
    query = '{ a: __type(name: "MessageStatus") { enumValues { name } } b: __type(name: "AutomationRunStatus") { enumValues { name } } }'
    data = (await gql(client, key, query)).json()["data"]
    assert [v["name"] for v in data["a"]["enumValues"]] == ENUMS["MessageStatus"]
    assert [v["name"] for v in data["b"]["enumValues"]] == ENUMS["RunStatus"]


async def test_formats_and_recipients(spec):
    send = spec["components"]["schemas"]["SendEmail"]
    for field in ("to", "cc", "bcc", "replyTo"):
        shapes = send["properties"][field]
        text = str(shapes)
        assert "'format': 'email'" in text and "'type': 'array'" in text, field
    validator_at(spec, "/components/schemas/SendEmail").validate(SEED_SEND)
    validator_at(spec, "/components/schemas/SendEmail").validate({**SEED_SEND, "to": ["a@example.com", "b@example.com"]})
    with pytest.raises(jsonschema.ValidationError):
        validator_at(spec, "/components/schemas/SendEmail").validate({**SEED_SEND, "to": "not an address"})
    assert spec["components"]["schemas"]["ContactUpsert"]["properties"]["email"]["format"] == "email"
    assert spec["components"]["schemas"]["ContactView"]["properties"]["createdAt"]["format"] == "date-time"


async def test_declared_limits(spec):
    listing = {p["name"]: p["schema"] for p in spec["paths"]["/api/v1/contacts"]["get"]["parameters"]}
    assert (listing["limit"]["minimum"], listing["limit"]["maximum"]) == (1, 100)
    assert listing["cursor"]["pattern"] and listing["createdAfter"]["format"] == "date-time"
    contact = {p["name"]: p["schema"] for p in spec["paths"]["/api/v1/contacts/{contact_id}"]["get"]["parameters"]}
    assert contact["contact_id"]["pattern"] == "^ct_[0-9a-z]{25}$"
    send = spec["components"]["schemas"]["SendEmail"]
    assert set(send["required"]) >= {"to", "from", "subject"}
    assert send["properties"]["subject"]["minLength"] == 1


async def test_headers_and_error_bodies_are_declared(spec):
    headers = spec["components"]["headers"]
    for name in ("X-Request-Id", "X-RateLimit-Limit-Minute", "X-RateLimit-Remaining-Minute",
                 "X-RateLimit-Reset-Minute", "X-RateLimit-Limit-Day", "X-RateLimit-Remaining-Day", "Retry-After"):
        assert name in headers, name
    for method, path, op in operations(spec):
        if not path.startswith("/api/v1"):
            continue
        for status, response in op["responses"].items():
            assert "X-Request-Id" in response["headers"], (method, path, status)
            assert "X-RateLimit-Remaining-Minute" in response["headers"], (method, path, status)
            if status.startswith("4") or status.startswith("5"):
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorEnvelope"}, (method, path, status)
        assert op["responses"]["429"]["headers"]["Retry-After"]["required"] is True
        assert op["responses"]["401"]["headers"]["WWW-Authenticate"]["required"] is True


async def test_every_example_is_valid_against_its_schema(spec):
    checked = 0
    for where, pointer, value in examples_in(spec):
        errors = [e.message for e in validator_at(spec, pointer).iter_errors(value)]
        assert not errors, (where, value, errors[:3])
        checked += 1
    assert checked >= 40


async def test_what_is_declared_is_enforced(client, key, spec):
    for path, name in (("/api/v1/contacts", "createdAfter"), ("/api/v1/contacts/export", "createdAfter"),
                       ("/api/v1/delivery/messages", "until"), ("/api/v1/delivery/messages", "since"),
                       ("/api/v1/pipelines/events", "until")):
        for value in ("0.5", "1700000000", "yesterday"):
            response = await client.get(path, params={name: value}, headers=key.headers)
            assert response.status_code == 422, (path, name, value, response.text)
            assert response.json()["error"]["details"][0]["field"].removeprefix("query.") == name
        ok = await client.get(path, params={name: "2026-01-01T00:00:00Z"}, headers=key.headers)
        assert ok.status_code == 200, (path, name, ok.text)
    for body in ({**SEED_SEND, "sendAt": 0.5}, {**SEED_SEND, "sendAt": "1700000000"}):
        response = await client.post("/api/v1/delivery/send", json=body, headers=key.headers)
        assert response.status_code == 422 and response.json()["error"]["details"][0]["field"] == "sendAt"
    automation = {"name": "x", "trigger": {"eventType": "order.placed"}, "steps": [{"type": "addTag", "tag": "t"}]}
    for bad in ({"enabled": 0}, {"steps": [{"type": "wait", "seconds": "5"}]}):
        response = await client.post("/api/v1/automations", json={**automation, **bad}, headers=key.headers)
        assert response.status_code == 422, (bad, response.text)


async def test_methods_not_allowed_are_405_with_allow(client, key):
    for method, path, allow in (("OPTIONS", "/api/v1/contacts", "GET, POST"),
                                ("PUT", "/api/v1/contacts/ct_" + "0" * 25, "GET, PATCH, DELETE"),
                                ("PATCH", "/api/v1/contacts/import", "POST"),
                                ("DELETE", "/api/v1/contacts/export", "GET"),
                                ("PUT", "/api/v1/suppressions/" + quote("a@example.com"), "GET, DELETE"),
                                ("DELETE", "/api/v1/delivery/send", "POST")):
        response = await client.request(method, path, headers=key.headers)
        assert response.status_code == 405, (method, path, response.text)
        assert response.headers["Allow"] == allow, (method, path)
        assert response.json()["error"]["code"] == "method_not_allowed"
