"""GraphQL types and fields of automations: each a few lines calling schema/automations/resolvers.py."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any, Optional

import strawberry
from pydantic import ValidationError
from strawberry.scalars import JSON


from app.core.errors import ApiError, from_pydantic
from schema.graphql_common import Connection, UserError, connection, user_errors
from schema.idempotency.resolvers import IDEMPOTENCY_HELP
from schema.automations.resolvers import (
    AutomationCreate,
    AutomationPatch,
    AutomationView,
    RUN_SANDBOX_HELP,
    RunView,
    SANDBOX_HELP,
    STEPS_HELP,
    WEBHOOK_SECRET_HELP,
    create_automation,
    delete_automation,
    get_automation,
    list_automations,
    list_runs,
    rotate_webhook_secret,
    set_automation_enabled,
    update_automation,
)

@strawberry.enum(name="ConditionOp")
class ConditionOp(Enum):
    EQ = "eq"
    NE = "ne"
    GT = "gt"
    GTE = "gte"
    LT = "lt"
    LTE = "lte"
    IN = "in"
    EXISTS = "exists"


@strawberry.input(name="ConditionInput")
class ConditionInput:
    field: str = strawberry.field(description="`value` or `properties.<path>`.")
    op: ConditionOp
    value: Optional[JSON] = None


@strawberry.input(name="TriggerInput")
class TriggerInput:
    event_type: str
    conditions: Optional[list[ConditionInput]] = None


def _trigger(value: Optional[TriggerInput]) -> Any:
    if value is None or value is strawberry.UNSET:
        return value
    conditions = [
        {"field": c.field, "op": c.op.value, **({"value": c.value} if c.value is not None else {})}
        for c in value.conditions or []
    ]
    return {"eventType": value.event_type, "conditions": conditions}


@strawberry.input(name="AutomationInput")
class AutomationInput:
    name: str
    trigger: TriggerInput
    steps: list[JSON] = strawberry.field(description=STEPS_HELP)
    enabled: Optional[bool] = True
    idempotency_key: Optional[str] = strawberry.field(default=None, description=IDEMPOTENCY_HELP)


@strawberry.input(name="UpdateAutomationInput")
class UpdateAutomationInput:
    id: strawberry.ID
    name: Optional[str] = strawberry.UNSET
    enabled: Optional[bool] = strawberry.UNSET
    trigger: Optional[TriggerInput] = strawberry.UNSET
    steps: Optional[list[JSON]] = strawberry.field(default=strawberry.UNSET, description=STEPS_HELP)


@strawberry.input(name="SetAutomationEnabledInput")
class SetAutomationEnabledInput:
    id: strawberry.ID
    enabled: bool
    idempotency_key: Optional[str] = strawberry.field(default=None, description=IDEMPOTENCY_HELP)


@strawberry.input(name="RotateAutomationWebhookSecretInput")
class RotateWebhookSecretInput:
    id: strawberry.ID
    idempotency_key: Optional[str] = strawberry.field(default=None, description=IDEMPOTENCY_HELP)


@strawberry.input(name="DeleteAutomationInput")
class DeleteAutomationInput:
    id: strawberry.ID


def _model(model: type, values: dict[str, Any]):
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise from_pydantic(exc.errors()) from None


def _create_input(input: AutomationInput) -> AutomationCreate:
    return _model(AutomationCreate, {
        "name": input.name, "enabled": True if input.enabled is None else input.enabled,
        "trigger": _trigger(input.trigger), "steps": input.steps,
    })


def _patch_input(input: UpdateAutomationInput) -> AutomationPatch:
    values = {
        "name": input.name, "enabled": input.enabled, "trigger": _trigger(input.trigger), "steps": input.steps,
    }
    return _model(AutomationPatch, {k: v for k, v in values.items() if v is not strawberry.UNSET})


@strawberry.type(name="AutomationStepLog")
class StepLogType:
    step_index: int
    type: str
    status: str
    detail: str
    at: datetime


@strawberry.type(name="AutomationRun")
class RunType:
    id: strawberry.ID
    automation_id: strawberry.ID
    event_id: Optional[strawberry.ID]
    contact_id: Optional[strawberry.ID]
    status: str
    current_step: int
    due_at: datetime
    attempts: int
    error: Optional[str]
    sandbox: bool = strawberry.field(description=RUN_SANDBOX_HELP)
    created_at: datetime
    updated_at: datetime
    steps: list[StepLogType]


def _run(view: RunView) -> RunType:
    return RunType(
        id=view.id, automation_id=view.automation_id, event_id=view.event_id, contact_id=view.contact_id,
        status=view.status, current_step=view.current_step, due_at=view.due_at, attempts=view.attempts,
        error=view.error, sandbox=view.sandbox, created_at=view.created_at, updated_at=view.updated_at,
        steps=[StepLogType(**s.model_dump()) for s in view.steps],
    )


@strawberry.type(name="Automation")
class AutomationType:
    id: strawberry.ID
    name: str
    enabled: bool
    sandbox: bool = strawberry.field(description=SANDBOX_HELP)
    trigger: JSON
    steps: list[JSON]
    webhook_secret: Optional[str] = strawberry.field(description=WEBHOOK_SECRET_HELP)
    created_at: datetime
    updated_at: datetime

    @strawberry.field(description="The automation's runs, newest first, each with its step log.")
    async def runs(
        self, info: strawberry.Info, first: int = 20, after: Optional[str] = None
    ) -> Connection[RunType]:
        page = await list_runs(info.context["principal"], str(self.id), first, after)
        return connection(page, _run)


def _gql(view: AutomationView) -> AutomationType:
    return AutomationType(
        id=view.id, name=view.name, enabled=view.enabled, sandbox=view.sandbox, trigger=view.trigger, steps=view.steps,
        webhook_secret=view.webhook_secret, created_at=view.created_at, updated_at=view.updated_at,
    )


@strawberry.type
class AutomationPayload:
    automation: Optional[AutomationType]
    user_errors: list[UserError]


@strawberry.type
class DeleteAutomationPayload:
    deleted_id: Optional[strawberry.ID]
    user_errors: list[UserError]


@strawberry.type
class AutomationQueries:
    @strawberry.field(description="Your organization's automations, oldest first.")
    async def automations(
        self, info: strawberry.Info, first: int = 50, after: Optional[str] = None
    ) -> Connection[AutomationType]:
        return connection(await list_automations(info.context["principal"], first, after), _gql)

    @strawberry.field(description="An automation of your organization.")
    async def automation(self, info: strawberry.Info, id: strawberry.ID) -> Optional[AutomationType]:
        try:
            return _gql(await get_automation(info.context["principal"], id))
        except ApiError:
            return None


@strawberry.type
class AutomationMutations:
    @strawberry.mutation(description="Create an automation (a trigger and ordered steps).")
    async def create_automation(self, info: strawberry.Info, input: AutomationInput) -> AutomationPayload:
        try:
            view = await create_automation(info.context["principal"], _create_input(input), input.idempotency_key)
        except ApiError as error:
            return AutomationPayload(automation=None, user_errors=user_errors(error))
        return AutomationPayload(automation=_gql(view), user_errors=[])

    @strawberry.mutation(description="Change an automation; only the fields given change.")
    async def update_automation(self, info: strawberry.Info, input: UpdateAutomationInput) -> AutomationPayload:
        try:
            view = await update_automation(info.context["principal"], input.id, _patch_input(input))
        except ApiError as error:
            return AutomationPayload(automation=None, user_errors=user_errors(error))
        return AutomationPayload(automation=_gql(view), user_errors=[])

    @strawberry.mutation(description="Enable or disable an automation (a disabled one starts no new runs).")
    async def set_automation_enabled(
        self, info: strawberry.Info, input: SetAutomationEnabledInput
    ) -> AutomationPayload:
        try:
            view = await set_automation_enabled(
                info.context["principal"], input.id, input.enabled, input.idempotency_key
            )
        except ApiError as error:
            return AutomationPayload(automation=None, user_errors=user_errors(error))
        return AutomationPayload(automation=_gql(view), user_errors=[])

    @strawberry.mutation(description="Replace an automation's webhook signing secret (`webhookSecret`).")
    async def rotate_automation_webhook_secret(
        self, info: strawberry.Info, input: RotateWebhookSecretInput
    ) -> AutomationPayload:
        try:
            view = await rotate_webhook_secret(info.context["principal"], input.id, input.idempotency_key)
        except ApiError as error:
            return AutomationPayload(automation=None, user_errors=user_errors(error))
        return AutomationPayload(automation=_gql(view), user_errors=[])

    @strawberry.mutation(description="Delete an automation and its runs.")
    async def delete_automation(self, info: strawberry.Info, input: DeleteAutomationInput) -> DeleteAutomationPayload:
        try:
            deleted = await delete_automation(info.context["principal"], input.id)
        except ApiError as error:
            return DeleteAutomationPayload(deleted_id=None, user_errors=user_errors(error))
        return DeleteAutomationPayload(deleted_id=deleted, user_errors=[])
