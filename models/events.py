from tortoise import fields
from tortoise.models import Model

from app.core.ids import new_id


class Event(Model):
    id = fields.CharField(max_length=40, primary_key=True, default=lambda: new_id("evt"))
    organization = fields.ForeignKeyField(
        "models.Organization", related_name="events", on_delete=fields.CASCADE
    )
    # Null after the contact is erased: the event stays, anonymous, for analytics counts.
    contact = fields.ForeignKeyField(
        "models.Contact", related_name="events", on_delete=fields.SET_NULL, null=True, db_index=True
    )
    # A client-chosen ID: a second event with the same one is accepted but not stored again.
    event_id = fields.CharField(max_length=255, null=True)
    event_type = fields.CharField(max_length=100)
    value = fields.DecimalField(max_digits=20, decimal_places=4, null=True)
    currency = fields.CharField(max_length=3, null=True)
    properties = fields.JSONField(default=dict)
    sandbox = fields.BooleanField(default=False)  # sent with an et_test_ key: starts only sandboxed runs
    occurred_at = fields.DatetimeField()
    received_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "events"
        unique_together = (("organization", "event_id"),)
        indexes = (("organization", "event_type", "occurred_at"), ("organization", "occurred_at"))
