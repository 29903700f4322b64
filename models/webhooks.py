from tortoise import fields
from tortoise.models import Model

from app.core.ids import new_id


class WebhookEndpoint(Model):
    """An integrator's URL and the event types it receives (docs/webhooks.md)."""

    id = fields.CharField(max_length=40, primary_key=True, default=lambda: new_id("whe"))
    organization = fields.ForeignKeyField("models.Organization", related_name="webhook_endpoints",
                                          on_delete=fields.CASCADE)
    url = fields.CharField(max_length=2048)
    description = fields.CharField(max_length=200, default="")
    events = fields.JSONField(default=list)  # event types, e.g. ["message.sent", "message.bounced"]
    secret = fields.CharField(max_length=64)
    enabled = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "webhook_endpoints"
        indexes = (("organization", "created_at"),)


class WebhookDelivery(Model):
    """One event to one endpoint: queued, claimed and retried like a message (app/engines/leases.py)."""

    id = fields.CharField(max_length=40, primary_key=True, default=lambda: new_id("whd"))
    organization = fields.ForeignKeyField("models.Organization", related_name="webhook_deliveries",
                                          on_delete=fields.CASCADE)
    endpoint = fields.ForeignKeyField("models.WebhookEndpoint", related_name="deliveries", on_delete=fields.CASCADE)
    event_id = fields.CharField(max_length=40)  # the same for every endpoint the event went to
    event_type = fields.CharField(max_length=40)
    payload = fields.JSONField()
    status = fields.CharField(max_length=16, default="pending")  # pending | sending | delivered | failed
    due_at = fields.DatetimeField()
    attempts = fields.IntField(default=0)
    last_detail = fields.TextField(default="")
    created_at = fields.DatetimeField()
    delivered_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "webhook_deliveries"
        indexes = (("status", "due_at"), ("endpoint", "created_at"))
