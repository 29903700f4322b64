"""Contact import jobs over REST: parsing, counts and row errors, merge semantics like the
single upsert, NDJSON, multipart, cancel, bad input, Idempotency-Key; rows the parser cannot
read are row errors and the job completes."""

from __future__ import annotations

import json
from datetime import timedelta

from app.engines import imports
from app.engines.imports import claim_job, run_job
from models import Contact, ContactTag, ImportJob
from tests.helpers import CSV, NDJSON, import_and_run, job_of, post_import, run_imports, stored_contacts


def tags_of(contact: Contact) -> list[str]:
    return sorted(t.tag for t in contact.tags)


MIXED = (
    b"\xef\xbb\xbf"  # BOM
    b"email,firstName,last_name,tags,plan,Notes\r\n"
    b'ann@example.com,Ann,Lee,vip;news,pro,"likes, commas"\r\n'  # 1: superseded by row 5
    b"not-an-email,X,,,,\r\n"  # 2: invalid_email
    b",NoEmail,,,,\r\n"  # 3: required
    b'bob@example.com,Bob,,,"multi\nline ""quoted""",\r\n'  # 4: quoted newline
    b"ANN@example.com,Anna,,x,basic,\r\n"  # 5: duplicate of 1, wins
    b"cafe@example.com,Caf\xe9,,,,\r\n"  # 6: not UTF-8 (latin-1 e-acute)
    b"dee@example.com,Dee,,,,n,extra,cells\r\n"  # 7: more cells than columns
    b"\r\n"  # blank: not a row
    b"eve@example.com\r\n"  # 8: fewer cells
)


async def test_csv_counts_row_errors_and_contacts(client, key, settings):
    job = await import_and_run(client, key, settings, MIXED)
    assert job["status"] == "completed", job
    assert {k: job[k] for k in ("total", "processed", "created", "updated", "skipped", "failed", "progress")} == {
        "total": 8, "processed": 8, "created": 4, "updated": 0, "skipped": 1, "failed": 3, "progress": 1.0
    }
    assert [(e["row"], e["field"], e["code"]) for e in job["errors"]] == [
        (2, "email", "invalid_email"), (3, "email", "required"), (6, None, "invalid_encoding")
    ]
    assert job["format"] == "csv" and job["error"] is None and job["finishedAt"] and job["startedAt"]
    stored = await stored_contacts(key)
    assert sorted(stored) == ["ann@example.com", "bob@example.com", "dee@example.com", "eve@example.com"]
    ann = stored["ann@example.com"]
    assert (ann.email, ann.first_name, ann.last_name, ann.custom_fields, tags_of(ann)) == (
        "ANN@example.com", "Anna", None, {"plan": "basic"}, ["x"]
    )
    assert stored["bob@example.com"].custom_fields == {"plan": 'multi\nline "quoted"'}
    assert stored["dee@example.com"].custom_fields == {"Notes": "n"}
    assert stored["eve@example.com"].custom_fields == {} and stored["eve@example.com"].first_name is None

    # The same file again: every contact updated, nothing duplicated.
    again = await import_and_run(client, key, settings, MIXED)
    assert (again["created"], again["updated"], again["skipped"], again["failed"]) == (0, 4, 1, 3)
    assert len(await stored_contacts(key)) == 4
    assert await ContactTag.filter(organization_id=key.organization_id).count() == 1
    # Only create: existing contacts are skipped and left alone.
    only_new = await import_and_run(
        client, key, settings, b"email,firstName\nann@example.com,Changed\nnew@example.com,New\n",
        updateExisting="false", tags=["imported", "q4"],
    )
    assert (only_new["created"], only_new["updated"], only_new["skipped"]) == (1, 0, 1)
    stored = await stored_contacts(key)
    assert stored["ann@example.com"].first_name == "Anna" and tags_of(stored["ann@example.com"]) == ["x"]
    assert tags_of(stored["new@example.com"]) == ["imported", "q4"]


async def test_import_merges_exactly_like_the_single_upsert(client, make_key, settings):
    via_api, via_import = await make_key(), await make_key()
    steps = [
        {"email": "Jane@Example.com", "firstName": "Jane", "tags": ["a", "b"], "customFields": {"plan": "pro", "seats": "3"}},
        {"email": "jane@example.com", "lastName": "Doe", "tags": ["b", "c"], "customFields": {"plan": "team"}},
        {"email": "JANE@EXAMPLE.COM", "firstName": "Janet"},
        {"email": "jane@example.com", "customFields": {"gone": "x", "old": 1}},
        {"email": "jane@example.com", "customFields": {"gone": None, "old": 2}},
    ]
    for step in steps:
        response = await client.post("/api/v1/contacts", json=step, headers=via_api.headers)
        assert response.status_code in (200, 201), response.text
        line = json.dumps(step).encode() + b"\n"
        job = await import_and_run(client, via_import, settings, line, NDJSON)
        assert job["status"] == "completed" and job["failed"] == 0, job
    api_view = (await client.get(f"/api/v1/contacts/{(await Contact.get(organization_id=via_api.organization_id)).id}", headers=via_api.headers)).json()
    imported = await Contact.get(organization_id=via_import.organization_id)
    import_view = (await client.get(f"/api/v1/contacts/{imported.id}", headers=via_import.headers)).json()
    for field in ("email", "firstName", "lastName", "tags", "customFields"):
        assert api_view[field] == import_view[field], field
    assert import_view["email"] == "Jane@example.com" and import_view["tags"] == ["a", "b", "c"]
    assert import_view["customFields"] == {"plan": "team", "seats": "3", "old": 2}


