"""GraphQL types and fields of automations: each a few lines calling schema/automations/resolvers.py."""

from __future__ import annotations

from typing import Annotated, Any, Optional, Union

import strawberry
from pydantic import Field, field_serializer, field_validator
from strawberry.scalars import JSON

from app.core.errors import ApiError
from models.automations import RunStatus, StepLogStatus
from schema.automations.resolvers import (
    AddTagStepView,
    AutomationCreate,
    AutomationPatch,
    AutomationView,
    ConditionOp,
    ConditionView,
    RemoveTagStepView,
    RunView,
    SendEmailStepView,
    SetCustomFieldStepView,
    StepLogView,
    StepType,
    TriggerView,
    WaitStepView,
    WebhookStepView,
    create_automation,
    delete_automation,
    get_automation,
    list_automations,
    list_runs,
    rotate_webhook_secret,
    set_automation_enabled,
    update_automation,
)
from schema.graphql_common import (
    Connection,
    GraphQLInput,
    Node,
    UserError,
    as_in,
    connection,
    graphql_enum,
    node_type,
    user_errors,
    validated,
)
from schema.idempotency.resolvers import IDEMPOTENCY_HELP

graphql_enum(ConditionOp, "ConditionOp")
graphql_enum(RunStatus, "AutomationRunStatus", "An automation run's status.")
graphql_enum(StepLogStatus, "AutomationStepStatus", "How one step of a run went.")
graphql_enum(StepType, "AutomationStepKind", "The kinds of automation steps.")


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


# ----------------------------------------------------------------------------- steps, in

@strawberry.pydantic.input(name="SendEmailStepInput")
class SendEmailStepInput(GraphQLInput):
    from_: Annotated[str, strawberry.field(name="from")] = Field(alias="from")
    subject: str
    html: Optional[str] = None
    text: Optional[str] = None


@strawberry.pydantic.input(name="WaitStepInput")
class WaitStepInput(GraphQLInput):
    seconds: Annotated[int, strawberry.field(description="1 second to 90 days.")]


@strawberry.pydantic.input(name="AddTagStepInput")
class AddTagStepInput(GraphQLInput):
    tag: str


@strawberry.pydantic.input(name="RemoveTagStepInput")
class RemoveTagStepInput(GraphQLInput):
    tag: str


@strawberry.pydantic.input(name="SetCustomFieldStepInput")
class SetCustomFieldStepInput(GraphQLInput):
    name: str
    # UNSET: no GraphQL default, so null (remove the field) is a value and leaving it out is `required`.
    value: Annotated[Optional[JSON], strawberry.field(description="Any JSON value; null removes the field.")] = strawberry.UNSET


@strawberry.pydantic.input(name="WebhookStepInput")
class WebhookStepInput(GraphQLInput):
    url: Annotated[str, strawberry.field(description="http(s) URL; loopback, private and link-local addresses are refused.")]


@strawberry.pydantic.input(
    name="AutomationStepInput", one_of=True,
    description="One step: exactly one of the fields, named after the step's kind (REST's `type`). Checked by "
    "the same rules as REST, which name a mistake by the step's index, e.g. `steps.0.url`.",
)
class AutomationStepInput(GraphQLInput):
    # UNSET: a oneOf input's fields have no default.
    send_email: Annotated[Optional[SendEmailStepInput], strawberry.field(
        description="Email the run's contact; templates see the contact's fields and `event.*`, e.g. "
        "`{{event.properties.orderId}}`.")] = strawberry.UNSET
    wait: Optional[WaitStepInput] = strawberry.UNSET
    add_tag: Optional[AddTagStepInput] = strawberry.UNSET
    remove_tag: Optional[RemoveTagStepInput] = strawberry.UNSET
    set_custom_field: Optional[SetCustomFieldStepInput] = strawberry.UNSET
    webhook: Annotated[Optional[WebhookStepInput], strawberry.field(
        description="A signed JSON POST, retried with back-off; see the automation's `webhookSecret`.")] = strawberry.UNSET

    def rest_shape(self, data: dict[str, Any]) -> Any:
        """REST's step: `{"type": "<kind>", …the kind's fields}`."""
        given = [(kind, fields) for kind, fields in data.items() if isinstance(fields, dict)]
        if len(given) != 1:  # GraphQL's @oneOf refuses this before it gets here
            return data
        kind, fields = given[0]
        return {"type": kind, **fields}


STEPS_INPUT_HELP = "Ordered steps, 1 to 20."


