from tortoise import fields
from tortoise.models import Model

from app.core.ids import new_id


class Contact(Model):
    id = fields.CharField(max_length=40, primary_key=True, default=lambda: new_id("ct"))
    organization = fields.ForeignKeyField(
        "models.Organization", related_name="contacts", on_delete=fields.CASCADE
    )
    email = fields.CharField(max_length=320)
    # Lower-cased email: uniqueness per organization is case-insensitive.
    email_key = fields.CharField(max_length=320)
    first_name = fields.CharField(max_length=200, null=True)
    last_name = fields.CharField(max_length=200, null=True)
    custom_fields = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    tags: fields.ReverseRelation["ContactTag"]

    class Meta:
        table = "contacts"
        unique_together = (("organization", "email_key"),)
        indexes = (("organization", "id"), ("organization", "created_at"))


class ContactTag(Model):
    """One row per (contact, tag): tags filter the same way on SQLite and PostgreSQL."""

    id = fields.BigIntField(primary_key=True)
    contact = fields.ForeignKeyField("models.Contact", related_name="tags", on_delete=fields.CASCADE)
    organization = fields.ForeignKeyField(
        "models.Organization", related_name="contact_tags", on_delete=fields.CASCADE
    )
    tag = fields.CharField(max_length=100)

    class Meta:
        table = "contact_tags"
        unique_together = (("contact", "tag"),)
        indexes = (("organization", "tag"),)
