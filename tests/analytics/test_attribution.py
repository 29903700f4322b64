"""Revenue per automation (last-touch attribution): hand-computed figures over a small data set,
on whichever backend this run uses, through REST and GraphQL, plus isolation and bad input."""

from __future__ import annotations

import pytest

from models import Message
from tests.helpers import WINDOW, at, automation_ok, create_message, gql, ingest_ok, post_upsert

PATH = "/api/v1/analytics/revenue/automations"
REVENUE_QUERY = """query($from: DateTime!, $to: DateTime!, $h: Int!) {
  analytics(from: $from, to: $to) {
    revenueByAutomation(attributionHours: $h) {
      currency automations { automationId name total events contacts sent }
    }
  }
}"""


async def named_automation(client, key, name: str) -> str:
    """An automation (on signup.completed, so no event here starts it) named `name`; its id."""
    body = {"name": name, "trigger": {"eventType": "signup.completed"}, "steps": [{"type": "addTag", "tag": "x"}]}
    return (await automation_ok(client, key, body))["id"]


async def new_contact(client, key, email: str) -> str:
    """A new contact (201) through the API; its id."""
    response = await post_upsert(client, key, email=email)
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def automation_send(org: str, automation_id: str | None, contact_id: str, sent: str, status: str = "sent",
                          sandbox: bool = False) -> None:
    """A message an automation's sendEmail step made, as the worker leaves it."""
    await create_message(org, status=status, sent=sent, due=sent, sandbox=sandbox, automation_id=automation_id,
                         contact_id=contact_id)


async def order_event(client, key, email: str, when: str, value: str | None = "1.00", currency: str | None = "USD",
                      kind: str = "order.placed") -> None:
    body = {"email": email, "eventType": kind, "occurredAt": when}
    if value is not None:
        body.update(value=value, currency=currency)
    await ingest_ok(client, key, **body)


@pytest.fixture
async def attributed(client, make_key):
    """Two automations and four contacts in a fresh organization. Window [11-27, 12-01)."""
    key = await make_key()
    org = key.organization_id
    welcome = await named_automation(client, key, "Welcome")
    winback = await named_automation(client, key, "Winback")
    jane = await new_contact(client, key, "jane@example.com")
    bob = await new_contact(client, key, "bob@example.com")
    carol = await new_contact(client, key, "carol@example.com")
    await new_contact(client, key, "dave@example.com")

    # jane: Welcome on 11-20 10:00 (before the window: its touch reaches into it), Winback 11-28 12:00.
    await automation_send(org, welcome, jane, "2026-11-20 10:00:00")
    await automation_send(org, winback, jane, "2026-11-28 12:00:00")
    # A failed message is no touch, even with a sent_at: jane's EUR event stays Winback's.
    await automation_send(org, welcome, jane, "2026-11-29 07:00:00", status="failed")
    await order_event(client, key, "jane@example.com", "2026-11-26T23:59:59Z", "1.00")  # before `from`: not counted
    await order_event(client, key, "jane@example.com", "2026-11-27T00:00:00Z", "2.00")  # at `from`: Welcome
    await order_event(client, key, "jane@example.com", "2026-11-27T09:00:00Z", "10.00")  # 167 h after: Welcome
    await order_event(client, key, "jane@example.com", "2026-11-27T10:00:00Z", "3.00")  # exactly 168 h: Welcome
    await order_event(client, key, "jane@example.com", "2026-11-27T10:00:01Z", "4.00")  # 168 h + 1 s: nobody
    await order_event(client, key, "jane@example.com", "2026-11-28T12:00:00Z", "5.00")  # sent at that instant: Winback
    await order_event(client, key, "jane@example.com", "2026-11-29T08:00:00+01:00", "7.50", "EUR")  # 07:00Z: Winback
    # bob: Welcome (sent from a test key: sandbox, still `sent`) then Winback the same day.
    await automation_send(org, welcome, bob, "2026-11-29 00:00:00", sandbox=True)
    await automation_send(org, winback, bob, "2026-11-29 12:00:00")
    await order_event(client, key, "bob@example.com", "2026-11-29T01:00:00Z", "100.00")  # Welcome
    await order_event(client, key, "bob@example.com", "2026-11-29T13:00:00Z", "40.00")  # last touch: Winback
    await order_event(client, key, "bob@example.com", "2026-11-29T02:00:00Z", None, kind="page.viewed")  # no value
    await order_event(client, key, "bob@example.com", "2026-12-01T00:00:00Z", "999.00")  # at `to`: not counted
    # carol: an event before her first message is nobody's; the one after is Winback's.
    await order_event(client, key, "carol@example.com", "2026-11-28T00:00:00Z", "50.00")
    await automation_send(org, winback, carol, "2026-11-28 06:00:00")
    await order_event(client, key, "carol@example.com", "2026-11-28T07:00:00Z", "1000", "JPY")
    # dave got nothing: his event right after carol's message is nobody's.
    await order_event(client, key, "dave@example.com", "2026-11-28T06:30:00Z", "30.00")
    return key, welcome, winback


