"""Messages after sending, over REST: a scheduled message waits and can be canceled (once,
and never once sent); listing with filters and cursors, the same data as GraphQL's."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from models import Message
from tests.helpers import SEND, gql, iso


async def test_scheduled_send_waits_and_can_be_canceled(client, key, worker, smtp_sink):
    later = datetime.now(timezone.utc) + timedelta(hours=1)
    response = await client.post("/api/v1/delivery/send", json={**SEND, "sendAt": iso(later)}, headers=key.headers)
    message_id = response.json()["messageId"]
    soon = await client.post(
        "/api/v1/delivery/send",
        json={**SEND, "to": "soon@example.com", "sendAt": iso(datetime.now(timezone.utc) + timedelta(minutes=10))},
        headers=key.headers,
    )
    # The worker takes every organization's due messages (no organization filter): however
    # long other tests' leftovers take, neither scheduled message is due yet.
    await worker.drain()
    assert smtp_sink.received_by_id(message_id) == [] == smtp_sink.received_by_id(soon.json()["messageId"])
    message = (await client.get(f"/api/v1/delivery/messages/{message_id}", headers=key.headers)).json()
    assert message["status"] == "queued" and message["sendAt"].startswith(iso(later)[:19])
    assert message["events"][0]["detail"].startswith("scheduled for")
    # The soon one's time comes: moved in the database, not waited for.
    await Message.filter(id=soon.json()["messageId"]).update(due_at=datetime.now(timezone.utc) - timedelta(seconds=1))
    await worker.drain()
    assert len(smtp_sink.received_by_id(soon.json()["messageId"])) == 1
    canceled = await client.post(f"/api/v1/delivery/messages/{message_id}/cancel", headers=key.headers)
    assert canceled.status_code == 200 and canceled.json()["status"] == "canceled"
    assert [e["status"] for e in canceled.json()["events"]] == ["queued", "canceled"]
    again = await client.post(f"/api/v1/delivery/messages/{message_id}/cancel", headers=key.headers)
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    sent = await client.post(f"/api/v1/delivery/messages/{soon.json()['messageId']}/cancel", headers=key.headers)
    assert sent.status_code == 409 and "`sent`" in sent.json()["error"]["message"]
    missing = await client.post("/api/v1/delivery/messages/msg_nope/cancel", headers=key.headers)
    assert missing.status_code == 404


async def test_list_filters_and_pagination_match_graphql(client, key):
    ids = []
    for i, (to, tags) in enumerate([("a@example.com", ["x"]), ("b@example.com", ["y"]), ("A@Example.com", ["x", "y"])]):
        body = {**SEND, "to": to, "tags": tags, "cc": "copy@example.com"}
        ids.append((await client.post("/api/v1/delivery/send", json=body, headers=key.headers)).json()["messageId"])
    await client.post(f"/api/v1/delivery/messages/{ids[1]}/cancel", headers=key.headers)

    async def listed(**params):
        response = await client.get("/api/v1/delivery/messages", params=params, headers=key.headers)
        assert response.status_code == 200, response.text
        return [m["id"] for m in response.json()["data"]]

    assert await listed() == ids[::-1]
    assert await listed(to="a@example.com") == [ids[2], ids[0]]
    assert await listed(to="copy@example.com") == []  # `to` only, not cc
    assert await listed(tag="y") == [ids[2], ids[1]]
    assert await listed(status="canceled") == [ids[1]]
    assert await listed(status="queued", tag="x") == [ids[2], ids[0]]
    now = datetime.now(timezone.utc)
    assert await listed(since=iso(now - timedelta(minutes=1)), until=iso(now + timedelta(minutes=1))) == ids[::-1]
    assert await listed(since=iso(now + timedelta(minutes=1))) == []
    page = (await client.get("/api/v1/delivery/messages", params={"limit": 2}, headers=key.headers)).json()
    assert [m["id"] for m in page["data"]] == [ids[2], ids[1]] and page["hasMore"] is True
    rest = (await client.get("/api/v1/delivery/messages", params={"limit": 2, "cursor": page["nextCursor"]},
                             headers=key.headers)).json()
    assert [m["id"] for m in rest["data"]] == [ids[0]] and rest["hasMore"] is False
    for params, field in (({"status": "lost"}, "status"), ({"limit": 0}, "limit"), ({"cursor": "zz"}, "cursor"),
                          ({"since": "2026-01-01T00:00:00"}, "since")):
        response = await client.get("/api/v1/delivery/messages", params=params, headers=key.headers)
        assert response.status_code == 422 and response.json()["error"]["details"][0]["field"] == field, params
    # GraphQL returns the same data.
    query = """query($f: MessageFilter) { messages(first: 10, filter: $f) {
        edges { node { id status to cc tags events { status } } } pageInfo { hasNextPage } } }"""
    data = (await gql(client, key, query, {"f": {"to": "a@example.com"}})).json()["data"]["messages"]
    nodes = [e["node"] for e in data["edges"]]
    assert [n["id"] for n in nodes] == [ids[2], ids[0]]
    assert nodes[0]["cc"] == ["copy@example.com"] and nodes[0]["events"] == [{"status": "queued"}]
    one = (await gql(client, key, "query($id: ID!) { message(id: $id) { id status events { status detail } } }",
                     {"id": ids[1]})).json()["data"]["message"]
    assert one["status"] == "canceled" and [e["status"] for e in one["events"]] == ["queued", "canceled"]
