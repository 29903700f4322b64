from tortoise import fields
from tortoise.models import Model


class IdempotencyRecord(Model):
    """The stored outcome of a POST made with an `Idempotency-Key` (kept 24 hours).

    The row is inserted in the same transaction as the work it guards, so a concurrent
    request with the same key waits on the unique index and then replays the result."""

    id = fields.BigIntField(primary_key=True)
    organization = fields.ForeignKeyField("models.Organization", related_name=False, on_delete=fields.CASCADE)
    key = fields.CharField(max_length=255)
    operation = fields.CharField(max_length=64)
    fingerprint = fields.CharField(max_length=64)  # SHA-256 of operation + canonical request
    status_code = fields.IntField(default=200)
    response = fields.JSONField(null=True)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "idempotency_records"
        unique_together = (("organization", "key"),)
