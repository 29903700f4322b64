"""Automations: create, read, update, delete, enable/disable, and their runs' logs. The one
implementation of each operation; `rest_compat/automations.py` and the GraphQL fields below
both call these functions. Triggering is `schema/automations/triggers.py`, running `app/engines/automations.py`."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    StrictBool,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from tortoise.transactions import in_transaction

from app.core import templating, webhook_urls
from app.core.errors import ApiError, ErrorCode, FieldError, from_pydantic, not_found
from app.core.ids import require_id
from app.core.principal import Principal, check_may_change
from app.core.validation import (
    MAX_BODY_CHARS,
    MAX_SUBJECT_CHARS,
    EventTypeName,
    HeaderText,
    Mailbox,
    Tag,
    check_json_size,
)
from models import Automation, AutomationRun, AutomationStepLog
from models.automations import RunStatus, StepLogStatus, new_webhook_secret
from schema.automations import triggers
from schema.contracts import ApiModel, Page, ViewModel, check_page_size, decode_cursor
from schema.idempotency.resolvers import idempotent

MAX_STEPS = 20
MAX_CONDITIONS = 20
MAX_IN_VALUES = 100
MAX_WAIT_SECONDS = 90 * 24 * 3600
_FIELD = re.compile(r"^(value|properties(\.[A-Za-z0-9_-]{1,100}){1,10})$")

Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    Field(json_schema_extra={"pattern": "\\S"}),  # not only white space
]
Scalar = Union[bool, int, float, str]


# ----------------------------------------------------------------------------- inputs


class ConditionOp(StrEnum):
    """How a trigger condition compares (GraphQL names them EQ, NE, …, as first published)."""

    EQ = "eq"
    NE = "ne"
    GT = "gt"
    GTE = "gte"
    LT = "lt"
    LTE = "lte"
    IN = "in"
    EXISTS = "exists"


class StepType(StrEnum):
    """The kinds of automation steps. Member names are the wire values."""

    sendEmail = "sendEmail"
    wait = "wait"
    addTag = "addTag"
    removeTag = "removeTag"
    setCustomField = "setCustomField"
    webhook = "webhook"




class Condition(ApiModel):
    """`value`: one value for eq, ne, gt, gte, lt and lte; a list of 1 to 100 for `in`; true, false
    or nothing for `exists`."""

    field: str = Field(
        description="`value` or `properties.<path>` (dots for nested keys).", json_schema_extra={"pattern": _FIELD.pattern}
    )
    op: ConditionOp
    value: Optional[Union[Scalar, list[Scalar]]] = Field(
        None, description="A list for `in`; true/false (default true) for `exists`; one value otherwise."
    )

    @field_validator("field")
    @classmethod
    def _field(cls, value: str) -> str:
        if not _FIELD.match(value):
            raise PydanticCustomError("invalid_format", "Use `value` or `properties.<key>[.<key>…]`.")
        return value

    @model_validator(mode="after")
    def _value_fits_op(self) -> "Condition":
        if self.op == "in":
            if not isinstance(self.value, list) or not 1 <= len(self.value) <= MAX_IN_VALUES:
                raise PydanticCustomError("invalid", "`in` takes a list of 1 to {n} values.", {"n": MAX_IN_VALUES})
        elif self.op == "exists":
            if self.value is not None and not isinstance(self.value, bool):
                raise PydanticCustomError("invalid", "`exists` takes true, false or nothing.")
        elif self.value is None or isinstance(self.value, list):
            raise PydanticCustomError("invalid", "`{op}` takes one value.", {"op": self.op})
        return self


class Trigger(ApiModel):
    event_type: EventTypeName = Field(description="The event type that starts a run, e.g. `order.placed`.")
    conditions: list[Condition] = Field(default_factory=list, max_length=MAX_CONDITIONS)


def _template(value: Optional[str]) -> Optional[str]:
    if value is not None:
        try:
            templating.check(value)
        except templating.TemplateError as exc:
            raise PydanticCustomError("template_error", "{message}", {"message": str(exc)}) from None
    return value


Template = Annotated[str, StringConstraints(max_length=MAX_BODY_CHARS), AfterValidator(_template)]


class StepModel(ApiModel):
    pass


class SendEmailStep(StepModel):
    """Give a non-empty `html`, `text` or both."""

    type: Literal["sendEmail"]
    from_: Mailbox = Field(alias="from")
    subject: Annotated[HeaderText, StringConstraints(min_length=1, max_length=MAX_SUBJECT_CHARS), AfterValidator(_template)]
    html: Optional[Template] = None
    text: Optional[Template] = None

    @model_validator(mode="after")
    def _body(self) -> "SendEmailStep":
        if not self.html and not self.text:
            raise PydanticCustomError("missing", "Give `html`, `text` or both.")
        return self


def _json_number(value: Any) -> Any:
    """A JSON number (5 or 5.0), not the text "5" or a boolean, which pydantic would also take."""
    if isinstance(value, (str, bool)):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


class WaitStep(StepModel):
    type: Literal["wait"]
    seconds: Annotated[int, BeforeValidator(_json_number)] = Field(ge=1, le=MAX_WAIT_SECONDS, description="1 second to 90 days.")


class AddTagStep(StepModel):
    type: Literal["addTag"]
    tag: Tag


class RemoveTagStep(StepModel):
    type: Literal["removeTag"]
    tag: Tag


class SetCustomFieldStep(StepModel):
    type: Literal["setCustomField"]
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    value: Any = Field(description="Any JSON value; null removes the field.")

    @field_validator("value")
    @classmethod
    def _size(cls, value: Any) -> Any:
        return check_json_size(value)


class WebhookStep(StepModel):
    type: Literal["webhook"]
    url: webhook_urls.WebhookUrl = Field(
        description="http(s) URL; loopback, private and link-local addresses are refused.")


STEP_TYPES: dict[str, type[StepModel]] = {
    StepType.sendEmail: SendEmailStep,
    StepType.wait: WaitStep,
    StepType.addTag: AddTagStep,
    StepType.removeTag: RemoveTagStep,
    StepType.setCustomField: SetCustomFieldStep,
    StepType.webhook: WebhookStep,
}
assert set(STEP_TYPES) == set(StepType)

STEPS_HELP = (
    "Ordered steps, at most 20, each an object with a `type`: `sendEmail` {from, subject, html?, text?} "
    "(templates see the contact's fields and `event.*`, e.g. `{{event.properties.orderId}}`), "
    "`wait` {seconds: 1..7776000}, `addTag` {tag}, `removeTag` {tag}, `setCustomField` {name, value}, "
    "`webhook` {url} (a signed JSON POST, retried with back-off; see the automation's `webhookSecret`)."
)


def _steps_schema() -> dict[str, Any]:
    """`steps` as the OpenAPI document shows them: 1 to 20 objects, each one of the step models
    (check_steps validates them one by one, to name the step at fault)."""
    variants = []
    for model in STEP_TYPES.values():
        schema = model.model_json_schema(by_alias=True)
        assert "$defs" not in schema, model  # inlined: each step model is flat
        variants.append(schema)
    return {
        "type": "array", "minItems": 1, "maxItems": MAX_STEPS, "description": STEPS_HELP,
        "items": {"oneOf": variants},
    }


Steps = Annotated[list[dict[str, Any]], WithJsonSchema(_steps_schema())]


def check_steps(steps: list[Any]) -> list[dict[str, Any]]:
    """Validate steps one by one; the stored form is each step's canonical JSON."""
    if not 1 <= len(steps) <= MAX_STEPS:
        raise ApiError(
            ErrorCode.VALIDATION_ERROR, f"Give 1 to {MAX_STEPS} steps.",
            [FieldError("steps", f"Give 1 to {MAX_STEPS} steps.", "invalid")],
        )
    out, errors = [], []
    for index, raw in enumerate(steps):
        kind = raw.get("type") if isinstance(raw, dict) else None
        model = STEP_TYPES.get(kind) if isinstance(kind, str) else None
        if model is None:
            errors.append(FieldError(
                f"steps.{index}.type", f"Must be one of {', '.join(STEP_TYPES)}.", "invalid"
            ))
            continue
        try:
            step = model.model_validate(raw).model_dump(mode="json", by_alias=True)
            out.append({k: v for k, v in step.items() if v is not None or k == "value"})  # value null: remove
        except ValidationError as exc:
            located = from_pydantic([{**e, "loc": ("steps", index, *e["loc"])} for e in exc.errors()])
            errors.extend(located.details)
    if errors:
        raise ApiError(ErrorCode.VALIDATION_ERROR, "The steps are invalid.", errors)
    return out