async def test_ndjson_rows_and_null_removes_a_custom_field(client, key, settings):
    body = b"\n".join([
        json.dumps({"email": "n1@example.com", "first_name": "N", "tags": ["t1"], "customFields": {"a": 1, "b": {"c": True}}}).encode(),
        b"{not json",
        json.dumps(["a list"]).encode(),
        json.dumps({"email": 42}).encode(),
        b"",
        json.dumps({"email": "n2@example.com", "lastName": "Two", "plan": "pro", "tags": "x;y"}).encode(),
    ]) + b"\n"
    job = await import_and_run(client, key, settings, body, NDJSON)
    assert (job["total"], job["created"], job["failed"]) == (5, 2, 3), job
    assert [(e["row"], e["code"]) for e in job["errors"]] == [(2, "invalid_json"), (3, "invalid_type"), (4, "invalid_type")]
    removal = json.dumps({"email": "N1@example.com", "customFields": {"a": None, "d": "new"}}).encode()
    job = await import_and_run(client, key, settings, removal, {"Content-Type": "application/x-ndjson; charset=utf-8"})
    assert job["updated"] == 1
    stored = await stored_contacts(key)
    assert stored["n1@example.com"].custom_fields == {"b": {"c": True}, "d": "new"}
    assert stored["n1@example.com"].first_name == "N" and tags_of(stored["n1@example.com"]) == ["t1"]
    assert stored["n2@example.com"].custom_fields == {"plan": "pro"} and tags_of(stored["n2@example.com"]) == ["x", "y"]


async def test_multipart_upload(client, key, settings):
    files = {"file": ("people.csv", b"email,firstName\nmp@example.com,Multi\n", "text/csv")}
    response = await client.post(
        "/api/v1/contacts/import", files=files, data={"other": "ignored"}, headers=key.headers, params={"tags": "a,b"}
    )
    assert response.status_code == 202, response.text
    await run_imports(settings)
    job = await job_of(client, key, response.json()["importId"])
    assert (job["status"], job["filename"], job["created"]) == ("completed", "people.csv", 1)
    contact = (await stored_contacts(key))["mp@example.com"]
    assert contact.first_name == "Multi" and tags_of(contact) == ["a", "b"]
    ndjson = {"file": ("people.ndjson", b'{"email": "mp2@example.com"}\n', "application/octet-stream")}
    response = await client.post("/api/v1/contacts/import", files=ndjson, headers=key.headers)
    await run_imports(settings)
    assert (await job_of(client, key, response.json()["importId"]))["format"] == "ndjson"
    missing = await client.post("/api/v1/contacts/import", files={"other": ("x.csv", b"email\n")}, headers=key.headers)
    assert missing.status_code == 422 and missing.json()["error"]["details"][0]["field"] == "file"


async def test_cancel(client, key, settings):
    body = ("email\n" + "".join(f"c{i}@example.com\n" for i in range(10))).encode()
    pending = (await post_import(client, key, body)).json()["importId"]
    canceled = await client.post(f"/api/v1/contacts/import/{pending}/cancel", headers=key.headers)
    assert canceled.status_code == 200 and canceled.json()["status"] == "canceled"
    again = await client.post(f"/api/v1/contacts/import/{pending}/cancel", headers=key.headers)
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    await run_imports(settings)
    assert await Contact.filter(organization_id=key.organization_id).count() == 0
    # A running job stops at the next batch boundary.
    running = (await post_import(client, key, body)).json()["importId"]
    claim = await claim_job(running, 60)
    assert await run_job(claim, 60, batch_rows=4, max_batches=1) == "paused"
    await ImportJob.filter(id=running).update(due_at=imports.now() + timedelta(seconds=60))  # still leased
    assert (await client.post(f"/api/v1/contacts/import/{running}/cancel", headers=key.headers)).status_code == 200
    assert await run_job(claim, 60, batch_rows=4) == "canceled"
    job = await job_of(client, key, running)
    assert (job["status"], job["processed"], job["created"]) == ("canceled", 4, 4)
    assert await Contact.filter(organization_id=key.organization_id).count() == 4
    done = await import_and_run(client, key, settings, b"email\nz@example.com\n")
    late = await client.post(f"/api/v1/contacts/import/{done['id']}/cancel", headers=key.headers)
    assert late.status_code == 409 and "`completed`" in late.json()["error"]["message"]


