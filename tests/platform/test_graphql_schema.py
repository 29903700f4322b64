"""The GraphQL schema a frontend builds against: Relay page info and `node(id)`, `ID` for
identifiers, clean type names, money as `Decimal` strings both ways, typed automation
triggers and steps, an `idempotencyKey` on every mutation, and what `node` costs."""

from __future__ import annotations

from app.core.ids import PREFIXES, new_id
from app.web.graphql_gate import costs
from models import AutomationRun, Event
from schema.documents import prepare
from schema.graphql import schema
from schema.nodes.types import GETTERS
from tests.helpers import gql

SDL = schema._schema


def named(type_):
    while hasattr(type_, "of_type"):
        type_ = type_.of_type
    return type_


def user_types():
    return [t for name, t in SDL.type_map.items() if not name.startswith("__")]


# ----------------------------------------------------------------------------- Relay page info

PAGE = """query($after: String) { contacts(first: 2, after: $after) {
    edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""


async def test_page_info_is_relay_complete_and_pages_forward(client, key):
    for i in range(3):
        await client.post("/api/v1/contacts", json={"email": f"p{i}@example.com"}, headers=key.headers)
    first = (await gql(client, key, PAGE)).json()["data"]["contacts"]
    edges = first["edges"]
    assert first["pageInfo"] == {"hasNextPage": True, "hasPreviousPage": False,
                                 "startCursor": edges[0]["cursor"], "endCursor": edges[1]["cursor"]}
    second = (await gql(client, key, PAGE, {"after": first["pageInfo"]["endCursor"]})).json()["data"]["contacts"]
    assert len(second["edges"]) == 1
    assert second["pageInfo"] == {"hasNextPage": False, "hasPreviousPage": True,
                                  "startCursor": second["edges"][0]["cursor"], "endCursor": second["edges"][0]["cursor"]}
    empty = (await gql(client, key, "{ events(first: 5) { pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"))
    assert empty.json()["data"]["events"]["pageInfo"] == {
        "hasNextPage": False, "hasPreviousPage": False, "startCursor": None, "endCursor": None}


# ----------------------------------------------------------------------------- Node

NODE = """query($id: ID!) { node(id: $id) { __typename id
    ... on Contact { email } ... on Automation { name } ... on AutomationRun { automationId }
    ... on Organization { name } ... on ApiKey { prefix } } }"""


def test_every_kind_of_id_has_a_getter():
    assert set(GETTERS) == set(PREFIXES.values())


def test_every_type_with_an_id_implements_node():
    node = SDL.get_type("Node")
    with_ids = {t.name for t in user_types() if getattr(t, "fields", None) and "id" in t.fields
                and not hasattr(t, "of_type") and t.__class__.__name__ == "GraphQLObjectType"}
    implementing = {t.name for t in SDL.get_possible_types(node)}
    # A contact erasure's `id` names a contact that no longer exists: nothing to fetch again.
    assert with_ids - implementing == {"ContactErasure"}
    assert implementing == {"Contact", "Message", "Event", "Suppression", "ImportJob", "Automation",
                            "AutomationRun", "Organization", "ApiKey", "Member", "Domain",
                            "WebhookEndpoint", "WebhookDelivery"}


async def test_node_fetches_every_kind_by_id_within_the_organization(client, key, make_key, make_person):
    other = await make_key()
    contact = (await client.post("/api/v1/contacts", json={"email": "n@example.com"}, headers=key.headers)).json()
    message = (await client.post("/api/v1/delivery/send", headers=key.headers, json={
        "to": "n@example.com", "from": "a@acme.com", "subject": "s", "text": "t"})).json()
    automation = (await client.post("/api/v1/automations", headers=key.headers, json={
        "name": "Tag", "trigger": {"eventType": "node.test"}, "steps": [{"type": "addTag", "tag": "x"}]})).json()
    event = (await client.post("/api/v1/pipelines/events", headers=key.headers,
                               json={"email": "n@example.com", "eventType": "node.test"})).json()
    run = await AutomationRun.get(automation_id=automation["id"])
    await AutomationRun.filter(id=run.id).update(status="completed")  # no runner picks it up
    suppression = (await client.post("/api/v1/suppressions", json={"email": "s@example.com"}, headers=key.headers)).json()
    job = (await client.post("/api/v1/contacts/import", content=b"email\ni@example.com\n",
                             headers={**key.headers, "Content-Type": "text/csv"})).json()
    domain = (await client.post("/api/v1/domains", json={"name": "node-test.com"}, headers=key.headers)).json()
    endpoint = (await client.post("/api/v1/webhooks", json={"url": "https://example.com/n", "events": ["message.sent"]},
                                  headers=key.headers)).json()
    test_call = (await client.post(f"/api/v1/webhooks/{endpoint['id']}/test", headers=key.headers)).json()
    expected = {
        contact["id"]: ("Contact", {"email": "n@example.com"}),
        message["messageId"]: ("Message", {}),
        event["eventId"]: ("Event", {}),
        suppression["id"]: ("Suppression", {}),
        job["importId"]: ("ImportJob", {}),
        automation["id"]: ("Automation", {"name": "Tag"}),
        run.id: ("AutomationRun", {"automationId": automation["id"]}),
        key.organization_id: ("Organization", {"name": key.organization_name}),
        key.id: ("ApiKey", {"prefix": key.plaintext[:12]}),
        domain["id"]: ("Domain", {}),
        endpoint["id"]: ("WebhookEndpoint", {}),
        test_call["id"]: ("WebhookDelivery", {}),
    }
    # People are members: a signed-in person of the organization fetches one (a key sees none).
    person = await make_person("admin", org=key.organization_name)
    expected[person.user_id] = ("Member", {})
    assert {id_.split("_")[0] for id_ in expected} == set(PREFIXES.values())
    for id_, (typename, fields) in expected.items():
        # Members are for people, and keys for keys (a key sees only itself); the rest for both.
        caller, bystander = (person, key) if typename == "Member" else (key, person)
        seen_by_bystander = (await gql(client, bystander, NODE, {"id": id_})).json()["data"]["node"]
        if typename in ("Member", "ApiKey"):
            assert seen_by_bystander is None, typename
        else:
            assert seen_by_bystander == {"__typename": typename, "id": id_, **fields}, typename
        body = (await gql(client, caller, NODE, {"id": id_})).json()
        assert body["data"]["node"] == {"__typename": typename, "id": id_, **fields}, body
        # Another organization's key: the same ID is nobody's.
        assert (await gql(client, other, NODE, {"id": id_})).json()["data"]["node"] is None, typename
    for nobody in ("ct_nope", "x", "", "zz_0123456789abcdefghijklmno", new_id("ct"), new_id("org"), new_id("key"),
                   new_id("usr")):
        body = (await gql(client, key, NODE, {"id": nobody})).json()
        assert body["data"]["node"] is None and "errors" not in body, nobody


def test_node_costs_what_the_matching_get_field_costs():
    def cost(query: str) -> tuple[int, int]:
        c = costs.cost(prepare(SDL, query).document, None, None)
        return c.units, c.nodes

    runs = "runs(first: 50) { edges { node { id } } }"
    assert cost('{ node(id: "auto_x") { ... on Automation { %s } } }' % runs) == \
        cost('{ automation(id: "auto_x") { %s } }' % runs) == (2, 50)
    events = "events(first: 100) { edges { node { id } } }"
    assert cost('{ node(id: "ct_x") { id ...C } } fragment C on Contact { %s }' % events) == \
        cost('{ contact(id: "ct_x") { %s } }' % events) == (2, 100)
    assert cost('{ node(id: "ct_x") { id } }') == cost('{ contact(id: "ct_x") { id } }') == (1, 0)
    # Every fragment on the possible types is counted (an upper bound).
    both = '{ node(id: "x") { ... on Automation { %s } ... on Contact { %s } } }' % (runs, events)
    assert cost(both) == (3, 150)
    # Typed steps and trigger are read from the automation: no extra charge.
    steps = "steps { __typename ... on WebhookStep { url } } trigger { eventType conditions { op } }"
    assert cost('{ automations(first: 10) { edges { node { %s } } } }' % steps) == (1, 10)


# ----------------------------------------------------------------------------- IDs and names

def test_identifier_fields_are_ids():
    wrong = []
    for type_ in user_types():
        fields = getattr(type_, "fields", None) or {}
        for name, field in fields.items():
            places = [(f"{type_.name}.{name}", field.type)]
            places += [(f"{type_.name}.{name}({a})", arg.type) for a, arg in (getattr(field, "args", None) or {}).items()]
            for place, field_type in places:
                leaf = place.rsplit(".", 1)[-1].rstrip(")").split("(")[-1]
                if (leaf == "id" or leaf.endswith("Id")) and named(field_type).name != "ID":
                    wrong.append(f"{place}: {named(field_type).name}")
    assert wrong == []


def test_no_type_name_ends_in_type():
    assert [t.name for t in user_types() if t.name.endswith("Type")] == []


def test_every_mutation_takes_an_idempotency_key():
    missing = [name for name, field in SDL.mutation_type.fields.items()
               if "idempotencyKey" not in named(field.args["input"].type).fields]
    assert len(SDL.mutation_type.fields) >= 17 and missing == []


# ----------------------------------------------------------------------------- money

INGEST = "mutation($i: EventInput!) { ingestEvent(input: $i) { eventId userErrors { field code } } }"
EVENT = {"email": "m@example.com", "eventType": "order.placed", "currency": "USD"}


def test_money_is_the_decimal_scalar_in_and_out():
    assert named(SDL.get_type("EventInput").fields["value"].type).name == "Decimal"
    for type_name, field in [("Event", "value"), ("CurrencyValue", "sum"), ("CurrencyValue", "average"),
                             ("ContactRevenue", "total"), ("AutomationRevenue", "total")]:
        assert named(SDL.get_type(type_name).fields[field].type).name == "Decimal", (type_name, field)


async def test_decimal_strings_and_numbers_are_taken_and_checked_like_rest(client, key):
    ok = [("129.50", "129.50"), (129.5, "129.50"), (1500, "1500.00")]
    for value, stored in ok:
        payload = (await gql(client, key, INGEST, {"i": {**EVENT, "value": value}})).json()["data"]["ingestEvent"]
        assert payload["userErrors"] == [], value
        event = (await gql(client, key, 'query($id: ID!) { node(id: $id) { ... on Event { value } } }',
                           {"id": payload["eventId"]})).json()["data"]["node"]
        assert event == {"value": stored}, value
    literal = 'mutation { ingestEvent(input: {email: "m@example.com", eventType: "x", currency: "USD", value: %s}) { userErrors { field code } } }'
    assert (await gql(client, key, literal % "12.30")).json()["data"]["ingestEvent"]["userErrors"] == []
    assert (await gql(client, key, literal % '"12.30"')).json()["data"]["ingestEvent"]["userErrors"] == []
    # Literal digits are kept: 1.555 is too precise for USD, as in REST.
    assert (await gql(client, key, literal % "1.555")).json()["data"]["ingestEvent"]["userErrors"] == [
        {"field": "value", "code": "too_precise"}]
    for bad in ("abc", "1.555", "NaN", "1e20"):
        rest = (await client.post("/api/v1/pipelines/events", json={**EVENT, "value": bad}, headers=key.headers)).json()
        graph = (await gql(client, key, INGEST, {"i": {**EVENT, "value": bad}})).json()["data"]["ingestEvent"]
        assert graph["userErrors"] == [{"field": d["field"], "code": d["code"]} for d in rest["error"]["details"]], bad
    # Not a string or a number: GraphQL's own type error, as for any scalar.
    refused = (await gql(client, key, INGEST, {"i": {**EVENT, "value": True}})).json()
    assert refused["data"] is None and "Decimal" in refused["errors"][0]["message"]
    assert await Event.filter(organization_id=key.organization_id).count() == 5


# ----------------------------------------------------------------------------- typed automations

AUTOMATION = """id trigger { eventType conditions { field op value } } steps { __typename
    ... on SendEmailStep { from subject html text } ... on WaitStep { seconds } ... on AddTagStep { tag }
    ... on RemoveTagStep { tag } ... on SetCustomFieldStep { name value } ... on WebhookStep { url } }"""
CREATE = """mutation($input: AutomationInput!) { createAutomation(input: $input) {
  automation { %s } userErrors { field code } } }""" % AUTOMATION

ALL_STEPS = [
    {"sendEmail": {"from": "shop@acme.com", "subject": "Hi {{firstName}}", "text": "Thanks"}},
    {"wait": {"seconds": 60}},
    {"addTag": {"tag": "buyer"}},
    {"removeTag": {"tag": "lead"}},
    {"setCustomField": {"name": "plan", "value": {"tier": "pro", "seats": 5}}},
    {"setCustomField": {"name": "old", "value": None}},
    {"webhook": {"url": "https://hooks.example.com/x"}},
]


async def test_typed_steps_and_trigger_round_trip_and_rest_keeps_its_json(client, key):
    trigger = {"eventType": "order.placed", "conditions": [
        {"field": "value", "op": "GTE", "value": 10}, {"field": "properties.sku", "op": "IN", "value": ["A", "B"]},
        {"field": "properties.coupon", "op": "EXISTS"}]}
    variables = {"input": {"name": "All", "trigger": trigger, "steps": ALL_STEPS}}
    payload = (await gql(client, key, CREATE, variables)).json()["data"]["createAutomation"]
    assert payload["userErrors"] == []
    automation = payload["automation"]
    assert automation["trigger"] == {"eventType": "order.placed", "conditions": [
        {"field": "value", "op": "GTE", "value": 10}, {"field": "properties.sku", "op": "IN", "value": ["A", "B"]},
        {"field": "properties.coupon", "op": "EXISTS", "value": None}]}
    assert automation["steps"] == [
        {"__typename": "SendEmailStep", "from": "shop@acme.com", "subject": "Hi {{firstName}}", "html": None, "text": "Thanks"},
        {"__typename": "WaitStep", "seconds": 60},
        {"__typename": "AddTagStep", "tag": "buyer"},
        {"__typename": "RemoveTagStep", "tag": "lead"},
        {"__typename": "SetCustomFieldStep", "name": "plan", "value": {"tier": "pro", "seats": 5}},
        {"__typename": "SetCustomFieldStep", "name": "old", "value": None},
        {"__typename": "WebhookStep", "url": "https://hooks.example.com/x"},
    ]
    rest = (await client.get(f"/api/v1/automations/{automation['id']}", headers=key.headers)).json()
    assert rest["trigger"] == {"eventType": "order.placed", "conditions": [
        {"field": "value", "op": "gte", "value": 10}, {"field": "properties.sku", "op": "in", "value": ["A", "B"]},
        {"field": "properties.coupon", "op": "exists"}]}
    assert rest["steps"] == [
        {"type": "sendEmail", "from": "shop@acme.com", "subject": "Hi {{firstName}}", "text": "Thanks"},
        {"type": "wait", "seconds": 60},
        {"type": "addTag", "tag": "buyer"},
        {"type": "removeTag", "tag": "lead"},
        {"type": "setCustomField", "name": "plan", "value": {"tier": "pro", "seats": 5}},
        {"type": "setCustomField", "name": "old", "value": None},
        {"type": "webhook", "url": "https://hooks.example.com/x"},
    ]
    # The same automation made through REST reads back the same through GraphQL.
    made = (await client.post("/api/v1/automations", headers=key.headers,
                              json={"name": "All", "trigger": rest["trigger"], "steps": rest["steps"]})).json()
    again = (await gql(client, key, 'query($id: ID!) { automation(id: $id) { %s } }' % AUTOMATION, {"id": made["id"]})).json()
    assert {**again["data"]["automation"], "id": automation["id"]} == automation


async def test_typed_steps_are_checked_by_the_rest_rules(client, key):
    cases = [
        ([{"webhook": {"url": "http://127.0.0.1/"}}], [("steps.0.url", "blocked_address")]),
        ([{"wait": {"seconds": 0}}], [("steps.0.seconds", "invalid")]),
        ([{"sendEmail": {"from": "nope", "subject": "s", "text": "t"}}], [("steps.0.from", "invalid_email")]),
        ([{"sendEmail": {"from": "a@acme.com", "subject": "s", "html": "{{"}}], [("steps.0.html", "template_error")]),
        ([{"setCustomField": {"name": "plan"}}], [("steps.0.value", "required")]),
        ([], [("steps", "invalid")]),
    ]
    for steps, expected in cases:
        rest_steps = [{"type": kind, **fields} for step in steps for kind, fields in step.items()]
        rest = await client.post("/api/v1/automations", headers=key.headers,
                                 json={"name": "x", "trigger": {"eventType": "a"}, "steps": rest_steps})
        assert [(d["field"], d["code"]) for d in rest.json()["error"]["details"]] == expected, steps
        variables = {"input": {"name": "x", "trigger": {"eventType": "a"}, "steps": steps}}
        payload = (await gql(client, key, CREATE, variables)).json()["data"]["createAutomation"]
        assert payload["automation"] is None
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == expected, steps
    # Two kinds in one step (or none) is refused by GraphQL's @oneOf before anything runs.
    for step in ({"addTag": {"tag": "a"}, "wait": {"seconds": 1}}, {}):
        body = (await gql(client, key, CREATE, {"input": {"name": "x", "trigger": {"eventType": "a"}, "steps": [step]}})).json()
        assert body["data"] is None and "exactly one key" in body["errors"][0]["message"]


# ----------------------------------------------------------------------------- idempotency keys

async def test_the_newly_keyed_mutations_replay_and_refuse_a_changed_input(client, key):
    contact = (await client.post("/api/v1/contacts", json={"email": "k@example.com"}, headers=key.headers)).json()
    update = """mutation($id: ID!, $name: String, $k: String) { updateContact(input: {id: $id, firstName: $name,
        addTags: ["t"], idempotencyKey: $k}) { contact { firstName } userErrors { code } } }"""
    one = (await gql(client, key, update, {"id": contact["id"], "name": "A", "k": "u-1"})).json()["data"]["updateContact"]
    await client.patch(f"/api/v1/contacts/{contact['id']}", json={"firstName": "B"}, headers=key.headers)
    two = (await gql(client, key, update, {"id": contact["id"], "name": "A", "k": "u-1"})).json()["data"]["updateContact"]
    assert one == two == {"contact": {"firstName": "A"}, "userErrors": []}  # replayed: B stays
    assert (await client.get(f"/api/v1/contacts/{contact['id']}", headers=key.headers)).json()["firstName"] == "B"
    changed = (await gql(client, key, update, {"id": contact["id"], "name": "C", "k": "u-1"})).json()["data"]["updateContact"]
    assert changed == {"contact": None, "userErrors": [{"code": "conflict"}]}

    automation = (await client.post("/api/v1/automations", headers=key.headers, json={
        "name": "x", "trigger": {"eventType": "a"}, "steps": [{"type": "addTag", "tag": "x"}]})).json()
    rename = """mutation($id: ID!) { updateAutomation(input: {id: $id, name: "Renamed", idempotencyKey: "ua-1"}) {
        automation { name } userErrors { code } } }"""
    assert (await gql(client, key, rename, {"id": automation["id"]})).json()["data"]["updateAutomation"] == {
        "automation": {"name": "Renamed"}, "userErrors": []}
    delete = """mutation($id: ID!) { deleteAutomation(input: {id: $id, idempotencyKey: "da-1"}) { deletedId userErrors { code } } }"""
    for _ in range(2):  # the retry replays instead of answering not_found
        assert (await gql(client, key, delete, {"id": automation["id"]})).json()["data"]["deleteAutomation"] == {
            "deletedId": automation["id"], "userErrors": []}

    await client.post("/api/v1/suppressions", json={"email": "gone@example.com"}, headers=key.headers)
    remove = """mutation { removeSuppression(input: {email: "gone@example.com", idempotencyKey: "rs-1"}) {
        suppression { email } userErrors { code } } }"""
    for _ in range(2):
        assert (await gql(client, key, remove)).json()["data"]["removeSuppression"] == {
            "suppression": {"email": "gone@example.com"}, "userErrors": []}

    erase = """mutation($id: ID!) { deleteContact(input: {id: $id, idempotencyKey: "dc-1"}) {
        erasure { id deleted } userErrors { code } } }"""
    for _ in range(2):
        assert (await gql(client, key, erase, {"id": contact["id"]})).json()["data"]["deleteContact"] == {
            "erasure": {"id": contact["id"], "deleted": True}, "userErrors": []}
    assert (await client.get(f"/api/v1/contacts/{contact['id']}", headers=key.headers)).status_code == 404
