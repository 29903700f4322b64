"""Open and click tracking: the HTML that arrives over real SMTP, the pixel and the redirect
(only ever to the URL signed into the token), User-Agent classes, the organization's
defaults, GraphQL, bad tokens and test keys."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from app.engines.tracking import instrument
from models import Message, MessageEngagement, Organization
from tests.helpers import gql, send_ok

HTML = ('<html><body><p>Hi</p><a href="https://shop.example.com/p?id=1&amp;ref=mail">Shop</a> '
        "<a href='mailto:help@example.com'>Help</a> <A HREF=\"http://example.com/b\">B</A>"
        '<a data-viperatron-track="off" href="https://example.com/private">Private</a></body></html>')
THUNDERBIRD = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Thunderbird/128.5.0"


async def deliver(worker, smtp_sink, message_id: str):
    await worker.drain()
    [received] = smtp_sink.received_by_id(message_id)
    return received


def html_part(received) -> str:
    return next(p for p in received.message.walk() if p.get_content_type() == "text/html").get_content()


def text_part(received) -> str:
    return next(p for p in received.message.walk() if p.get_content_type() == "text/plain").get_content()


def tracked_paths(html: str, kind: str) -> list[str]:
    return [urlsplit(u).path for u in re.findall(rf'"(http://[^"]+/t/{kind}/[^"]+)"', html)]


async def test_a_tracked_message_reports_its_open_and_clicks(client, key, worker, smtp_sink):
    message_id = await send_ok(client, key, to="jane@example.com", subject="Sale", html=HTML,
                               tracking={"opens": True, "clicks": True})
    html = html_part(await deliver(worker, smtp_sink, message_id))
    clicks, [pixel] = tracked_paths(html, "c"), tracked_paths(html, "o")
    assert len(clicks) == 2  # the two http(s) links; not mailto, not the one marked off
    assert "mailto:help@example.com" in html and "https://example.com/private" in html
    assert "shop.example.com" not in html  # the original is only inside the signed token
    text = text_part((smtp_sink.received_by_id(message_id))[0])
    assert "https://shop.example.com/p?id=1&ref=mail" in text and "/t/c/" not in text  # text keeps the links

    opened = await client.get(pixel, headers={"User-Agent": THUNDERBIRD})
    assert opened.status_code == 200 and opened.headers["content-type"] == "image/gif"
    assert opened.headers["cache-control"].startswith("no-store")
    first = await client.get(clicks[0], headers={"User-Agent": THUNDERBIRD})
    assert first.status_code == 302 and first.headers["location"] == "https://shop.example.com/p?id=1&ref=mail"
    second = await client.get(clicks[1], headers={"User-Agent": "Mozilla/5.0"})
    assert second.headers["location"] == "http://example.com/b"
    message = (await client.get(f"/api/v1/delivery/messages/{message_id}", headers=key.headers)).json()
    engagement = message["engagement"]
    assert (engagement["opens"], engagement["clicks"]) == (1, 2)
    assert engagement["firstOpenedAt"] and engagement["firstClickedAt"]
    rows = await MessageEngagement.filter(message_id=message_id).order_by("id")
    assert [(r.kind, r.url, r.agent_class) for r in rows] == [
        ("opened", None, "human"),
        ("clicked", "https://shop.example.com/p?id=1&ref=mail", "human"),
        ("clicked", "http://example.com/b", "machine"),  # Apple Mail Privacy Protection's bare agent
    ]
    graphql = (await gql(client, key, "query($id: ID!) { message(id: $id) { engagement { opens clicks } } }",
                         {"id": message_id})).json()["data"]["message"]
    assert graphql == {"engagement": {"opens": 1, "clicks": 2}}


async def test_tokens_cannot_be_forged_or_bent_to_another_url(client, key, worker, smtp_sink):
    message_id = await send_ok(client, key, to="jane@example.com", subject="S", html=HTML, tracking={"clicks": True})
    link = tracked_paths(html_part(await deliver(worker, smtp_sink, message_id)), "c")[0]
    payload, mac = link.rsplit("/", 1)[1].split(".")
    other_mac = ("B" if mac[0] == "A" else "A") + mac[1:]  # always another MAC (a fixed "AA" tail could be its own)
    for bad in (f"{payload}.{other_mac}", f"{payload[:-4]}.{mac}", "x", "a.b.c", "." * 5000):
        response = await client.get(f"/t/c/{bad}", follow_redirects=False)
        assert response.status_code == 404 and "location" not in response.headers, bad
    # A forged open token serves the image and records nothing.
    assert (await client.get(f"/t/o/{payload}.{mac}")).status_code == 200
    assert (await Message.get(id=message_id)).opens == 0
    assert await MessageEngagement.filter(message_id=message_id).count() == 0


async def test_untracked_unless_asked_then_the_organization_default(client, key, worker, smtp_sink, make_key):
    plain = await send_ok(client, key, to="jane@example.com", subject="S", html=HTML)
    html = html_part(await deliver(worker, smtp_sink, plain))
    assert "/t/c/" not in html and "/t/o/" not in html and "https://shop.example.com/p?id=1&amp;ref=mail" in html
    assert (await client.get("/api/v1/tracking", headers=key.headers)).json() == {"opens": False, "clicks": False}
    test_key = await make_key(org=key.organization_name, test=True)
    refused = await client.patch("/api/v1/tracking", json={"opens": True}, headers=test_key.headers)
    assert refused.status_code == 403
    changed = await client.patch("/api/v1/tracking", json={"opens": True}, headers=key.headers)
    assert changed.status_code == 200 and changed.json() == {"opens": True, "clicks": False}
    bad = await client.patch("/api/v1/tracking", json={"opens": "maybe"}, headers=key.headers)
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "opens"
    worker._tracking_cache.clear()  # the worker re-reads defaults every 30 s
    defaulted = await send_ok(client, key, to="jane@example.com", subject="S", html=HTML)
    html = html_part(await deliver(worker, smtp_sink, defaulted))
    assert len(tracked_paths(html, "o")) == 1 and tracked_paths(html, "c") == []
    opted_out = await send_ok(client, key, to="jane@example.com", subject="S", html=HTML, tracking={"opens": False})
    assert "/t/o/" not in html_part(await deliver(worker, smtp_sink, opted_out))
    # GraphQL reads and changes the same defaults.
    data = (await gql(client, key, "mutation { updateTrackingSettings(input: {clicks: true}) { trackingSettings "
                      "{ opens clicks } userErrors { code } } }")).json()["data"]["updateTrackingSettings"]
    assert data == {"trackingSettings": {"opens": True, "clicks": True}, "userErrors": []}
    assert (await Organization.get(id=key.organization_id)).track_clicks is True


def test_instrumenting_is_the_same_every_time():
    once = instrument(HTML, "msg_x", public_url="https://mail.example.com", secret_key="k", opens=True, clicks=True)
    assert once == instrument(HTML, "msg_x", public_url="https://mail.example.com", secret_key="k", opens=True,
                              clicks=True)
    assert once.index("/t/o/") < once.index("</body>")


async def test_analytics_counts_opens_and_clicks_of_sent_messages(client, key, worker, smtp_sink):
    ids = [await send_ok(client, key, to=f"r{i}@example.com", subject="S", html=HTML,
                         tracking={"opens": True, "clicks": True}) for i in range(4)]
    await worker.drain()
    html = {i: html_part(smtp_sink.received_by_id(i)[0]) for i in ids}
    await client.get(tracked_paths(html[ids[0]], "o")[0], headers={"User-Agent": THUNDERBIRD})
    await client.get(tracked_paths(html[ids[1]], "o")[0], headers={"User-Agent": "Mozilla/5.0"})  # Apple MPP only
    await client.get(tracked_paths(html[ids[0]], "c")[0], headers={"User-Agent": THUNDERBIRD})
    now = datetime.now(timezone.utc)
    window = {"from": (now - timedelta(days=1)).isoformat(), "to": (now + timedelta(days=1)).isoformat()}
    response = await client.get("/api/v1/analytics/messages", params=window, headers=key.headers)
    assert response.status_code == 200, response.text
    figures = response.json()
    assert (figures["opened"], figures["openedByPeople"], figures["clicked"]) == (2, 1, 1)
    assert figures["openRate"] == 0.5 and figures["clickRate"] == 0.25