class _NoNul(ApiModel):
    """(U+0000 is refused by ApiModel itself.)"""


class AutomationCreate(_NoNul):
    """Body of `POST /api/v1/automations` and GraphQL `AutomationInput`."""

    name: Name
    enabled: StrictBool = True  # JSON true/false, not 0 or "yes"
    trigger: Trigger
    steps: Steps

    model_config = ApiModel.model_config | {
        "json_schema_extra": {
            "examples": [
                {
                    "name": "Receipt",
                    "trigger": {
                        "eventType": "order.placed",
                        "conditions": [{"field": "value", "op": "gte", "value": 1}],
                    },
                    "steps": [
                        {
                            "type": "sendEmail", "from": "shop@acme.com", "subject": "Your order {{event.properties.orderId}}",
                            "html": "<p>Thanks {{firstName}}! Total: {{event.value}} {{event.currency}}</p>",
                        },
                        {"type": "addTag", "tag": "customer"},
                        {"type": "webhook", "url": "https://shop.example.com/hooks/viperatron"},
                    ],
                }
            ]
        }
    }


class AutomationPatch(_NoNul):
    """Body of `PATCH /api/v1/automations/{id}` and GraphQL `UpdateAutomationInput`: only what is given changes."""

    name: Optional[Name] = None
    enabled: Optional[StrictBool] = None
    trigger: Optional[Trigger] = None
    steps: Annotated[
        Optional[list[dict[str, Any]]], WithJsonSchema({"anyOf": [_steps_schema(), {"type": "null"}]})
    ] = None


