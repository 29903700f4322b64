from tortoise import fields
from tortoise.models import Model

from app.core.ids import new_id


class Organization(Model):
    id = fields.CharField(max_length=40, primary_key=True, default=lambda: new_id("org"))
    name = fields.CharField(max_length=100, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    # Defaults of messages that do not say (docs/tracking.md): off until the organization opts in.
    track_opens = fields.BooleanField(default=False)
    track_clicks = fields.BooleanField(default=False)

    class Meta:
        table = "organizations"


class ApiKey(Model):
    """An API key. Only the SHA-256 of the secret is stored, plus a short display prefix."""

    id = fields.CharField(max_length=40, primary_key=True, default=lambda: new_id("key"))
    organization = fields.ForeignKeyField(
        "models.Organization", related_name="api_keys", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=100, default="")
    key_hash = fields.CharField(max_length=64, unique=True)
    prefix = fields.CharField(max_length=16, db_index=True)
    mode = fields.CharField(max_length=4, default="live")  # "live" | "test"
    per_minute = fields.IntField()
    per_day = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)
    last_used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_keys"
