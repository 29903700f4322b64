"""Messages, their recipients, tags, attachments and status timeline."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from app.core.ids import new_id


class MessageStatus(StrEnum):
    """Every status a message can have, in the order of its life (also its timeline's entries).
    Member names are the wire values, so GraphQL shows the same strings as REST."""

    queued = "queued"
    sending = "sending"
    sent = "sent"
    deferred = "deferred"
    failed = "failed"
    suppressed = "suppressed"
    canceled = "canceled"
    # After `sent`: a report came back to the message's return path (app/engines/inbound.py).
    bounced = "bounced"  # a recipient's server gave up on it for good (a DSN with Action: failed)
    complained = "complained"  # a recipient reported it as spam (an ARF complaint)


MESSAGE_STATUSES = tuple(s.value for s in MessageStatus)
# Still waiting to be sent: a cancel (or an erasure) may stop these.
CANCELABLE_STATUSES = ("queued", "deferred")


class Message(Model):
    """One email. `due_at` is when the worker may next claim it: the send time while
    queued or deferred, and the lease expiry while `sending` (a killed worker's claim
    becomes claimable again when it passes)."""

    id = fields.CharField(max_length=40, primary_key=True, default=lambda: new_id("msg"))
    organization = fields.ForeignKeyField(
        "models.Organization", related_name="messages", on_delete=fields.CASCADE
    )
    api_key = fields.ForeignKeyField(
        "models.ApiKey", related_name="messages", null=True, on_delete=fields.SET_NULL
    )
    to = fields.JSONField()  # list of bare addresses (names: recipient_names)
    cc = fields.JSONField(default=list)
    bcc = fields.JSONField(default=list)
    reply_to = fields.JSONField(default=list)
    # The names given with recipients: {"to"|"cc"|"bcc"|"replyTo": [name or null, … one per
    # address, in order]}; a field none of whose recipients has a name is absent.
    recipient_names = fields.JSONField(default=dict)
    from_address = fields.CharField(max_length=400)
    subject = fields.CharField(max_length=998)
    html = fields.TextField(null=True)
    text = fields.TextField(null=True)
    headers = fields.JSONField(default=dict)
    tags = fields.JSONField(default=list)
    metadata = fields.JSONField(default=dict)
    variables = fields.JSONField(default=dict)
    attachment_count = fields.IntField(default=0)
    status = fields.CharField(max_length=16, default="queued")  # one of MESSAGE_STATUSES
    sandbox = fields.BooleanField(default=False)  # sent with an et_test_ key
    send_at = fields.DatetimeField(null=True)
    due_at = fields.DatetimeField()
    attempts = fields.IntField(default=0)
    last_reply = fields.TextField(null=True)  # the last SMTP reply (or connection error)
    sent_at = fields.DatetimeField(null=True)
    # One-click unsubscribe (RFC 8058): the worker writes List-Unsubscribe and List-Unsubscribe-Post.
    unsubscribe = fields.BooleanField(default=False)
    # Tracking asked for by the send (None: the organization's default, decided at delivery).
    track_opens = fields.BooleanField(null=True)
    track_clicks = fields.BooleanField(null=True)
    opens = fields.IntField(default=0)
    clicks = fields.IntField(default=0)
    first_opened_at = fields.DatetimeField(null=True)
    first_clicked_at = fields.DatetimeField(null=True)
    dkim_signature = fields.TextField(null=True)  # the DKIM-Signature header of a deferred attempt, for retries
    # Set on messages sent by an automation's sendEmail step: revenue is attributed through them.
    automation = fields.ForeignKeyField(
        "models.Automation", related_name="messages", null=True, on_delete=fields.SET_NULL
    )
    contact = fields.ForeignKeyField("models.Contact", related_name="messages", null=True, on_delete=fields.SET_NULL)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "messages"
        # Claims read idx_messages_claimable (partial, on due_at) and windows by organization and
        # creation time idx_messages_window on PostgreSQL (migrations 1 and 17): no plain
        # (status, due_at) or (organization, created_at) index there, whose upkeep every send and
        # every status change paid (SQLite keeps the latter: migration 19).
        indexes = (("organization", "status"), ("contact", "sent_at"))


class MessageRecipient(Model):
    """One row per to/cc/bcc address, so messages can be filtered (and erased) by address."""

    id = fields.BigIntField(primary_key=True)
    message = fields.ForeignKeyField("models.Message", related_name="recipients", on_delete=fields.CASCADE)
    organization = fields.ForeignKeyField("models.Organization", related_name=False, on_delete=fields.CASCADE)
    kind = fields.CharField(max_length=3)  # to | cc | bcc
    email_key = fields.CharField(max_length=320)

    class Meta:
        table = "message_recipients"
        indexes = (("organization", "email_key"),)


class MessageTag(Model):
    id = fields.BigIntField(primary_key=True)
    message = fields.ForeignKeyField("models.Message", related_name="tag_rows", on_delete=fields.CASCADE)
    organization = fields.ForeignKeyField("models.Organization", related_name=False, on_delete=fields.CASCADE)
    tag = fields.CharField(max_length=100)

    class Meta:
        table = "message_tags"
        indexes = (("organization", "tag"),)


class MessageAttachment(Model):
    id = fields.BigIntField(primary_key=True)
    message = fields.ForeignKeyField("models.Message", related_name="attachments", on_delete=fields.CASCADE)
    filename = fields.CharField(max_length=255)
    content_type = fields.CharField(max_length=255)
    size = fields.IntField()
    content = fields.BinaryField()

    class Meta:
        table = "message_attachments"


class MessageEvent(Model):
    """One status transition of a message: the timeline `GET /messages/{id}` returns."""

    id = fields.BigIntField(primary_key=True)
    message = fields.ForeignKeyField("models.Message", related_name="events", on_delete=fields.CASCADE)
    status = fields.CharField(max_length=16)
    detail = fields.TextField(default="")
    at = fields.DatetimeField()

    class Meta:
        table = "message_events"
        indexes = (("message", "id"),)
