"""Contact import jobs and their uploaded files."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from app.core.ids import new_id


class ImportStatus(StrEnum):
    """The statuses a caller sees (a job is `uploading`, invisible, until its file is stored).
    Member names are the wire values, so GraphQL shows the same strings as REST."""

    pending = "pending"
    running = "running"
    completed = "completed"
    failed = "failed"
    canceled = "canceled"


class ImportFormat(StrEnum):
    """The file formats an import reads (GraphQL's `ImportFormat` names them CSV and NDJSON, as published)."""

    CSV = "csv"
    NDJSON = "ndjson"


class ImportJob(Model):
    """A CSV or NDJSON upload being upserted into contacts by a worker.

    Like messages, a job is claimed with a lease (`due_at`); `next_row` is how far it got,
    so a job whose worker died resumes there (rows are upserts: redoing a batch is harmless)."""

    id = fields.CharField(max_length=40, primary_key=True, default=lambda: new_id("imp"))
    organization = fields.ForeignKeyField("models.Organization", related_name="imports", on_delete=fields.CASCADE)
    status = fields.CharField(max_length=16, default="pending")  # `uploading`, then an ImportStatus
    format = fields.CharField(max_length=8)  # an ImportFormat
    filename = fields.CharField(max_length=255, default="")
    size_bytes = fields.BigIntField(default=0)
    options = fields.JSONField(default=dict)  # {"tags": [...], "updateExisting": bool}
    total = fields.IntField(null=True)  # data rows in the file, once counted
    processed = fields.IntField(default=0)
    created = fields.IntField(default=0)
    updated = fields.IntField(default=0)
    skipped = fields.IntField(default=0)
    failed = fields.IntField(default=0)
    errors = fields.JSONField(default=list)  # the first 1,000 row errors
    error = fields.TextField(null=True)  # why the whole job failed, if it did
    next_row = fields.IntField(default=0)  # data rows done (resume point)
    due_at = fields.DatetimeField()
    attempts = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    started_at = fields.DatetimeField(null=True)
    finished_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "import_jobs"
        indexes = (("organization", "id"), ("status", "due_at"))


class ImportChunk(Model):
    """The uploaded file, in pieces of at most 1 MiB (stored in the database so that any
    worker process can read it)."""

    id = fields.BigIntField(primary_key=True)
    job = fields.ForeignKeyField("models.ImportJob", related_name="chunks", on_delete=fields.CASCADE)
    seq = fields.IntField()
    data = fields.BinaryField()

    class Meta:
        table = "import_chunks"
        unique_together = (("job", "seq"),)
