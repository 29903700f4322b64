from rest_compat.common import (
    IDEMPOTENT,
    NOT_FOUND,
    Caller,
    IdempotencyKey,
    ListEnvelope,
    cursor_query,
    feature_router,
    limit_query,
    live_only,
    path_id,
)
from schema.automations.resolvers import (
    AutomationCreate,
    AutomationPatch,
    AutomationView,
    RunView,
    create_automation,
    delete_automation,
    get_automation,
    list_automations,
    list_runs,
    rotate_webhook_secret,
    set_automation_enabled,
    update_automation,
)
from schema.contracts import ApiModel

router = feature_router("/automations", "automations")
LIVE_ONLY = live_only("automation")
AUTOMATION_ID = path_id("automation")


class AutomationList(ListEnvelope[AutomationView]):
    pass


class RunList(ListEnvelope[RunView]):
    pass


class AutomationDeleted(ApiModel):
    id: str
    deleted: bool


@router.post(
    "",
    operation_id="createAutomation",
    response_model=AutomationView,
    status_code=201,
    summary="Create an automation",
    description="A trigger (`eventType` and optional `conditions` over `value` and `properties.*` with "
    "`eq ne gt gte lt lte in exists`) and up to 20 ordered steps. Every stored event of that type whose "
    "conditions hold starts one run, executed by the worker.",
    responses=IDEMPOTENT,
)
async def create(body: AutomationCreate, caller: Caller, idempotency_key: IdempotencyKey = None) -> AutomationView:
    return await create_automation(caller, body, idempotency_key)


@router.get("", operation_id="listAutomations", response_model=AutomationList, summary="List automations", description="Oldest first, cursor-paginated.")
async def list_(
    caller: Caller,
    limit: int = limit_query(),
    cursor: str = cursor_query(),
) -> AutomationList:
    page = await list_automations(caller, limit, cursor, size_field="limit", cursor_field="cursor")
    return AutomationList.of(page)


@router.get("/{automation_id}", operation_id="getAutomation", response_model=AutomationView, summary="Get an automation", responses=NOT_FOUND)
async def get(caller: Caller, automation_id: str = AUTOMATION_ID) -> AutomationView:
    return await get_automation(caller, automation_id)


@router.patch(
    "/{automation_id}", operation_id="updateAutomation", response_model=AutomationView, summary="Update an automation",
    description="Only the fields given change; runs already started continue with the new steps.",
    responses={**NOT_FOUND, **LIVE_ONLY},
)
async def patch(body: AutomationPatch, caller: Caller, automation_id: str = AUTOMATION_ID) -> AutomationView:
    return await update_automation(caller, automation_id, body)


@router.delete(
    "/{automation_id}", operation_id="deleteAutomation", response_model=AutomationDeleted, summary="Delete an automation and its runs",
    responses={**NOT_FOUND, **LIVE_ONLY},
)
async def delete(caller: Caller, automation_id: str = AUTOMATION_ID) -> AutomationDeleted:
    return AutomationDeleted(id=await delete_automation(caller, automation_id), deleted=True)


@router.post(
    "/{automation_id}/enable", operation_id="enableAutomation", response_model=AutomationView, summary="Enable an automation",
    responses={**NOT_FOUND, **LIVE_ONLY, **IDEMPOTENT},
)
async def enable(caller: Caller, automation_id: str = AUTOMATION_ID, idempotency_key: IdempotencyKey = None) -> AutomationView:
    return await set_automation_enabled(caller, automation_id, True, idempotency_key)


@router.post(
    "/{automation_id}/disable", operation_id="disableAutomation", response_model=AutomationView,
    summary="Disable an automation", description="A disabled automation starts no new runs.",
    responses={**NOT_FOUND, **LIVE_ONLY, **IDEMPOTENT},
)
async def disable(caller: Caller, automation_id: str = AUTOMATION_ID, idempotency_key: IdempotencyKey = None) -> AutomationView:
    return await set_automation_enabled(caller, automation_id, False, idempotency_key)


@router.post(
    "/{automation_id}/rotate-webhook-secret", operation_id="rotateAutomationWebhookSecret", response_model=AutomationView,
    summary="Replace the webhook signing secret",
    description="Webhook calls made from now on (retries included) are signed with the new `webhookSecret`.",
    responses={**NOT_FOUND, **LIVE_ONLY, **IDEMPOTENT},
)
async def rotate_secret(caller: Caller, automation_id: str = AUTOMATION_ID, idempotency_key: IdempotencyKey = None) -> AutomationView:
    return await rotate_webhook_secret(caller, automation_id, idempotency_key)


@router.get(
    "/{automation_id}/runs", operation_id="listAutomationRuns", response_model=RunList, summary="List an automation's runs with their step logs",
    description="Newest first, cursor-paginated; each run carries `steps`: its log (status, time, detail).",
    responses=NOT_FOUND,
)
async def runs(
    caller: Caller,
    automation_id: str = AUTOMATION_ID,
    limit: int = limit_query(),
    cursor: str = cursor_query(),
) -> RunList:
    page = await list_runs(caller, automation_id, limit, cursor, size_field="limit", cursor_field="cursor")
    return RunList.of(page)