async def revenue_by_automation(client, key, **params):
    response = await client.get(PATH, params={**WINDOW, **params}, headers=key.headers)
    assert response.status_code == 200, response.text
    return response.json()


def row(automation_id, name, total, events, contacts, sent):
    return {"automationId": automation_id, "name": name, "total": total, "events": events, "contacts": contacts,
            "sent": sent}


async def test_last_touch_within_the_attribution_window(client, attributed):
    key, welcome, winback = attributed
    # Sent in the window: Welcome 1 (bob's sandbox send; the 11-20 one is before it, the failed one
    # is not sent), Winback 3.
    assert await revenue_by_automation(client, key) == {"currencies": [
        {"currency": "EUR", "automations": [row(winback, "Winback", "7.50", 1, 1, 3)]},
        {"currency": "JPY", "automations": [row(winback, "Winback", "1000", 1, 1, 3)]},
        {"currency": "USD", "automations": [
            row(welcome, "Welcome", "115.00", 4, 2, 1),  # jane 2 + 10 + 3, bob 100
            row(winback, "Winback", "45.00", 2, 2, 3),  # jane 5, bob 40
        ]},
    ]}


async def test_a_shorter_attribution_window(client, attributed):
    key, welcome, winback = attributed
    # One hour: only events at most 1 h after their last touch (both ends included).
    body = await revenue_by_automation(client, key, attributionHours=1)
    assert body == {"currencies": [
        {"currency": "JPY", "automations": [row(winback, "Winback", "1000", 1, 1, 3)]},
        {"currency": "USD", "automations": [
            row(welcome, "Welcome", "100.00", 1, 1, 1),  # bob 01:00, 1 h after
            row(winback, "Winback", "45.00", 2, 2, 3),  # jane at the send instant, bob 1 h after
        ]},
    ]}


async def test_window_boundaries_and_touches_before_from(client, attributed):
    key, welcome, winback = attributed
    # [11-27 10:00:00, 11-28 12:00:00): jane's 3.00 at `from` counts (a touch from before the
    # window), her 5.00 at `to` does not; `sent` counts only sends in the window (carol's).
    body = await revenue_by_automation(client, key, **{"from": "2026-11-27T10:00:00Z", "to": "2026-11-28T12:00:00Z"})
    assert body == {"currencies": [
        {"currency": "JPY", "automations": [row(winback, "Winback", "1000", 1, 1, 1)]},
        {"currency": "USD", "automations": [row(welcome, "Welcome", "3.00", 1, 1, 0)]},
    ]}
    # The same instants written with an offset.
    berlin = await revenue_by_automation(client, key, **{"from": "2026-11-27T11:00:00+01:00", "to": "2026-11-28T13:00:00+01:00"})
    assert berlin == body


async def test_graphql_matches_rest(client, attributed):
    key, _, _ = attributed
    for hours in (168, 1, 2160):
        data = (await gql(client, key, REVENUE_QUERY, {**WINDOW, "h": hours})).json()["data"]
        assert data["analytics"]["revenueByAutomation"] == (await revenue_by_automation(client, key, attributionHours=hours))["currencies"]
    default = 'query { analytics(from: "2026-11-27T00:00:00Z", to: "2026-12-01T00:00:00Z") ' \
              "{ revenueByAutomation { currency automations { total } } } }"
    data = (await gql(client, key, default)).json()["data"]["analytics"]["revenueByAutomation"]
    assert [a["total"] for c in data for a in c["automations"]] == ["7.50", "1000", "115.00", "45.00"]


async def test_a_deleted_automation_drops_out(client, attributed):
    key, welcome, winback = attributed
    assert (await client.delete(f"/api/v1/automations/{welcome}", headers=key.headers)).status_code == 200
    body = await revenue_by_automation(client, key)
    ids = [a["automationId"] for c in body["currencies"] for a in c["automations"]]
    assert welcome not in ids and ids == [winback, winback, winback]
    usd = body["currencies"][2]
    assert usd["currency"] == "USD" and usd["automations"][0]["total"] == "45.00"


async def test_another_organization_sees_none_of_it(client, attributed, make_key):
    key, welcome, winback = attributed
    stranger = await make_key()
    # The stranger has an automation, a contact with the same address, a message and an event of
    # its own: only that shows.
    own = await named_automation(client, stranger, "Mine")
    mine = await new_contact(client, stranger, "jane@example.com")
    await automation_send(stranger.organization_id, own, mine, "2026-11-28 00:00:00")
    await order_event(client, stranger, "jane@example.com", "2026-11-28T01:00:00Z", "9.99")
    expected = {"currencies": [{"currency": "USD", "automations": [row(own, "Mine", "9.99", 1, 1, 1)]}]}
    response = await client.get(PATH, params=WINDOW, headers=stranger.headers)
    assert response.json() == expected
    assert welcome not in response.text and winback not in response.text
    data = (await gql(client, stranger, REVENUE_QUERY, {**WINDOW, "h": 168})).json()["data"]
    assert data["analytics"]["revenueByAutomation"] == expected["currencies"]
    # An organization with nothing at all.
    empty = await make_key()
    assert (await client.get(PATH, params=WINDOW, headers=empty.headers)).json() == {"currencies": []}
    data = (await gql(client, empty, REVENUE_QUERY, {**WINDOW, "h": 168})).json()["data"]
    assert data["analytics"]["revenueByAutomation"] == []


