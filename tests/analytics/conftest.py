from __future__ import annotations

import pytest

from tests.helpers import create_contact, create_event, create_message


@pytest.fixture
async def seeded(make_key):
    """Hand-computed data in a fresh organization (and noise in another one): (key, contact a,
    contact b). The tests' window is helpers.WINDOW, [11-27, 12-01)."""
    key = await make_key()
    org = key.organization_id
    a = await create_contact(org, "a@example.com", created="2026-11-27 23:30:00", tags=["vip", "buyer"])
    b = await create_contact(org, "b@example.com", created="2026-11-28 00:30:00", tags=["buyer"])
    await create_contact(org, "c@example.com", created="2026-11-10 12:00:00")
    await create_event(org, a.id, "2026-11-27 23:30:00", "order.placed", "10.50", "USD")
    await create_event(org, b.id, "2026-11-28 00:30:00", "order.placed", "20.25", "USD")
    await create_event(org, a.id, "2026-11-28 00:45:00", "order.placed", "1000", "JPY")
    await create_event(org, b.id, "2026-11-28 12:00:00", "page.viewed")
    await create_event(org, b.id, "2026-11-29 12:00:00", "tip.given", "0.001", "BHD")
    await create_event(org, b.id, "2026-11-29 12:10:00", "tip.given", "0.002", "BHD")
    await create_event(org, a.id, "2026-11-30 04:30:00", "order.placed", "5.00", "USD")
    # Outside the window: not counted.
    await create_event(org, a.id, "2026-11-26 23:59:59", "order.placed", "999.00", "USD")
    await create_event(org, a.id, "2026-12-01 00:00:00", "order.placed", "999.00", "USD")
    await create_message(org, created="2026-11-27 23:30:00", status="sent", sent="2026-11-27 23:30:10")  # 10 s to send
    await create_message(org, created="2026-11-28 00:30:00", status="sent", sent="2026-11-28 00:30:30")  # 30 s
    await create_message(org, created="2026-11-28 01:00:00", status="sent", sent="2026-11-28 01:00:20")  # 20 s
    await create_message(org, created="2026-11-28 02:00:00", status="failed")
    await create_message(org, created="2026-11-28 03:00:00", status="suppressed")
    await create_message(org, created="2026-11-29 10:00:00", status="queued")
    await create_message(org, created="2026-11-29 11:00:00", status="canceled")
    await create_message(org, created="2026-11-20 11:00:00", status="sent", sent="2026-11-20 11:08:20")  # outside
    # Another organization's rows never show.
    other = (await make_key()).organization_id
    x = await create_contact(other, "a@example.com", created="2026-11-28 00:00:00", tags=["vip"])
    await create_event(other, x.id, "2026-11-28 00:00:00", "order.placed", "77.00", "USD")
    await create_message(other, created="2026-11-28 00:00:00", status="failed")
    return key, a, b
