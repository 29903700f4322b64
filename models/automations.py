"""Automations: a trigger (event type + conditions) and ordered steps; runs and their step logs."""

import secrets
from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from app.core.ids import new_id


def new_webhook_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class RunStatus(StrEnum):
    """An automation run's status. Member names are the wire values (GraphQL shows them as REST does)."""

    pending = "pending"
    running = "running"
    waiting = "waiting"  # a wait step, or a webhook retry
    completed = "completed"
    failed = "failed"


class StepLogStatus(StrEnum):
    """How one step of a run went, as its log entry says."""

    completed = "completed"
    retrying = "retrying"  # a failed webhook try that will be retried
    failed = "failed"


class Automation(Model):
    id = fields.CharField(max_length=40, primary_key=True, default=lambda: new_id("auto"))
    organization = fields.ForeignKeyField(
        "models.Organization", related_name="automations", on_delete=fields.CASCADE
    )
    # The key that created it: an et_test_ key makes its emails sandboxed, like its sends.
    api_key = fields.ForeignKeyField(
        "models.ApiKey", related_name="automations", on_delete=fields.SET_NULL, null=True
    )
    sandbox = fields.BooleanField(default=False)
    name = fields.CharField(max_length=200)
    enabled = fields.BooleanField(default=True)
    # {"eventType": "...", "conditions": [{"field", "op", "value"}]}
    trigger = fields.JSONField(default=dict)
    event_type = fields.CharField(max_length=100)  # trigger.eventType, indexed for ingestion
    steps = fields.JSONField(default=list)
    # Signs this automation's webhook deliveries (HMAC-SHA256); shown to its organization.
    webhook_secret = fields.CharField(max_length=64, default=new_webhook_secret)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "automations"
        indexes = (("organization", "id"), ("organization", "enabled", "event_type"))


class AutomationRun(Model):
    """One execution of an automation for one event. Claimed with a lease like messages:
    `due_at` is when it is next runnable (lease expiry while running, wake-up while waiting)."""

    id = fields.CharField(max_length=40, primary_key=True, default=lambda: new_id("run"))
    automation = fields.ForeignKeyField("models.Automation", related_name="runs", on_delete=fields.CASCADE)
    organization = fields.ForeignKeyField(
        "models.Organization", related_name="automation_runs", on_delete=fields.CASCADE
    )
    event = fields.ForeignKeyField(
        "models.Event", related_name="automation_runs", on_delete=fields.CASCADE, null=True
    )
    contact = fields.ForeignKeyField(
        "models.Contact", related_name="automation_runs", on_delete=fields.SET_NULL, null=True, db_index=True
    )
    status = fields.CharField(max_length=16, default="pending")  # a RunStatus
    current_step = fields.IntField(default=0)
    due_at = fields.DatetimeField()
    attempts = fields.IntField(default=0)
    # Failed tries of the current step (webhooks retry with back-off); 0 when a step starts.
    step_attempts = fields.IntField(default=0)
    error = fields.TextField(null=True)
    # Test mode: started by an et_test_ key's event or a sandbox automation. Its emails are
    # sandboxed (never handed to a transport) and its webhook calls say `"sandbox": true`.
    sandbox = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "automation_runs"
        unique_together = (("automation", "event"),)
        indexes = (("status", "due_at"), ("automation", "id"))


class AutomationStepLog(Model):
    id = fields.BigIntField(primary_key=True)
    run = fields.ForeignKeyField("models.AutomationRun", related_name="logs", on_delete=fields.CASCADE)
    step_index = fields.IntField()
    type = fields.CharField(max_length=32)
    status = fields.CharField(max_length=16)  # a StepLogStatus
    detail = fields.TextField(default="")
    at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "automation_step_logs"
        indexes = (("run", "id"),)