async def test_bad_input(client, make_key, settings):
    key, other = await make_key(), await make_key()
    job = await import_and_run(client, key, settings, b"mail,name\na@example.com,A\n")
    assert job["status"] == "failed" and "no `email` column" in job["error"]
    empty = await post_import(client, key, b"")
    assert empty.status_code == 422 and empty.json()["error"]["details"][0]["code"] == "required"
    wrong = await post_import(client, key, b"email\na@example.com\n", {"Content-Type": "application/json"})
    assert wrong.status_code == 422 and wrong.json()["error"]["details"][0]["field"] == "Content-Type"
    bad_tag = await post_import(client, key, b"email\na@example.com\n", tags="x" * 101)
    assert bad_tag.status_code == 422
    assert await ImportJob.filter(organization_id=key.organization_id).count() == 1
    # Another organization's job does not exist for you.
    assert (await client.get(f"/api/v1/contacts/import/{job['id']}", headers=other.headers)).status_code == 404
    assert (await client.post(f"/api/v1/contacts/import/{job['id']}/cancel", headers=other.headers)).status_code == 404
    assert (await client.get("/api/v1/contacts/import/imp_nope", headers=key.headers)).status_code == 404


async def test_idempotency_key_replays_and_keeps_one_job(client, key):
    headers = {**CSV, "Idempotency-Key": "imp-1"}
    first = await post_import(client, key, b"email\na@example.com\n", headers)
    second = await post_import(client, key, b"email\na@example.com\n", headers)
    assert first.status_code == second.status_code == 202 and first.json() == second.json()
    other = await post_import(client, key, b"email\nb@example.com\n", headers)
    assert other.status_code == 409
    assert await ImportJob.filter(organization_id=key.organization_id).count() == 1


async def test_unparseable_ndjson_rows_are_row_errors_and_the_job_completes(client, key, settings):
    deep = b'{"email": "deep@example.com", "x": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    body = b"\n".join([
        json.dumps({"email": "ok1@example.com"}).encode(),
        b'{"email": "nan@example.com", "score": NaN}',
        deep,
        b'{"email": "inf@example.com", "customFields": {"score": -Infinity}}',
        b'{"email": "big@example.com", "score": 1e400}',
        b'{"email": "depth33@example.com", "x": ' + b"[" * 32 + b"]" * 32 + b"}",
        b'{"email": "depth32@example.com", "x": ' + b"[" * 31 + b"]" * 31 + b"}",
        json.dumps({"email": "ok2@example.com", "score": 1.5}).encode(),
    ]) + b"\n"
    job = await import_and_run(client, key, settings, body, NDJSON)
    assert job["status"] == "completed", job
    assert (job["total"], job["created"], job["failed"]) == (8, 3, 5), job
    assert [(e["row"], e["code"]) for e in job["errors"]] == [
        (2, "invalid_json"), (3, "invalid_json"), (4, "invalid_json"), (5, "invalid_json"), (6, "invalid_json")
    ]
    assert "NaN" in job["errors"][0]["message"] and "32 levels" in job["errors"][1]["message"]
    stored = await stored_contacts(key)
    assert sorted(stored) == ["depth32@example.com", "ok1@example.com", "ok2@example.com"]
    assert stored["ok2@example.com"].custom_fields == {"score": 1.5}


async def test_a_csv_cell_over_the_field_limit_is_a_row_error_and_the_job_completes(client, key, settings):
    body = (
        b"email,firstName,notes\r\n"
        b"ok1@example.com,One,short\r\n"
        b"huge@example.com,Huge," + b"x" * 200_000 + b"\r\n"
        b'quoted@example.com,Quoted,"' + b"y" * 200_000 + b'"\r\n'
        b'lines@example.com,Lines,"' + b"z" * 200_000 + b'\r\nnot-a-row@example.com,""Quoted"",\r\n,"\r\n'
        b"ok2@example.com,Two,\r\n"
    )
    job = await import_and_run(client, key, settings, body)
    assert job["status"] == "completed", job
    assert (job["total"], job["created"], job["failed"]) == (5, 2, 3), job
    assert [(e["row"], e["code"]) for e in job["errors"]] == [(2, "too_long"), (3, "too_long"), (4, "too_long")]
    assert "131,072 characters" in job["errors"][0]["message"]
    assert sorted(await stored_contacts(key)) == ["ok1@example.com", "ok2@example.com"]
