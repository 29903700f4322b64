"""Batch and scheduled sends, cancel, and listing messages with filters (REST and GraphQL)."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone

from models import Message
from tests.conftest import gql

SEND = {"to": "jane@example.com", "from": "hello@acme.com", "subject": "Hi", "text": "Hello"}


def iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


async def test_batch_queues_valid_messages_and_reports_invalid_ones(client, key):
    messages = [SEND, {**SEND, "to": "nope"}, {**SEND, "to": "b@example.com", "tags": ["t"]}, {"to": "c@example.com"}]
    response = await client.post("/api/v1/delivery/batch", json={"messages": messages}, headers=key.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["accepted"], body["rejected"]) == (2, 2)
    first, bad, third, missing = body["data"]
    assert first["status"] == "queued" and first["messageId"].startswith("msg_") and first["error"] is None
    assert bad["status"] == "rejected" and bad["messageId"] is None
    assert bad["error"]["code"] == "validation_error"
    assert bad["error"]["details"][0]["field"] == "messages.1.to.0"
    assert bad["error"]["details"][0]["code"] == "invalid_email"
    assert {d["field"] for d in missing["error"]["details"]} >= {"messages.3.from", "messages.3.subject"}
    stored = await Message.filter(organization_id=key.organization_id).order_by("id")
    assert [m.id for m in stored] == [first["messageId"], third["messageId"]]


async def test_batch_limits(client, key):
    for messages in ([], [SEND] * 101):
        response = await client.post("/api/v1/delivery/batch", json={"messages": messages}, headers=key.headers)
        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["field"] == "messages"
    assert await Message.filter(organization_id=key.organization_id).count() == 0


async def test_graphql_batch_twin(client, key):
    mutation = """mutation($input: SendEmailBatchInput!) { sendEmailBatch(input: $input) {
        accepted rejected results { index messageId status userErrors { field code } } userErrors { code } } }"""
    variables = {"input": {"messages": [SEND, {**SEND, "to": ["nope"]}]}}
    payload = (await gql(client, key, mutation, variables)).json()["data"]["sendEmailBatch"]
    assert (payload["accepted"], payload["rejected"]) == (1, 1)
    ok, bad = payload["results"]
    assert ok["status"] == "queued" and ok["userErrors"] == []
    assert bad == {"index": 1, "messageId": None, "status": "rejected",
                   "userErrors": [{"field": "messages.1.to.0", "code": "validation_error"}]}


BATCH_MUTATION = """mutation($input: SendEmailBatchInput!) { sendEmailBatch(input: $input) {
    accepted rejected results { index messageId status userErrors { field code } } userErrors { field code } } }"""
SEND_MUTATION = """mutation($input: SendEmailInput!) { sendEmail(input: $input) {
    messageId status userErrors { field code } } }"""


async def test_graphql_batch_limits_match_rest(client, key):
    for messages in ([], [SEND] * 101):
        rest = await client.post("/api/v1/delivery/batch", json={"messages": messages}, headers=key.headers)
        assert rest.status_code == 422
        error = rest.json()["error"]
        assert (error["code"], error["details"][0]["field"]) == ("validation_error", "messages")
        payload = (await gql(client, key, BATCH_MUTATION, {"input": {"messages": messages}})).json()["data"]
        assert payload["sendEmailBatch"] == {
            "accepted": 0, "rejected": 0, "results": [], "userErrors": [{"field": "messages", "code": error["code"]}]
        }, len(messages)
    assert await Message.filter(organization_id=key.organization_id).count() == 0
    # 100 is within the limit on both (scheduled ahead: no worker in later tests sends them).
    later = {**SEND, "sendAt": iso(datetime.now(timezone.utc) + timedelta(days=1))}
    rest = await client.post("/api/v1/delivery/batch", json={"messages": [later] * 100}, headers=key.headers)
    assert rest.status_code == 200 and rest.json()["accepted"] == 100
    payload = (await gql(client, key, BATCH_MUTATION, {"input": {"messages": [later] * 100}})).json()["data"]
    assert payload["sendEmailBatch"]["accepted"] == 100 and payload["sendEmailBatch"]["userErrors"] == []
    assert await Message.filter(organization_id=key.organization_id).count() == 200


async def test_graphql_send_at_schedules_and_is_checked_like_rest(client, key, worker, smtp_sink):
    later = datetime.now(timezone.utc) + timedelta(hours=1)
    scheduled = {**SEND, "sendAt": iso(later)}
    single = (await gql(client, key, SEND_MUTATION, {"input": scheduled})).json()["data"]["sendEmail"]
    assert single["status"] == "queued" and single["userErrors"] == []
    batch = (await gql(client, key, BATCH_MUTATION, {"input": {"messages": [scheduled]}})).json()["data"]
    [item] = batch["sendEmailBatch"]["results"]
    rest = await client.post("/api/v1/delivery/send", json=scheduled, headers=key.headers)
    ids = [single["messageId"], item["messageId"], rest.json()["messageId"]]
    await worker.drain()
    for message_id in ids:
        assert smtp_sink.received_by_id(message_id) == []
        message = (await client.get(f"/api/v1/delivery/messages/{message_id}", headers=key.headers)).json()
        assert message["status"] == "queued" and message["sendAt"].startswith(iso(later)[:19])
        assert message["events"][0]["detail"].startswith("scheduled for")
        canceled = await client.post(f"/api/v1/delivery/messages/{message_id}/cancel", headers=key.headers)
        assert canceled.status_code == 200

    # Too far ahead, or without a time zone: refused like REST, alone or in a batch.
    for send_at, rest_code in ((iso(datetime.now(timezone.utc) + timedelta(days=31)), "too_late"),
                               ("2026-12-01T10:00:00", "invalid_format")):
        body = {**SEND, "sendAt": send_at}
        rest = await client.post("/api/v1/delivery/send", json=body, headers=key.headers)
        assert rest.status_code == 422
        assert [(d["field"], d["code"]) for d in rest.json()["error"]["details"]] == [("sendAt", rest_code)]
        single = (await gql(client, key, SEND_MUTATION, {"input": body})).json()["data"]["sendEmail"]
        assert single == {"messageId": None, "status": None,
                          "userErrors": [{"field": "sendAt", "code": rest.json()["error"]["code"]}]}, send_at
        batch = (await gql(client, key, BATCH_MUTATION, {"input": {"messages": [scheduled, body]}})).json()["data"]
        assert batch["sendEmailBatch"]["results"][1] == {
            "index": 1, "messageId": None, "status": "rejected",
            "userErrors": [{"field": "messages.1.sendAt", "code": "validation_error"}],
        }, send_at
        rest_batch = await client.post("/api/v1/delivery/batch", json={"messages": [scheduled, body]},
                                       headers=key.headers)
        rejected = rest_batch.json()["data"][1]
        assert rejected["status"] == "rejected" and rejected["error"]["code"] == "validation_error"
        assert [(d["field"], d["code"]) for d in rejected["error"]["details"]] == [("messages.1.sendAt", rest_code)]


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


async def test_send_at_bounds_and_bad_fields(client, key):
    cases = [
        ({"sendAt": iso(datetime.now(timezone.utc) + timedelta(days=31))}, "sendAt", "too_late"),
        ({"sendAt": "2026-12-01T10:00:00"}, "sendAt", "invalid_format"),
        ({"headers": {"Bcc": "x@example.com"}}, "headers", "reserved_header"),
        ({"headers": {"X-Ok": "a\r\nBcc: x@example.com"}}, "headers.X-Ok", "header_injection"),
        ({"headers": {"Bad Name": "x"}}, "headers", "invalid_format"),
        ({"attachments": [{"filename": "a.txt", "content": "%%%"}]}, "attachments.0.content", "invalid_format"),
        ({"attachments": [{"filename": "a\r\n.txt", "content": "YQ=="}]}, "attachments.0.filename", "header_injection"),
        ({"cc": ["nope"]}, "cc.0", "invalid_email"),
        ({"to": [f"u{i}@example.com" for i in range(30)], "cc": [f"c{i}@example.com" for i in range(30)]}, "to", "too_many"),
        ({"tags": ["x" * 101]}, "tags.0", "too_long"),
    ]
    for extra, field, code in cases:
        response = await client.post("/api/v1/delivery/send", json={**SEND, **extra}, headers=key.headers)
        assert response.status_code == 422, (extra, response.text)
        details = response.json()["error"]["details"]
        assert (details[0]["field"], details[0]["code"]) == (field, code), (extra, details)
    assert await Message.filter(organization_id=key.organization_id).count() == 0


async def test_attachments_over_10_mib_are_refused(client, key):
    content = base64.b64encode(b"\0" * (10 * 1024 * 1024 + 1)).decode()
    body = {**SEND, "attachments": [{"filename": "big.bin", "content": content}]}
    response = await client.post("/api/v1/delivery/send", json=body, headers=key.headers)
    assert response.status_code == 422
    assert response.json()["error"]["details"][0] == {
        "field": "attachments", "message": "Attachments may total at most 10 MiB.", "code": "too_large"}


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
