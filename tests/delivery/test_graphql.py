"""Sending over GraphQL: sendEmailBatch as REST's batch twin, the same limits, and sendAt
scheduled and checked like REST (alone or in a batch)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from models import Message
from tests.helpers import SEND, gql, iso


async def test_graphql_batch_twin(client, key):
    mutation = """mutation($input: SendEmailBatchInput!) { sendEmailBatch(input: $input) {
        accepted rejected results { index messageId status userErrors { field code } } userErrors { code } } }"""
    variables = {"input": {"messages": [SEND, {**SEND, "to": ["nope"]}]}}
    payload = (await gql(client, key, mutation, variables)).json()["data"]["sendEmailBatch"]
    assert (payload["accepted"], payload["rejected"]) == (1, 1)
    ok, bad = payload["results"]
    assert ok["status"] == "queued" and ok["userErrors"] == []
    assert bad == {"index": 1, "messageId": None, "status": "rejected",
                   "userErrors": [{"field": "messages.1.to.0", "code": "invalid_email"}]}


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
            "accepted": 0, "rejected": 0, "results": [], "userErrors": [{"field": "messages", "code": error["details"][0]["code"]}]
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
                          "userErrors": [{"field": "sendAt", "code": rest_code}]}, send_at
        batch = (await gql(client, key, BATCH_MUTATION, {"input": {"messages": [scheduled, body]}})).json()["data"]
        assert batch["sendEmailBatch"]["results"][1] == {
            "index": 1, "messageId": None, "status": "rejected",
            "userErrors": [{"field": "messages.1.sendAt", "code": rest_code}],
        }, send_at
        rest_batch = await client.post("/api/v1/delivery/batch", json={"messages": [scheduled, body]},
                                       headers=key.headers)
        rejected = rest_batch.json()["data"][1]
        assert rejected["status"] == "rejected" and rejected["error"]["code"] == "validation_error"
        assert [(d["field"], d["code"]) for d in rejected["error"]["details"]] == [("messages.1.sendAt", rest_code)]
