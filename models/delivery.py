from tortoise import fields
from tortoise.models import Model

from app.ids import new_id


class Message(Model):
    id = fields.CharField(max_length=40, primary_key=True, default=lambda: new_id("msg"))
    organization = fields.ForeignKeyField(
        "models.Organization", related_name="messages", on_delete=fields.CASCADE
    )
    api_key = fields.ForeignKeyField(
        "models.ApiKey", related_name="messages", null=True, on_delete=fields.SET_NULL
    )
    to = fields.JSONField()  # list of addresses
    from_address = fields.CharField(max_length=400)
    subject = fields.CharField(max_length=998)
    html = fields.TextField(null=True)
    text = fields.TextField(null=True)
    variables = fields.JSONField(default=dict)
    status = fields.CharField(max_length=16, default="queued")
    sandbox = fields.BooleanField(default=False)  # sent with an et_test_ key
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "messages"
        indexes = (("organization", "status"),)
