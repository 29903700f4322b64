"""GraphQL types and fields of automations: each a few lines calling schema/automations/resolvers.py."""

from __future__ import annotations

from typing import Annotated, Optional

import strawberry
from pydantic import field_serializer, field_validator
from strawberry.scalars import JSON

from app.core.errors import ApiError
from models.automations import RunStatus, StepLogStatus
from schema.graphql_common import Connection, GraphQLInput, UserError, as_in, connection, graphql_enum, user_errors, validated
from schema.idempotency.resolvers import IDEMPOTENCY_HELP
from schema.automations.resolvers import (
    AutomationCreate,
    AutomationPatch,
    AutomationView,
    ConditionOp,
    RunView,
    StepType,
    StepLogView,
    STEPS_HELP,
    create_automation,
    delete_automation,
    get_automation,
    list_automations,
    list_runs,
    rotate_webhook_secret,
    set_automation_enabled,
    update_automation,
)

graphql_enum(ConditionOp, "ConditionOp")
graphql_enum(RunStatus, "AutomationRunStatus", "An automation run's status.")
graphql_enum(StepLogStatus, "AutomationStepStatus", "How one step of a run went.")
graphql_enum(StepType, "AutomationStepType", "The kinds of automation steps.")


@strawberry.pydantic.input(name="ConditionInput")
class ConditionInput(GraphQLInput):
    field: Annotated[str, strawberry.field(description="`value` or `properties.<path>`.")]
    op: ConditionOp
    value: Optional[JSON] = None

    @field_serializer("op")
    def _op(self, op: ConditionOp) -> str:
        return op.value


@strawberry.pydantic.input(name="TriggerInput")
class TriggerInput(GraphQLInput):
    event_type: str
    conditions: Optional[list[ConditionInput]] = None


@strawberry.pydantic.input(name="AutomationInput")
class AutomationInput(GraphQLInput):
    name: str
    trigger: TriggerInput
    steps: Annotated[list[JSON], strawberry.field(description=STEPS_HELP)]
    enabled: Optional[bool] = True
    idempotency_key: Annotated[Optional[str], strawberry.field(description=IDEMPOTENCY_HELP)] = None

    @field_validator("enabled")
    @classmethod
    def _null_is_default(cls, enabled: Optional[bool]) -> bool:
        return True if enabled is None else enabled


@strawberry.pydantic.input(name="UpdateAutomationInput")
class UpdateAutomationInput(GraphQLInput):
    # UNSET: no GraphQL default, so a field left out is not set and stays unchanged.
    id: strawberry.ID
    name: Optional[str] = strawberry.UNSET
    enabled: Optional[bool] = strawberry.UNSET
    trigger: Optional[TriggerInput] = strawberry.UNSET
    steps: Annotated[Optional[list[JSON]], strawberry.field(description=STEPS_HELP)] = strawberry.UNSET


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


@strawberry.pydantic.type(name="AutomationStepLog")
class StepLogType(StepLogView):
    pass


@strawberry.pydantic.type(name="AutomationRun")
class RunType(RunView):
    id: strawberry.ID
    automation_id: strawberry.ID
    event_id: Optional[strawberry.ID]
    contact_id: Optional[strawberry.ID] = as_in(RunView, "contact_id")
    steps: list[StepLogType] = as_in(RunView, "steps")


@strawberry.pydantic.type(name="Automation")
class AutomationType(AutomationView):
    id: strawberry.ID
    trigger: JSON
    steps: list[JSON]

    @strawberry.pydantic.field(description="The automation's runs, newest first, each with its step log.")
    async def runs(
        self, info: strawberry.Info, first: int = 20, after: Optional[str] = None
    ) -> Connection[RunType]:
        return connection(await list_runs(info.context["principal"], str(self.id), first, after))


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
        return connection(await list_automations(info.context["principal"], first, after))

    @strawberry.field(description="An automation of your organization.")
    async def automation(self, info: strawberry.Info, id: strawberry.ID) -> Optional[AutomationType]:
        try:
            return await get_automation(info.context["principal"], id)
        except ApiError:
            return None


@strawberry.type
class AutomationMutations:
    @strawberry.mutation(description="Create an automation (a trigger and ordered steps).")
    async def create_automation(self, info: strawberry.Info, input: AutomationInput) -> AutomationPayload:
        try:
            view = await create_automation(info.context["principal"], validated(input, AutomationCreate), input.idempotency_key)
        except ApiError as error:
            return AutomationPayload(automation=None, user_errors=user_errors(error))
        return AutomationPayload(automation=view, user_errors=[])

    @strawberry.mutation(description="Change an automation; only the fields given change.")
    async def update_automation(self, info: strawberry.Info, input: UpdateAutomationInput) -> AutomationPayload:
        try:
            view = await update_automation(info.context["principal"], input.id, validated(input, AutomationPatch))
        except ApiError as error:
            return AutomationPayload(automation=None, user_errors=user_errors(error))
        return AutomationPayload(automation=view, user_errors=[])

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
        return AutomationPayload(automation=view, user_errors=[])

    @strawberry.mutation(description="Replace an automation's webhook signing secret (`webhookSecret`).")
    async def rotate_automation_webhook_secret(
        self, info: strawberry.Info, input: RotateWebhookSecretInput
    ) -> AutomationPayload:
        try:
            view = await rotate_webhook_secret(info.context["principal"], input.id, input.idempotency_key)
        except ApiError as error:
            return AutomationPayload(automation=None, user_errors=user_errors(error))
        return AutomationPayload(automation=view, user_errors=[])

    @strawberry.mutation(description="Delete an automation and its runs.")
    async def delete_automation(self, info: strawberry.Info, input: DeleteAutomationInput) -> DeleteAutomationPayload:
        try:
            deleted = await delete_automation(info.context["principal"], input.id)
        except ApiError as error:
            return DeleteAutomationPayload(deleted_id=None, user_errors=user_errors(error))
        return DeleteAutomationPayload(deleted_id=deleted, user_errors=[])
