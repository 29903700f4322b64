"""Contact import jobs over GraphQL: importContacts, importJob and cancelImport."""

from __future__ import annotations

from tests.helpers import gql, run_imports


async def test_graphql_twins(client, make_key, settings):
    key, other = await make_key(), await make_key()
    mutation = """mutation($input: ImportContactsInput!) { importContacts(input: $input) {
        importId status userErrors { field message code } } }"""
    variables = {"input": {"content": "email,firstName\ngq@example.com,G\nbad,B\n", "format": "CSV", "tags": ["gql"]}}
    payload = (await gql(client, key, mutation, variables)).json()["data"]["importContacts"]
    assert payload["status"] == "pending" and payload["userErrors"] == []
    await run_imports(settings)
    query = """query($id: ID!) { importJob(id: $id) { id status total created failed progress
        errors { row field code message } } }"""
    job = (await gql(client, key, query, {"id": payload["importId"]})).json()["data"]["importJob"]
    assert (job["status"], job["total"], job["created"], job["failed"], job["progress"]) == ("completed", 2, 1, 1, 1.0)
    assert job["errors"][0]["row"] == 2 and job["errors"][0]["code"] == "invalid_email"
    assert (await gql(client, other, query, {"id": payload["importId"]})).json()["data"]["importJob"] is None
    empty = (await gql(client, key, mutation, {"input": {"content": "", "format": "NDJSON"}})).json()["data"]
    assert empty["importContacts"]["userErrors"][0] == {"field": "content", "message": "The file is empty.", "code": "required"}
    cancel = """mutation($id: ID!) { cancelImport(input: {id: $id}) { job { status } userErrors { code } } }"""
    done = (await gql(client, key, cancel, {"id": payload["importId"]})).json()["data"]["cancelImport"]
    assert done == {"job": None, "userErrors": [{"code": "conflict"}]}
    pending = (await gql(client, key, mutation, {"input": {"content": '{"email": "x@example.com"}', "format": "NDJSON"}})).json()
    pending_id = pending["data"]["importContacts"]["importId"]
    assert (await gql(client, other, cancel, {"id": pending_id})).json()["data"]["cancelImport"]["userErrors"] == [{"code": "not_found"}]
    assert (await gql(client, key, cancel, {"id": pending_id})).json()["data"]["cancelImport"]["job"] == {"status": "canceled"}
