"""GraphQL types and fields of webhook endpoints: each a few lines calling
schema/webhook_endpoints/resolvers.py."""

from __future__ import annotations

from typing import Annotated, Optional

import strawberry
from strawberry.scalars import JSON

from app.core.errors import ApiError
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
from schema.webhook_endpoints.resolvers import (
    DeliveryStatus,
    DeliveryView,
    EndpointCreate,
    EndpointUpdate,
    EndpointView,
    EventType,
    create_endpoint,
    delete_endpoint,
    get_endpoint,
    list_deliveries,
    list_endpoints,
    rotate_endpoint_secret,
    send_test_event,
    update_endpoint,
)

graphql_enum(EventType, "WebhookEventKind", "An event a webhook endpoint can receive.")
graphql_enum(DeliveryStatus, "WebhookDeliveryStatus", "Where a webhook delivery is.")


@node_type(DeliveryView, name="WebhookDelivery", description="One event sent (or to be sent) to an endpoint.")
class WebhookDeliveryType(DeliveryView, Node):
    id: strawberry.ID
    endpoint_id: strawberry.ID
    event_id: strawberry.ID
    payload: JSON = as_in(DeliveryView, "payload")


@node_type(EndpointView, name="WebhookEndpoint", description="A URL your organization receives events at.")
class WebhookEndpointType(EndpointView, Node):
    id: strawberry.ID

    @strawberry.pydantic.field(description="What was sent to this endpoint, newest first.")
    async def deliveries(self, info: strawberry.Info, first: int = 50,
                         after: Optional[str] = None) -> Connection[WebhookDeliveryType]:
        return connection(await list_deliveries(info.context["principal"], str(self.id), first, after), after)


@strawberry.pydantic.input(name="CreateWebhookEndpointInput")
class CreateWebhookEndpointInput(GraphQLInput):
    url: str
    events: list[EventType]
    description: Optional[str] = ""
    idempotency_key: Annotated[Optional[str], strawberry.field(description=IDEMPOTENCY_HELP)] = None


@strawberry.pydantic.input(name="UpdateWebhookEndpointInput")
class UpdateWebhookEndpointInput(GraphQLInput):
    id: strawberry.ID
    url: Optional[str] = None
    events: Optional[list[EventType]] = None
    description: Optional[str] = None
    enabled: Optional[bool] = None
    idempotency_key: Annotated[Optional[str], strawberry.field(description=IDEMPOTENCY_HELP)] = None


@strawberry.input(name="WebhookEndpointIdInput")
class WebhookEndpointIdInput:
    id: strawberry.ID
    idempotency_key: Annotated[Optional[str], strawberry.field(description=IDEMPOTENCY_HELP)] = None


@strawberry.type
class WebhookEndpointPayload:
    webhook_endpoint: Optional[WebhookEndpointType]
    user_errors: list[UserError]


@strawberry.type
class WebhookTestPayload:
    delivery: Optional[WebhookDeliveryType]
    user_errors: list[UserError]


@strawberry.type
class WebhookQueries:
    @strawberry.field(description="Your organization's webhook endpoints.")
    async def webhook_endpoints(self, info: strawberry.Info) -> list[WebhookEndpointType]:
        return await list_endpoints(info.context["principal"])

    @strawberry.field
    async def webhook_endpoint(self, info: strawberry.Info, id: strawberry.ID) -> Optional[WebhookEndpointType]:
        try:
            return await get_endpoint(info.context["principal"], str(id))
        except ApiError:
            return None


def _payload(view: EndpointView | None = None, error: ApiError | None = None) -> WebhookEndpointPayload:
    return WebhookEndpointPayload(webhook_endpoint=view, user_errors=user_errors(error) if error else [])


@strawberry.type
class WebhookMutations:
    @strawberry.mutation(description="Add a webhook endpoint; its signing secret is in the answer.")
    async def create_webhook_endpoint(self, info: strawberry.Info,
                                      input: CreateWebhookEndpointInput) -> WebhookEndpointPayload:
        try:
            data = validated(input, EndpointCreate)
            return _payload(await create_endpoint(info.context["principal"], data, input.idempotency_key))
        except ApiError as error:
            return _payload(error=error)

    @strawberry.mutation(description="Change an endpoint's URL, events, description, or turn it off and on.")
    async def update_webhook_endpoint(self, info: strawberry.Info,
                                      input: UpdateWebhookEndpointInput) -> WebhookEndpointPayload:
        try:
            data = validated(input, EndpointUpdate)
            view = await update_endpoint(info.context["principal"], str(input.id), data, input.idempotency_key)
            return _payload(view)
        except ApiError as error:
            return _payload(error=error)

    @strawberry.mutation(description="Delete an endpoint and its delivery log.")
    async def delete_webhook_endpoint(self, info: strawberry.Info,
                                      input: WebhookEndpointIdInput) -> WebhookEndpointPayload:
        try:
            return _payload(await delete_endpoint(info.context["principal"], str(input.id)))
        except ApiError as error:
            return _payload(error=error)

    @strawberry.mutation(description="A new signing secret for an endpoint, at once.")
    async def rotate_webhook_endpoint_secret(self, info: strawberry.Info,
                                             input: WebhookEndpointIdInput) -> WebhookEndpointPayload:
        try:
            view = await rotate_endpoint_secret(info.context["principal"], str(input.id), input.idempotency_key)
            return _payload(view)
        except ApiError as error:
            return _payload(error=error)

    @strawberry.mutation(description="Send a `webhook.test` event to an endpoint.")
    async def send_webhook_test_event(self, info: strawberry.Info, input: WebhookEndpointIdInput) -> WebhookTestPayload:
        try:
            return WebhookTestPayload(delivery=await send_test_event(info.context["principal"], str(input.id)),
                                      user_errors=[])
        except ApiError as error:
            return WebhookTestPayload(delivery=None, user_errors=user_errors(error))