# ----------------------------------------------------------------------------- views

WEBHOOK_SECRET_HELP = (
    "Signs this automation's webhook calls: `Viperatron-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "
    "'<t>.' + body>`. Shown only to your organization, and not to a test key (null) when the "
    "automation is live."
)


SANDBOX_HELP = (
    "Made with a test key (et_test_…): only test events start it and its emails are never delivered. "
    "A test key can change only sandbox automations."
)


class AutomationView(ApiModel):
    id: str
    name: str
    enabled: bool
    sandbox: bool = Field(description=SANDBOX_HELP)
    trigger: dict[str, Any]
    steps: list[dict[str, Any]]
    webhook_secret: Optional[str] = Field(description=WEBHOOK_SECRET_HELP)
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, a: Automation, principal: Principal) -> "AutomationView":
        # A test key may not read a live secret: with it, it could sign calls live receivers trust.
        secret = a.webhook_secret if principal.may_change(a.sandbox) else None
        return cls(
            id=a.id, name=a.name, enabled=a.enabled, sandbox=a.sandbox, trigger=a.trigger, steps=a.steps,
            webhook_secret=secret, created_at=a.created_at, updated_at=a.updated_at,
        )


class ConditionView(ViewModel):
    field: str = Field(description="`value` or `properties.<path>` (dots for nested keys).")
    op: str
    value: Optional[Any] = Field(None, description="A list for `in`; true/false for `exists`; one value otherwise.")


class TriggerView(ViewModel):
    """A stored trigger (`AutomationView.trigger`), typed: what GraphQL's `Trigger` shows."""

    event_type: str = Field(description="The event type that starts a run, e.g. `order.placed`.")
    conditions: list[ConditionView] = Field(default_factory=list, description="All must hold.")


class SendEmailStepView(ViewModel):
    from_: str = Field(alias="from")
    subject: str
    html: Optional[str] = None
    text: Optional[str] = None


class WaitStepView(ViewModel):
    seconds: int


class AddTagStepView(ViewModel):
    tag: str


class RemoveTagStepView(ViewModel):
    tag: str


class SetCustomFieldStepView(ViewModel):
    name: str
    value: Optional[Any] = Field(None, description="Null removes the field.")


class WebhookStepView(ViewModel):
    url: str


# A stored step's `type` -> its typed view (what GraphQL's `AutomationStep` union shows).
STEP_VIEWS: dict[str, type[ViewModel]] = {
    "sendEmail": SendEmailStepView,
    "wait": WaitStepView,
    "addTag": AddTagStepView,
    "removeTag": RemoveTagStepView,
    "setCustomField": SetCustomFieldStepView,
    "webhook": WebhookStepView,
}


