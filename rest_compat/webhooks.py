"""`/api/v1/webhooks`: integrators' webhook endpoints and their delivery logs
(schema/webhook_endpoints/resolvers.py)."""

from rest_compat.common import (
    IDEMPOTENT,
    Caller,
    IdempotencyKey,
    ListEnvelope,
    cursor_query,
    error_response,
    feature_router,
    limit_query,
    live_only,
    path_id,
)
from schema.webhook_endpoints.resolvers import (
    DeliveryView,
    EndpointCreate,
    EndpointUpdate,
    EndpointView,
    create_endpoint,
    delete_endpoint,
    get_endpoint,
    list_deliveries,
    list_endpoints,
    rotate_endpoint_secret,
    send_test_event,
    update_endpoint,
)

router = feature_router("/webhooks", "webhooks")

NOT_FOUND = {404: error_response("No such endpoint in your organization", "not_found", "Webhook endpoint not found.")}
ENDPOINT_ID = path_id("webhook_endpoint")


class EndpointList(ListEnvelope[EndpointView]):
    pass


class DeliveryList(ListEnvelope[DeliveryView]):
    pass


@router.post("", operation_id="createWebhookEndpoint", response_model=EndpointView, status_code=201,
             summary="Add a webhook endpoint",
             description="Events of the types in `events` are POSTed to `url`, signed with the endpoint's `secret` "
             "(in the answer; see docs/webhooks.md). At most 20 endpoints.",
             responses={**IDEMPOTENT, **live_only("webhook endpoint")})
async def create(body: EndpointCreate, caller: Caller, idempotency_key: IdempotencyKey = None) -> EndpointView:
    return await create_endpoint(caller, body, idempotency_key)


@router.get("", operation_id="listWebhookEndpoints", response_model=EndpointList, summary="List webhook endpoints")
async def list_(caller: Caller) -> EndpointList:
    return EndpointList(data=await list_endpoints(caller), has_more=False, next_cursor=None)


@router.get("/{endpoint_id}", operation_id="getWebhookEndpoint", response_model=EndpointView,
            summary="Get a webhook endpoint", responses=NOT_FOUND)
async def get(caller: Caller, endpoint_id: str = ENDPOINT_ID) -> EndpointView:
    return await get_endpoint(caller, endpoint_id)


@router.patch("/{endpoint_id}", operation_id="updateWebhookEndpoint", response_model=EndpointView,
              summary="Change a webhook endpoint",
              description="Fields left out stay as they are; `enabled: false` stops new events (queued ones still go).",
              responses={**NOT_FOUND, **IDEMPOTENT, **live_only("webhook endpoint")})
async def update(body: EndpointUpdate, caller: Caller, endpoint_id: str = ENDPOINT_ID,
                 idempotency_key: IdempotencyKey = None) -> EndpointView:
    return await update_endpoint(caller, endpoint_id, body, idempotency_key)


@router.delete("/{endpoint_id}", operation_id="deleteWebhookEndpoint", response_model=EndpointView,
               summary="Delete a webhook endpoint", description="Deletes the endpoint and its delivery log.",
               responses={**NOT_FOUND, **live_only("webhook endpoint")})
async def delete(caller: Caller, endpoint_id: str = ENDPOINT_ID) -> EndpointView:
    return await delete_endpoint(caller, endpoint_id)


@router.post("/{endpoint_id}/rotate-secret", operation_id="rotateWebhookEndpointSecret", response_model=EndpointView,
             summary="Rotate an endpoint's signing secret",
             description="The new secret applies at once, to calls still queued too.",
             responses={**NOT_FOUND, **IDEMPOTENT, **live_only("webhook endpoint")})
async def rotate(caller: Caller, endpoint_id: str = ENDPOINT_ID, idempotency_key: IdempotencyKey = None) -> EndpointView:
    return await rotate_endpoint_secret(caller, endpoint_id, idempotency_key)


@router.post("/{endpoint_id}/test", operation_id="sendWebhookTestEvent", response_model=DeliveryView,
             status_code=202, summary="Send a test event",
             description="Queues a `webhook.test` event to this endpoint alone; its delivery shows in the log.",
             responses={**NOT_FOUND, **live_only("webhook endpoint")})
async def test(caller: Caller, endpoint_id: str = ENDPOINT_ID) -> DeliveryView:
    return await send_test_event(caller, endpoint_id)


@router.get("/{endpoint_id}/deliveries", operation_id="listWebhookDeliveries", response_model=DeliveryList,
            summary="An endpoint's delivery log", description="Newest first, cursor-paginated.", responses=NOT_FOUND)
async def deliveries(caller: Caller, endpoint_id: str = ENDPOINT_ID, limit: int = limit_query(),
                     cursor: str = cursor_query()) -> DeliveryList:
    page = await list_deliveries(caller, endpoint_id, limit, cursor, size_field="limit", cursor_field="cursor")
    return DeliveryList.of(page)
