"""The idempotency resolvers called directly: purging expired keys."""

from __future__ import annotations

from models import IdempotencyRecord
from schema.idempotency.resolvers import purge_expired
from tests.helpers import SEND, expire_idempotency_key, idempotent_headers


async def test_purge_expired_removes_expired_records_only(client, make_key):
    key, other = await make_key(), await make_key()
    for k, idempotency_key in ((key, "p-old"), (key, "p-new"), (other, "p-old")):
        response = await client.post("/api/v1/delivery/send", json=SEND, headers=idempotent_headers(k, idempotency_key))
        assert response.status_code == 202
    kept = (await client.post("/api/v1/delivery/send", json=SEND, headers=idempotent_headers(key, "p-new"))).json()
    await expire_idempotency_key(key, "p-old")
    assert await purge_expired() >= 1  # (and any other expired records in the database)
    assert await IdempotencyRecord.filter(organization_id=key.organization_id).values_list("key", flat=True) == ["p-new"]
    assert await IdempotencyRecord.filter(organization_id=other.organization_id).count() == 1
    again = await client.post("/api/v1/delivery/send", json=SEND, headers=idempotent_headers(key, "p-new"))
    assert again.json() == kept  # a live key still replays
