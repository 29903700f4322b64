"""Analytics over REST: every figure against a small hand-computed data set (the `seeded`
fixture), with time-zone bucketing across midnight, DST and a half-hour zone, on whichever
backend this run uses; bad windows and parameters."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.helpers import WINDOW, at, create_event, create_message, get_analytics


def counts(body) -> list[tuple[str, int]]:
    return [(b["start"], sum(t["count"] for t in b["types"])) for b in body["buckets"]]


@pytest.mark.parametrize(
    "tz, expected",
    [
        ("UTC", [("2026-11-27T00:00:00+00:00", 1), ("2026-11-28T00:00:00+00:00", 3),
                 ("2026-11-29T00:00:00+00:00", 2), ("2026-11-30T00:00:00+00:00", 1)]),
        ("Europe/Berlin", [("2026-11-27T00:00:00+01:00", 0), ("2026-11-28T00:00:00+01:00", 4),
                           ("2026-11-29T00:00:00+01:00", 2), ("2026-11-30T00:00:00+01:00", 1),
                           ("2026-12-01T00:00:00+01:00", 0)]),
        ("America/New_York", [("2026-11-26T00:00:00-05:00", 0), ("2026-11-27T00:00:00-05:00", 3),
                              ("2026-11-28T00:00:00-05:00", 1), ("2026-11-29T00:00:00-05:00", 3),
                              ("2026-11-30T00:00:00-05:00", 0)]),
    ],
)
async def test_event_days_across_midnight(client, seeded, tz, expected):
    key, _, _ = seeded
    assert counts(await get_analytics(client, key, "events", granularity="day", timezone=tz)) == expected


@pytest.mark.parametrize(
    "tz, expected",
    [
        ("UTC", [("2026-11-23T00:00:00+00:00", 6), ("2026-11-30T00:00:00+00:00", 1)]),
        ("Europe/Berlin", [("2026-11-23T00:00:00+01:00", 6), ("2026-11-30T00:00:00+01:00", 1)]),
        # 04:30Z on Monday the 30th is 23:30 on Sunday in New York: still last week.
        ("America/New_York", [("2026-11-23T00:00:00-05:00", 7), ("2026-11-30T00:00:00-05:00", 0)]),
    ],
)
async def test_event_weeks_start_on_monday_in_local_time(client, seeded, tz, expected):
    key, _, _ = seeded
    assert counts(await get_analytics(client, key, "events", granularity="week", timezone=tz)) == expected


async def test_event_figures_per_type_and_currency(client, seeded):
    key, _, _ = seeded
    body = await get_analytics(client, key, "events", granularity="day", timezone="Europe/Berlin")
    order_usd = lambda s, a, n: {"currency": "USD", "count": n, "sum": s, "average": a}  # noqa: E731
    assert body["totals"] == [
        {"eventType": "order.placed", "count": 4, "values": [
            {"currency": "JPY", "count": 1, "sum": "1000", "average": "1000"},
            order_usd("35.75", "11.92", 3),  # 35.75 / 3 = 11.9166… rounded half-up to cents
        ]},
        {"eventType": "page.viewed", "count": 1, "values": []},
        {"eventType": "tip.given", "count": 2, "values": [
            {"currency": "BHD", "count": 2, "sum": "0.003", "average": "0.002"},  # 0.0015 → 0.002
        ]},
    ]
    day28 = body["buckets"][1]
    assert day28["start"] == "2026-11-28T00:00:00+01:00"
    assert day28["types"] == [
        {"eventType": "order.placed", "count": 3, "values": [
            {"currency": "JPY", "count": 1, "sum": "1000", "average": "1000"},
            order_usd("30.75", "15.38", 2),  # 15.375 → 15.38
        ]},
        {"eventType": "page.viewed", "count": 1, "values": []},
    ]
    assert body["buckets"][3]["types"] == [
        {"eventType": "order.placed", "count": 1, "values": [order_usd("5.00", "5.00", 1)]}
    ]
    assert body["buckets"][0]["types"] == [] and body["buckets"][4]["types"] == []


async def test_hour_buckets_in_dst_fall_back_and_half_hour_zones(client, make_key):
    key = await make_key()
    org = key.organization_id
    # 2026-10-25: Berlin goes from 03:00 CEST back to 02:00 CET at 01:00Z; both 02:30s share a bucket.
    await create_event(org, None, "2026-10-25 00:30:00", "ping")
    await create_event(org, None, "2026-10-25 01:30:00", "ping")
    await create_event(org, None, "2026-10-25 02:15:00", "ping")
    window = {"from": "2026-10-25T00:00:00Z", "to": "2026-10-25T03:00:00Z", "granularity": "hour"}
    body = await get_analytics(client, key, "events", **window, timezone="Europe/Berlin")
    assert counts(body) == [("2026-10-25T02:00:00+02:00", 2), ("2026-10-25T03:00:00+01:00", 1)]
    # 2026-03-29: Berlin skips 02:00-03:00 local (01:00Z); there is no 02:00 bucket.
    await create_event(org, None, "2026-03-29 00:30:00", "ping")
    await create_event(org, None, "2026-03-29 01:30:00", "ping")
    spring = {"from": "2026-03-29T00:00:00Z", "to": "2026-03-29T02:00:00Z", "granularity": "hour"}
    body = await get_analytics(client, key, "events", **spring, timezone="Europe/Berlin")
    assert counts(body) == [("2026-03-29T01:00:00+01:00", 1), ("2026-03-29T03:00:00+02:00", 1)]
    day = await get_analytics(client, key, "events", **{**spring, "granularity": "day"}, timezone="Europe/Berlin")
    assert counts(day) == [("2026-03-29T00:00:00+01:00", 2)]
    # Kolkata is +05:30: local hours start at hh:30 UTC.
    body = await get_analytics(client, key, "events", **window, timezone="Asia/Kolkata")
    assert counts(body) == [
        ("2026-10-25T05:00:00+05:30", 0),  # 23:30Z-00:30Z (the window starts at 00:00Z)
        ("2026-10-25T06:00:00+05:30", 1),  # 00:30Z
        ("2026-10-25T07:00:00+05:30", 2),  # 01:30Z and 02:15Z
        ("2026-10-25T08:00:00+05:30", 0),  # 02:30Z-03:00Z
    ]
    # Kathmandu is +05:45.
    body = await get_analytics(client, key, "events", **window, timezone="Asia/Kathmandu")
    assert counts(body) == [
        ("2026-10-25T05:00:00+05:45", 0), ("2026-10-25T06:00:00+05:45", 1),
        ("2026-10-25T07:00:00+05:45", 1), ("2026-10-25T08:00:00+05:45", 1),
    ]


async def test_message_figures(client, seeded):
    key, _, _ = seeded
    body = await get_analytics(client, key, "messages", granularity="day", timezone="America/New_York")
    zero = {"queued": 0, "sending": 0, "sent": 0, "deferred": 0, "failed": 0, "suppressed": 0, "canceled": 0,
            "bounced": 0, "complained": 0}
    totals = {s["status"]: s["count"] for s in body["statuses"]}
    assert totals == {**zero, "sent": 3, "failed": 1, "suppressed": 1, "queued": 1, "canceled": 1}
    assert body["total"] == 7
    assert body["deliveryRate"] == 0.6  # 3 sent / (3 sent + 1 failed + 1 suppressed)
    assert body["medianSecondsToSend"] == 20.0  # of 10, 30, 20
    per_day = [(b["start"], b["total"], {s["status"]: s["count"] for s in b["statuses"] if s["count"]})
               for b in body["buckets"]]
    assert per_day == [
        ("2026-11-26T00:00:00-05:00", 0, {}),
        # 18:30, 19:30, 20:00, 21:00, 22:00 on the 27th in New York
        ("2026-11-27T00:00:00-05:00", 5, {"sent": 3, "failed": 1, "suppressed": 1}),
        ("2026-11-28T00:00:00-05:00", 0, {}),
        ("2026-11-29T00:00:00-05:00", 2, {"queued": 1, "canceled": 1}),
        ("2026-11-30T00:00:00-05:00", 0, {}),
    ]
    utc = await get_analytics(client, key, "messages", granularity="day", timezone="UTC")
    assert [b["total"] for b in utc["buckets"]] == [1, 4, 2, 0]


async def test_message_median_of_an_even_count_and_no_sends(client, make_key):
    key = await make_key()
    org = key.organization_id
    empty = await get_analytics(client, key, "messages")
    assert empty["deliveryRate"] is None and empty["medianSecondsToSend"] is None and empty["total"] == 0
    for seconds in (4, 1, 10, 7):
        await create_message(org, created="2026-11-28 00:00:00", status="sent",
                             sent=at("2026-11-28 00:00:00") + timedelta(seconds=seconds))
    body = await get_analytics(client, key, "messages")
    assert body["medianSecondsToSend"] == 5.5 and body["deliveryRate"] == 1.0


async def test_contact_figures(client, seeded):
    key, _, _ = seeded
    body = await get_analytics(client, key, "contacts", granularity="day", timezone="Europe/Berlin")
    assert body["total"] == 3 and body["new"] == 2
    assert [(b["start"], b["new"]) for b in body["buckets"]] == [
        ("2026-11-27T00:00:00+01:00", 0), ("2026-11-28T00:00:00+01:00", 2), ("2026-11-29T00:00:00+01:00", 0),
        ("2026-11-30T00:00:00+01:00", 0), ("2026-12-01T00:00:00+01:00", 0),
    ]
    assert body["tags"] == [{"tag": "buyer", "count": 2}, {"tag": "vip", "count": 1}]
    utc = await get_analytics(client, key, "contacts", granularity="day")
    assert [b["new"] for b in utc["buckets"]] == [1, 1, 0, 0]


async def test_top_contacts_by_revenue(client, seeded):
    key, a, b = seeded
    body = await get_analytics(client, key, "revenue/top-contacts")
    assert body == {"currencies": [
        {"currency": "BHD", "contacts": [{"contactId": b.id, "email": "b@example.com", "total": "0.003", "events": 2}]},
        {"currency": "JPY", "contacts": [{"contactId": a.id, "email": "a@example.com", "total": "1000", "events": 1}]},
        {"currency": "USD", "contacts": [
            {"contactId": b.id, "email": "b@example.com", "total": "20.25", "events": 1},
            {"contactId": a.id, "email": "a@example.com", "total": "15.50", "events": 2},
        ]},
    ]}
    top1 = await get_analytics(client, key, "revenue/top-contacts", limit=1)
    assert [c["contacts"][0]["total"] for c in top1["currencies"]] == ["0.003", "1000", "20.25"]
    assert all(len(c["contacts"]) == 1 for c in top1["currencies"])


@pytest.mark.parametrize(
    "params, field, code",
    [
        ({"timezone": "Mars/Olympus"}, "timezone", "invalid"),
        ({"timezone": "localtime"}, "timezone", "invalid"),
        ({"granularity": "month"}, "granularity", "invalid"),
        ({"from": "2026-12-01T00:00:00Z"}, "to", "invalid"),  # from == to
        ({"from": "2026-12-02T00:00:00Z"}, "to", "invalid"),  # from > to
        ({"from": "2026-11-27T00:00:00"}, "from", "invalid_format"),  # no time zone
        ({"to": "yesterday"}, "to", "invalid_format"),
        ({"from": "2025-11-01T00:00:00Z"}, "to", "too_large"),  # > 366 days
        ({"granularity": "hour", "from": "2026-10-01T00:00:00Z"}, "to", "too_large"),  # > 31 days of hours
    ],
)
async def test_bad_input_is_422_naming_the_field(client, key, params, field, code):
    for path in ("messages", "events", "contacts"):
        response = await client.get(f"/api/v1/analytics/{path}", params={**WINDOW, **params}, headers=key.headers)
        assert response.status_code == 422, response.text
        detail = response.json()["error"]["details"][0]
        assert (detail["field"], detail["code"]) == (field, code)


async def test_missing_window_and_bad_limit(client, key):
    response = await client.get("/api/v1/analytics/events", params={"to": WINDOW["to"]}, headers=key.headers)
    assert response.status_code == 422 and response.json()["error"]["details"][0]["field"].endswith("from")
    for limit in (0, 101):
        response = await client.get(
            "/api/v1/analytics/revenue/top-contacts", params={**WINDOW, "limit": limit}, headers=key.headers
        )
        assert response.status_code == 422 and response.json()["error"]["details"][0]["field"] == "limit"


async def test_a_window_with_an_offset_is_the_same_instant(client, seeded):
    key, _, _ = seeded
    berlin = {"from": "2026-11-27T01:00:00+01:00", "to": "2026-12-01T01:00:00+01:00"}
    response = await client.get("/api/v1/analytics/events", params=berlin, headers=key.headers)
    assert response.json() == await get_analytics(client, key, "events")