@strawberry.pydantic.input(name="AutomationInput")
class AutomationInput(GraphQLInput):
    name: str
    trigger: TriggerInput
    steps: Annotated[list[AutomationStepInput], strawberry.field(description=STEPS_INPUT_HELP)]
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
    steps: Annotated[Optional[list[AutomationStepInput]], strawberry.field(description=STEPS_INPUT_HELP)] = strawberry.UNSET
    idempotency_key: Annotated[Optional[str], strawberry.field(description=IDEMPOTENCY_HELP)] = None


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
    idempotency_key: Optional[str] = strawberry.field(default=None, description=IDEMPOTENCY_HELP)


@strawberry.pydantic.type(name="AutomationStepLog")
class StepLogType(StepLogView):
    pass


@node_type(RunView, name="AutomationRun")
class RunType(RunView, Node):
    id: strawberry.ID
    automation_id: strawberry.ID
    event_id: Optional[strawberry.ID]
    contact_id: Optional[strawberry.ID] = as_in(RunView, "contact_id")
    steps: list[StepLogType] = as_in(RunView, "steps")


# ----------------------------------------------------------------------------- trigger and steps, out

@strawberry.pydantic.type(name="Condition")
class ConditionType(ConditionView):
    op: ConditionOp
    value: Optional[JSON] = as_in(ConditionView, "value")


@strawberry.pydantic.type(name="Trigger", description="What starts a run: an event of this type for which every condition holds.")
class TriggerType(TriggerView):
    conditions: list[ConditionType] = as_in(TriggerView, "conditions")


@strawberry.pydantic.type(name="SendEmailStep")
class SendEmailStepType(SendEmailStepView):
    from_: Annotated[str, strawberry.field(name="from")] = Field(alias="from")


@strawberry.pydantic.type(name="WaitStep")
class WaitStepType(WaitStepView):
    pass


@strawberry.pydantic.type(name="AddTagStep")
class AddTagStepType(AddTagStepView):
    pass


@strawberry.pydantic.type(name="RemoveTagStep")
class RemoveTagStepType(RemoveTagStepView):
    pass


@strawberry.pydantic.type(name="SetCustomFieldStep")
class SetCustomFieldStepType(SetCustomFieldStepView):
    value: Optional[JSON] = as_in(SetCustomFieldStepView, "value")


@strawberry.pydantic.type(name="WebhookStep")
class WebhookStepType(WebhookStepView):
    pass


AutomationStep = Annotated[
    Union[SendEmailStepType, WaitStepType, AddTagStepType, RemoveTagStepType, SetCustomFieldStepType, WebhookStepType],
    strawberry.union("AutomationStep", description="One step of an automation; its type says its kind."),
]

# A stored step's `type` -> the GraphQL type that shows it (the union resolves by the object's type).
_STEP_TYPES = {
    "sendEmail": SendEmailStepType,
    "wait": WaitStepType,
    "addTag": AddTagStepType,
    "removeTag": RemoveTagStepType,
    "setCustomField": SetCustomFieldStepType,
    "webhook": WebhookStepType,
}


@node_type(AutomationView, name="Automation")
class AutomationType(AutomationView, Node):
    id: strawberry.ID
    # The stored JSON (REST's shape) stays out of GraphQL: `trigger` and `steps` below show it typed.
    trigger: strawberry.Private[dict[str, Any]]
    steps: strawberry.Private[list[dict[str, Any]]]

    @strawberry.pydantic.field(name="trigger")
    def typed_trigger(self) -> TriggerType:
        return TriggerType.model_validate(self.trigger)

    @strawberry.pydantic.field(name="steps", description="Ordered steps, run one after the other.")
    def typed_steps(self) -> list[AutomationStep]:
        return [_STEP_TYPES[step["type"]].model_validate(step) for step in self.steps]

    @strawberry.pydantic.field(description="The automation's runs, newest first, each with its step log.")
    async def runs(
        self, info: strawberry.Info, first: int = 20, after: Optional[str] = None
    ) -> Connection[RunType]:
        return connection(await list_runs(info.context["principal"], str(self.id), first, after), after)


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
        return connection(await list_automations(info.context["principal"], first, after), after)

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
            view = await update_automation(
                info.context["principal"], input.id, validated(input, AutomationPatch), input.idempotency_key
            )
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
            deleted = await delete_automation(info.context["principal"], input.id, input.idempotency_key)
        except ApiError as error:
            return DeleteAutomationPayload(deleted_id=None, user_errors=user_errors(error))
        return DeleteAutomationPayload(deleted_id=deleted, user_errors=[])