class StepLogView(ApiModel):
    step_index: int
    type: StepType
    status: StepLogStatus = Field(description="completed, retrying (a failed webhook try that will be retried) or failed")
    detail: str
    at: datetime


RUN_SANDBOX_HELP = (
    "A test-mode run (started by a test key's event, or of a sandbox automation): its emails are "
    "sandboxed, its webhook calls carry `\"sandbox\": true` and `Viperatron-Sandbox: true`."
)


class RunView(ApiModel):
    id: str
    automation_id: str
    event_id: Optional[str]
    contact_id: Optional[str] = Field(description="Null once the contact is erased.")
    status: RunStatus = Field(description="pending, running, waiting (a wait step, or a webhook retry), completed or failed")
    current_step: int = Field(description="Index of the next step to run.")
    due_at: datetime = Field(description="When a waiting run resumes (or a running run's lease ends).")
    attempts: int
    error: Optional[str]
    sandbox: bool = Field(description=RUN_SANDBOX_HELP)
    created_at: datetime
    updated_at: datetime
    steps: list[StepLogView] = Field(description="The log: one entry per step run, in order.")


# ----------------------------------------------------------------------------- resolvers


def _canonical_trigger(trigger: Trigger) -> dict[str, Any]:
    return trigger.model_dump(mode="json", by_alias=True, exclude_none=True)


async def _get(principal: Principal, automation_id: str, connection=None) -> Automation:
    require_id("automation", automation_id)
    query = Automation.filter(id=automation_id, organization_id=principal.organization_id)
    if connection is not None:
        query = query.using_db(connection).select_for_update()
    automation = await query.first()
    if automation is None:
        raise not_found("Automation")
    return automation


async def create_automation(
    principal: Principal, data: AutomationCreate, idempotency_key: str | None = None
) -> AutomationView:
    steps = check_steps(data.steps)
    trigger = _canonical_trigger(data.trigger)

    async def run() -> tuple[AutomationView, int]:
        automation = await Automation.create(
            organization_id=principal.organization_id, api_key_id=principal.key_id, sandbox=principal.is_test,
            name=data.name, enabled=data.enabled, trigger=trigger, event_type=trigger["eventType"], steps=steps,
        )
        triggers.invalidate(principal.organization_id)
        return AutomationView.of(automation, principal), 201

    return (await idempotent(principal, idempotency_key, "automations.create", data, run, AutomationView)).result


async def get_automation(principal: Principal, automation_id: str) -> AutomationView:
    return AutomationView.of(await _get(principal, automation_id), principal)


async def list_automations(principal: Principal, first: int = 50, after: str | None = None, *,
                           size_field: str = "first", cursor_field: str = "after") -> Page[AutomationView]:
    check_page_size(first, size_field)
    last = decode_cursor(after, cursor_field)
    query = Automation.filter(organization_id=principal.organization_id)
    if last:
        query = query.filter(id__gt=last)
    rows = await query.order_by("id").limit(first + 1)
    items = [AutomationView.of(a, principal) for a in rows[:first]]
    return Page.of(items, len(rows) > first)


async def update_automation(principal: Principal, automation_id: str, data: AutomationPatch,
                            idempotency_key: str | None = None) -> AutomationView:
    async def run() -> tuple[AutomationView, int]:
        return await _update_automation(principal, automation_id, data), 200

    request = {"id": automation_id, "body": data.model_dump(mode="json", by_alias=True, exclude_unset=True)}
    return (await idempotent(principal, idempotency_key, "automations.update", request, run, AutomationView)).result


async def _update_automation(principal: Principal, automation_id: str, data: AutomationPatch) -> AutomationView:
    changes: dict[str, Any] = {}
    if data.steps is not None:
        changes["steps"] = check_steps(data.steps)
    if data.trigger is not None:
        changes["trigger"] = _canonical_trigger(data.trigger)
        changes["event_type"] = changes["trigger"]["eventType"]
    if data.name is not None:
        changes["name"] = data.name
    if data.enabled is not None:
        changes["enabled"] = data.enabled
    async with in_transaction() as conn:
        automation = await _get(principal, automation_id, conn)
        check_may_change(principal, automation.sandbox, "automation")
        if changes:
            automation.update_from_dict(changes)
            await automation.save(using_db=conn)
    triggers.invalidate(principal.organization_id)
    return AutomationView.of(automation, principal)


