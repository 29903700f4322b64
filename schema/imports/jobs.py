"""The import job store: what the resolvers do to jobs (store an upload, queue it, discard
it, cancel it) and the limits they check. Running a job (parsing the file, upserting its
rows, resumably) is the runner's, `app/engines/imports.py`, which imports these from here.

An upload is streamed into `import_chunks` (≤ 1 MiB each) of a job in the internal state
`uploading` (not claimable, invisible to the API); when the upload is complete the job
becomes `pending`, claimable by a runner.
"""

from __future__ import annotations

import asyncio
import hashlib
from datetime import timedelta
from typing import AsyncIterator

from app.core.clock import now
from models import ImportChunk, ImportJob
from models.imports import ImportFormat, ImportStatus

MAX_BYTES = 100 * 1024 * 1024
CHUNK_BYTES = 1024 * 1024

FORMATS = tuple(f.value for f in ImportFormat)
VISIBLE = tuple(s.value for s in ImportStatus)
CANCELABLE = ("pending", "running")
STALE_UPLOAD = timedelta(hours=1)  # an `uploading` job this old was abandoned mid-upload


async def store_upload(
    organization_id: str, fmt: str, filename: str, options: dict, source: AsyncIterator[bytes]
) -> tuple[ImportJob | None, str, int]:
    """Stream `source` into the chunks of a new `uploading` job. Returns (job, sha256, size);
    job is None when the upload is empty. Raises ValueError("too_large") past MAX_BYTES."""
    sha = hashlib.sha256()
    size = 0
    buffer = bytearray()
    job: ImportJob | None = None
    seq = 0
    try:
        async for piece in source:
            if not piece:
                continue
            size += len(piece)
            if size > MAX_BYTES:
                raise ValueError("too_large")
            sha.update(piece)
            buffer += piece
            if job is None:
                job = await ImportJob.create(
                    organization_id=organization_id, status="uploading", format=fmt,
                    filename=filename[:255], options=options, due_at=now(),
                )
            while len(buffer) >= CHUNK_BYTES:
                await ImportChunk.create(job_id=job.id, seq=seq, data=bytes(buffer[:CHUNK_BYTES]))
                del buffer[:CHUNK_BYTES]
                seq += 1
        if job is not None:
            if buffer:
                await ImportChunk.create(job_id=job.id, seq=seq, data=bytes(buffer))
            await ImportJob.filter(id=job.id).update(size_bytes=size)
            job.size_bytes = size
    except BaseException:
        if job is not None:
            await asyncio.shield(discard(job.id))
        raise
    return job, sha.hexdigest(), size


async def discard(job_id: str) -> None:
    await ImportJob.filter(id=job_id).delete()


async def drop_file(job_id: str) -> None:
    """The uploaded file of a job that has ended: no longer needed."""
    await ImportChunk.filter(job_id=job_id).delete()


async def purge_stale_uploads() -> None:
    """Delete the jobs of uploads abandoned more than STALE_UPLOAD ago (their chunks go with them)."""
    await ImportJob.filter(status="uploading", created_at__lt=now() - STALE_UPLOAD).delete()


async def make_pending(job_id: str) -> None:
    await ImportJob.filter(id=job_id, status="uploading").update(status="pending", due_at=now())


async def cancel(organization_id: str, job_id: str) -> tuple[ImportJob | None, bool]:
    """pending/running → canceled; returns the job (None: not found) and whether it changed.
    A running job's runner finds its claim fenced at its next batch and stops there."""
    at = now()
    changed = await ImportJob.filter(id=job_id, organization_id=organization_id, status__in=CANCELABLE).update(
        status="canceled", finished_at=at, due_at=at, updated_at=at
    )
    if changed:
        await drop_file(job_id)
    job = await ImportJob.filter(id=job_id, organization_id=organization_id, status__in=VISIBLE).first()
    return job, bool(changed)