@pytest.mark.parametrize("hours, code", [("0", "invalid"), ("2161", "invalid"), ("5000", "invalid"),
                                         ("-1", "invalid"), ("x", "invalid_type"), ("1.5", "invalid_type")])
async def test_bad_attribution_hours_is_422(client, key, hours, code):
    response = await client.get(PATH, params={**WINDOW, "attributionHours": hours}, headers=key.headers)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    detail = error["details"][0]
    assert detail["field"].endswith("attributionHours") and detail["code"] == code


async def test_bad_window_is_422(client, key):
    for params, field in (({"from": "2026-12-01T00:00:00Z"}, "to"), ({"to": "tomorrow"}, "to"),
                          ({"from": "2025-01-01T00:00:00Z"}, "to")):
        response = await client.get(PATH, params={**WINDOW, **params}, headers=key.headers)
        assert response.status_code == 422 and response.json()["error"]["details"][0]["field"] == field


async def test_graphql_bad_attribution_hours_is_a_top_level_error(client, key):
    for hours in (0, 5000):
        body = (await gql(client, key, REVENUE_QUERY, {**WINDOW, "h": hours})).json()
        assert body["data"] is None
        extensions = body["errors"][0]["extensions"]
        assert extensions["code"] == "validation_error"
        assert extensions["details"][0]["field"] == "attributionHours"
        assert extensions["details"][0]["code"] == "invalid"


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_matches_a_brute_force_reference(client, make_key, seed):
    """Random touches and events on an hourly grid (so sends tie, and events fall exactly on a
    send or on the end of its attribution window), against the rule computed event by event."""
    import random
    from datetime import timedelta
    from decimal import Decimal

    from models import Automation, Contact, Event

    rnd = random.Random(seed)
    key = await make_key()
    org = key.organization_id
    base = at("2026-11-27 00:00:00")
    automations = [(await Automation.create(organization_id=org, name=f"A{i}", event_type="x", trigger={},
                                            steps=[])).id for i in range(3)]
    contacts = [(await Contact.create(organization_id=org, email=f"c{i}@example.com",
                                      email_key=f"c{i}@example.com")).id for i in range(4)]
    touches = []  # (contact, sent_at, message id, automation)
    for _ in range(25):
        contact_id, automation_id = rnd.choice(contacts), rnd.choice(automations)
        sent = base + timedelta(hours=rnd.randrange(20))
        status = rnd.choice(["sent", "sent", "sent", "failed"])
        stored = await Message.create(
            organization_id=org, to=["x@example.com"], from_address="a@acme.com", subject="s", text="t",
            due_at=sent, status=status, sent_at=sent, automation_id=automation_id, contact_id=contact_id,
        )
        if status == "sent":
            touches.append((contact_id, sent, stored.id, automation_id))
    events = []  # (contact, occurred_at, currency, value)
    for _ in range(60):
        contact_id = rnd.choice(contacts)
        when = base + timedelta(hours=rnd.randrange(22), seconds=rnd.choice([0, 0, 0, 1]))
        currency = rnd.choice(["USD", "EUR"])
        value = Decimal(rnd.randrange(-500, 5000)).scaleb(-2)
        await Event.create(organization_id=org, contact_id=contact_id, event_type="order.placed", value=value,
                           currency=currency, occurred_at=when)
        events.append((contact_id, when, currency, value))
    start, end, hours = base + timedelta(hours=2), base + timedelta(hours=18), 3
    expected: dict[str, dict[str, list]] = {}
    for contact_id, when, currency, value in events:
        if not start <= when < end:
            continue
        before = [t for t in touches if t[0] == contact_id and t[1] <= when]
        if not before:
            continue
        last = max(before, key=lambda t: (t[1], t[2]))
        if when - last[1] > timedelta(hours=hours):
            continue
        acc = expected.setdefault(currency, {}).setdefault(last[3], [Decimal(0), 0, set()])
        acc[0] += value
        acc[1] += 1
        acc[2].add(contact_id)
    sent = {a: sum(1 for t in touches if t[3] == a and start <= t[1] < end) for a in automations}
    want = [
        {"currency": c, "automations": [
            row(a, f"A{automations.index(a)}", f"{total:.2f}", n, len(who), sent[a])
            for a, (total, n, who) in sorted(expected[c].items(), key=lambda kv: (-kv[1][0], kv[0]))
        ]}
        for c in sorted(expected)
    ]
    params = {"from": start.isoformat(), "to": end.isoformat(), "attributionHours": hours}
    response = await client.get(PATH, params=params, headers=key.headers)
    assert response.status_code == 200, response.text
    assert response.json() == {"currencies": want}
    assert sum(len(c["automations"]) for c in want) >= 3  # the data set exercises something