async def set_automation_enabled(principal: Principal, automation_id: str, enabled: bool,
                                 idempotency_key: str | None = None) -> AutomationView:
    async def run() -> tuple[AutomationView, int]:
        return await update_automation(principal, automation_id, AutomationPatch(enabled=enabled)), 200

    operation = "automations.enable" if enabled else "automations.disable"
    return (await idempotent(principal, idempotency_key, operation, {"id": automation_id}, run, AutomationView)).result


async def rotate_webhook_secret(principal: Principal, automation_id: str,
                                idempotency_key: str | None = None) -> AutomationView:
    """Replace the automation's webhook signing secret; calls made from now on are signed with
    the new one (a retry of an older call too: it is signed when it is sent)."""

    async def run() -> tuple[AutomationView, int]:
        async with in_transaction() as conn:
            automation = await _get(principal, automation_id, conn)
            check_may_change(principal, automation.sandbox, "automation")
            automation.webhook_secret = new_webhook_secret()
            await automation.save(using_db=conn, update_fields=["webhook_secret", "updated_at"])
        triggers.invalidate(principal.organization_id)
        return AutomationView.of(automation, principal), 200

    return (await idempotent(
        principal, idempotency_key, "automations.rotate_webhook_secret", {"id": automation_id}, run, AutomationView
    )).result


class _Deleted(ApiModel):
    id: str


async def delete_automation(principal: Principal, automation_id: str, idempotency_key: str | None = None) -> str:
    """Delete the automation and its runs (their logs with them); returns its id."""

    async def run() -> tuple[_Deleted, int]:
        return _Deleted(id=await _delete_automation(principal, automation_id)), 200

    return (await idempotent(
        principal, idempotency_key, "automations.delete", {"id": automation_id}, run, _Deleted
    )).result.id


async def _delete_automation(principal: Principal, automation_id: str) -> str:
    automation = await _get(principal, automation_id)
    check_may_change(principal, automation.sandbox, "automation")
    if not await Automation.filter(id=automation.id).delete():
        raise not_found("Automation")  # deleted meanwhile
    triggers.invalidate(principal.organization_id)
    return automation_id


async def list_runs(principal: Principal, automation_id: str, first: int = 50, after: str | None = None, *,
                    size_field: str = "first", cursor_field: str = "after") -> Page[RunView]:
    """The automation's runs, newest first, each with its step log."""
    check_page_size(first, size_field)
    last = decode_cursor(after, cursor_field)
    await _get(principal, automation_id)
    query = AutomationRun.filter(automation_id=automation_id, organization_id=principal.organization_id)
    if last:
        query = query.filter(id__lt=last)
    rows = await query.order_by("-id").limit(first + 1)
    return Page.of(await _run_views(rows[:first]), len(rows) > first)


async def get_run(principal: Principal, run_id: str) -> RunView:
    """One run of the organization's automations, with its step log."""
    require_id("automation_run", run_id)
    run = await AutomationRun.filter(id=run_id, organization_id=principal.organization_id).first()
    if run is None:
        raise not_found("Automation run")
    return (await _run_views([run]))[0]


async def _run_views(runs: list[AutomationRun]) -> list[RunView]:
    logs: dict[str, list[StepLogView]] = {r.id: [] for r in runs}
    if runs:
        for entry in await AutomationStepLog.filter(run_id__in=list(logs)).order_by("id"):
            logs[entry.run_id].append(StepLogView(
                step_index=entry.step_index, type=entry.type, status=entry.status, detail=entry.detail, at=entry.at
            ))
    return [
        RunView(
            id=r.id, automation_id=r.automation_id, event_id=r.event_id, contact_id=r.contact_id, status=r.status,
            current_step=r.current_step, due_at=r.due_at, attempts=r.attempts, error=r.error, sandbox=r.sandbox,
            created_at=r.created_at, updated_at=r.updated_at, steps=logs[r.id],
        )
        for r in runs
    ]
