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


class EventRollup(Model):
    """Events counted and summed per organization, time slot, event type and currency, kept at
    ingestion in the same transaction as the events (the events stay the source of truth:
    `viperatron analytics rebuild` recomputes these rows from them). Two spans: 15-minute slots
    (every UTC offset in use is a multiple of 15 minutes, so any zone's hours, days and weeks are
    made of whole slots) and UTC days (so a long window reads a day per row, with slots only
    around the zone's day boundaries). On PostgreSQL a key's figures may be split over shards
    (rows 0-15, summed by the readers): concurrent ingests of one organization add to different
    rows instead of each waiting for the previous one's commit on the same slot and day rows; a
    quiet organization and a rebuild write shard 0 only (schema/events/rollups.py)."""

    id = fields.BigIntField(primary_key=True)
    organization = fields.ForeignKeyField(
        "models.Organization", related_name="event_rollups", on_delete=fields.CASCADE, db_index=False
    )
    span = fields.SmallIntField()  # minutes: 15 (a slot) or 1440 (a UTC day)
    bucket = fields.DatetimeField()  # the slot's or day's UTC start
    event_type = fields.CharField(max_length=100)
    currency = fields.CharField(max_length=3, default="")  # "" for events without one
    events = fields.BigIntField(default=0)  # events
    valued = fields.BigIntField(default=0)  # of them, with a value
    total = fields.DecimalField(max_digits=38, decimal_places=4, default=0)  # their values' exact sum
    # Which of a key's rows (0-15, PostgreSQL): concurrent ingests add to different ones.
    shard = fields.SmallIntField(default=0)

    class Meta:
        table = "event_rollups"
        unique_together = (("organization", "span", "bucket", "event_type", "currency", "shard"),)
