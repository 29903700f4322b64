"""Analytics over GraphQL: the same figures as REST over the same data set, its errors, and
another organization's view of it."""

from __future__ import annotations

from tests.helpers import WINDOW, get_analytics, gql


async def test_graphql_matches_rest(client, seeded):
    key, _, _ = seeded
    args = {**WINDOW, "granularity": "week", "timezone": "America/New_York"}
    query = """query($from: DateTime!, $to: DateTime!, $g: String!, $tz: String!) {
      analytics(from: $from, to: $to, granularity: $g, timezone: $tz) {
        messages { total deliveryRate medianSecondsToSend statuses { status count }
                   opened openedByPeople clicked openRate clickRate
                   buckets { start total statuses { status count } } }
        events { totals { eventType count values { currency count sum average } }
                 buckets { start types { eventType count values { currency count sum average } } } }
        contacts { total new tags { tag count } buckets { start new } }
        topContacts(limit: 5) { currency contacts { contactId email total events } }
      }
    }"""
    variables = {"from": args["from"], "to": args["to"], "g": "week", "tz": "America/New_York"}
    response = await gql(client, key, query, variables)
    data = response.json()["data"]["analytics"]
    for path in ("messages", "events", "contacts"):
        assert data[path] == await get_analytics(client, key, path, granularity="week", timezone="America/New_York")
    assert data["topContacts"] == (await get_analytics(client, key, "revenue/top-contacts", limit=5))["currencies"]
    assert data["events"]["buckets"][0]["types"][0]["count"] == 4


async def test_graphql_bad_input_is_a_top_level_error(client, key):
    query = 'query { analytics(from: "2026-11-27T00:00:00Z", to: "2026-11-28T00:00:00Z", timezone: "Mars/Olympus") ' \
            "{ contacts { total } } }"
    body = (await gql(client, key, query)).json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "validation_error"
    assert body["errors"][0]["extensions"]["details"][0]["field"] == "timezone"


async def test_another_organization_sees_none_of_it(client, seeded, make_key):
    key, a, b = seeded
    stranger = await make_key()
    query = """query($from: DateTime!, $to: DateTime!) { analytics(from: $from, to: $to) {
        messages { total } events { totals { eventType } } contacts { total tags { tag } }
        topContacts { currency } } }"""
    mine = (await gql(client, key, query, WINDOW)).json()["data"]["analytics"]
    assert mine["messages"]["total"] == 7 and mine["contacts"]["total"] == 3 and len(mine["topContacts"]) == 3
    theirs = (await gql(client, stranger, query, WINDOW)).json()["data"]["analytics"]
    assert theirs == {"messages": {"total": 0}, "events": {"totals": []}, "contacts": {"total": 0, "tags": []},
                      "topContacts": []}
    for path in ("messages", "events", "contacts", "revenue/top-contacts"):
        text = (await client.get(f"/api/v1/analytics/{path}", params=WINDOW, headers=stranger.headers)).text
        assert a.id not in text and b.id not in text and "USD" not in text
