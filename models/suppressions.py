from tortoise import fields
from tortoise.models import Model

from app.core.ids import new_id


class Suppression(Model):
    """An address the organization never sends to (unsubscribed, bounced, complained, manual)."""

    id = fields.CharField(max_length=40, primary_key=True, default=lambda: new_id("sup"))
    organization = fields.ForeignKeyField("models.Organization", related_name="suppressions", on_delete=fields.CASCADE)
    email = fields.CharField(max_length=320)
    email_key = fields.CharField(max_length=320)
    reason = fields.CharField(max_length=16)
    detail = fields.TextField(default="")  # e.g. the SMTP reply of a bounce
    message_id = fields.CharField(max_length=40, null=True)  # the message that caused it, if any
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "suppressions"
        unique_together = (("organization", "email_key"),)
        indexes = (("organization", "id"),)
