from tortoise import fields
from tortoise.models import Model


class MessageEngagement(Model):
    """One open (the tracking pixel was fetched) or click (a tracked link was followed) of a
    message, with who fetched it as far as the User-Agent tells (`human`, `proxy`, `machine`)."""

    id = fields.BigIntField(primary_key=True)
    organization = fields.ForeignKeyField("models.Organization", related_name="engagements", on_delete=fields.CASCADE)
    message = fields.ForeignKeyField("models.Message", related_name="engagements", on_delete=fields.CASCADE)
    kind = fields.CharField(max_length=8)  # opened | clicked
    url = fields.TextField(null=True)  # the link, for clicks
    agent_class = fields.CharField(max_length=8)  # human | proxy | machine
    agent = fields.CharField(max_length=200, default="")  # the User-Agent, cut short
    at = fields.DatetimeField()

    class Meta:
        table = "message_engagements"
        indexes = (("message", "id"), ("organization", "kind", "at"))
