from tortoise import fields
from tortoise.models import Model

from app.core.ids import new_id


class Domain(Model):
    """A sending domain of an organization: its DKIM key pair (the private key sealed with
    VIPERATRON_SECRET_KEY) and what the last DNS check found."""

    id = fields.CharField(max_length=40, primary_key=True, default=lambda: new_id("dom"))
    organization = fields.ForeignKeyField("models.Organization", related_name="domains", on_delete=fields.CASCADE)
    name = fields.CharField(max_length=253)  # lower-case, IDNA (ASCII) form
    selector = fields.CharField(max_length=63)
    dkim_public_key = fields.TextField()  # base64 DER SubjectPublicKeyInfo: the p= of the TXT record
    dkim_private_key = fields.TextField()  # sealed PEM (app.core.sealed)
    status = fields.CharField(max_length=16, default="pending")  # pending | verified
    record_status = fields.JSONField(default=dict)  # purpose -> pending | verified | invalid
    created_at = fields.DatetimeField(auto_now_add=True)
    verified_at = fields.DatetimeField(null=True)
    checked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "domains"
        unique_together = (("organization", "name"),)
