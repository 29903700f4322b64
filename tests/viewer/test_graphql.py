"""`viewer` over GraphQL: who the calling key is and which organization it belongs to."""

from __future__ import annotations

from tests.helpers import gql


async def test_viewer_reports_the_key_and_organization(client, key):
    response = await gql(client, key, "{ viewer { organization { id name } apiKey { id prefix name } } }")
    viewer = response.json()["data"]["viewer"]
    assert viewer["organization"] == {"id": key.organization_id, "name": key.organization_name}
    assert viewer["apiKey"]["id"] == key.id
    assert key.plaintext.startswith(viewer["apiKey"]["prefix"]) and len(viewer["apiKey"]["prefix"]) == 12
