"""The import engine (app/engines/imports.py) called directly: a leased job survives a dead
worker, and the fast e-mail path agrees with email-validator."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.validation import normalize_email
from app.engines import imports
from app.engines.imports import claim_job, fast_normalize_email, run_job
from models import Contact, ImportJob
from tests.helpers import job_of, post_import, stored_contacts


async def test_a_job_survives_a_dead_worker(client, key, settings):
    lines = [f"user{i}@example.com,U{i}" for i in range(7)] + ["user0@example.com,Last"]
    body = ("email,firstName\n" + "\n".join(lines) + "\n").encode()
    response = await post_import(client, key, body)
    import_id = response.json()["importId"]
    first = await claim_job(import_id, lease_seconds=60)
    assert await run_job(first, 60, batch_rows=3, max_batches=1) == "paused"
    job = await ImportJob.get(id=import_id)
    assert (job.status, job.next_row, job.processed) == ("running", 3, 3)
    assert await Contact.filter(organization_id=key.organization_id).count() == 2  # user0 comes last
    # The worker dies here: its lease expires, so a second one claims the job.
    await ImportJob.filter(id=import_id).update(due_at=imports.now() - timedelta(seconds=1))
    second = await claim_job(import_id, lease_seconds=60)
    assert second is not None and second.attempt == first.attempt + 1
    # The dead worker's claim is fenced: it can write nothing any more.
    assert await run_job(first, 60, batch_rows=3) == "lost"
    assert await run_job(second, 60, batch_rows=3) == "completed"
    job = await job_of(client, key, import_id)
    assert (job["total"], job["processed"], job["created"], job["updated"], job["skipped"]) == (8, 8, 7, 0, 1)
    stored = await stored_contacts(key)
    assert len(stored) == 7 and stored["user0@example.com"].first_name == "Last"


@pytest.mark.parametrize(
    "address",
    ["a@example.com", "First.Last+tag@Sub.Example.CO.uk", "x@localhost", "x@foo.test", "a..b@example.com",
     "a@-bad.com", "a@b.c", "a@xn--bcher-kva.example", "a@123.45", "o'brien@example.org", "é@example.com",
     "user@EXAMPLE.ONION", "a" * 65 + "@example.com", "a@" + "b" * 64 + ".com", '"quoted"@example.com',
     "a@b_c.com", "a@example.com.", " a@example.com"],
)
def test_fast_email_path_agrees_with_email_validator(address):
    try:
        expected = normalize_email(address)
    except Exception as exc:
        expected = type(exc)
    try:
        got = fast_normalize_email(address)
    except Exception as exc:
        got = type(exc)
    assert got == expected
