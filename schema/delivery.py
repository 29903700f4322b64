"""Delivery: send an email (validated, rendered, stored as `queued`) and read a message."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Optional

import strawberry
from pydantic import Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError
from strawberry.scalars import JSON

from app import templating
from app.auth import Principal
from app.errors import ApiError, invalid, not_found
from app.validation import EmailAddress, HeaderText, JsonObject, Mailbox, OneOrMany
from models import Contact, Message
from schema.common import ApiModel, UserError, user_errors, validated
from schema.contacts import email_key

MAX_RECIPIENTS = 50
MAX_BODY_CHARS = 512 * 1024


class SendEmail(ApiModel):
    """Body of `POST /api/v1/delivery/send` and GraphQL `SendEmailInput`."""

    to: Annotated[list[EmailAddress], OneOrMany, Field(min_length=1, max_length=MAX_RECIPIENTS)]
    from_: Mailbox = Field(alias="from")
    subject: Annotated[HeaderText, StringConstraints(min_length=1, max_length=998)]
    html: Optional[Annotated[str, StringConstraints(max_length=MAX_BODY_CHARS)]] = None
    text: Optional[Annotated[str, StringConstraints(max_length=MAX_BODY_CHARS)]] = None
    variables: Optional[JsonObject] = None

    model_config = ApiModel.model_config | {
        "json_schema_extra": {
            "examples": [
                {
                    "to": "customer@example.com",
                    "subject": "Welcome to Acme",
                    "html": "<h1>Hi {{firstName}}</h1><p>Thanks for signing up.</p>",
                    "from": "hello@acme.com",
                }
            ]
        }
    }

    @model_validator(mode="after")
    def _needs_a_body(self) -> "SendEmail":
        if not self.html and not self.text:
            raise PydanticCustomError("missing", "Give `html`, `text` or both.", {"field": "html"})
        return self


class SendResult(ApiModel):
    message_id: str
    status: str


class MessageView(ApiModel):
    id: str
    status: str
    to: list[str]
    from_: str = Field(alias="from")
    subject: str
    html: Optional[str]
    text: Optional[str]
    sandbox: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, message: Message) -> "MessageView":
        return cls(
            id=message.id,
            status=message.status,
            to=message.to,
            from_=message.from_address,
            subject=message.subject,
            html=message.html,
            text=message.text,
            sandbox=message.sandbox,
            created_at=message.created_at,
            updated_at=message.updated_at,
        )


async def _template_variables(organization_id: str, data: SendEmail) -> dict[str, Any]:
    """Contact fields when there is exactly one recipient, overridden by `variables`."""
    values: dict[str, Any] = {}
    if len(data.to) == 1:
        contact = await Contact.filter(organization_id=organization_id, email_key=email_key(data.to[0])).first()
        if contact is not None:
            values.update(contact.custom_fields or {})
            values.update(firstName=contact.first_name, lastName=contact.last_name, email=contact.email)
    values.update(data.variables or {})
    return values


def _render(field: str, source: str | None, variables: dict[str, Any], html: bool = False) -> str | None:
    if source is None:
        return None
    try:
        return templating.render(source, variables, html=html)
    except templating.TemplateError as exc:
        raise invalid(field, str(exc), "template_error") from None


async def send_email(principal: Principal, data: SendEmail) -> SendResult:
    for field in ("subject", "html", "text"):  # syntax errors first, before any lookup
        source = getattr(data, field)
        if source is not None:
            try:
                templating.check(source)
            except templating.TemplateError as exc:
                raise invalid(field, str(exc), "template_error") from None
    variables = await _template_variables(principal.organization_id, data)
    subject = _render("subject", data.subject, variables) or ""
    # A variable's value must not smuggle a line break into the Subject header.
    subject = " ".join(subject.splitlines())
    message = await Message.create(
        organization_id=principal.organization_id,
        api_key_id=principal.key_id,
        to=data.to,
        from_address=data.from_,
        subject=subject[:998],
        html=_render("html", data.html, variables, html=True),
        text=_render("text", data.text, variables),
        variables=data.variables or {},
        status="queued",
        sandbox=principal.is_test,
    )
    return SendResult(message_id=message.id, status=message.status)


async def get_message(principal: Principal, message_id: str) -> MessageView:
    message = await Message.filter(id=message_id, organization_id=principal.organization_id).first()
    if message is None:
        raise not_found("Message")
    return MessageView.of(message)


# ----------------------------------------------------------------------------- GraphQL


@strawberry.experimental.pydantic.input(model=SendEmail, name="SendEmailInput")
class SendEmailInput:
    to: list[str]
    from_: str = strawberry.field(name="from")
    subject: str
    html: Optional[str] = None
    text: Optional[str] = None
    variables: Optional[JSON] = None


@strawberry.experimental.pydantic.type(model=MessageView, name="Message")
class MessageType:
    id: strawberry.ID
    status: strawberry.auto
    to: strawberry.auto
    from_: str = strawberry.field(name="from")
    subject: strawberry.auto
    html: strawberry.auto
    text: strawberry.auto
    sandbox: strawberry.auto
    created_at: strawberry.auto
    updated_at: strawberry.auto


@strawberry.type
class SendEmailPayload:
    message_id: Optional[strawberry.ID]
    status: Optional[str]
    user_errors: list[UserError]


@strawberry.type
class DeliveryQueries:
    @strawberry.field
    async def message(self, info: strawberry.Info, id: strawberry.ID) -> Optional[MessageType]:
        try:
            return MessageType.from_pydantic(await get_message(info.context["principal"], id))
        except ApiError:
            return None


@strawberry.type
class DeliveryMutations:
    @strawberry.mutation
    async def send_email(self, info: strawberry.Info, input: SendEmailInput) -> SendEmailPayload:
        try:
            result = await send_email(info.context["principal"], validated(input, SendEmail))
        except ApiError as error:
            return SendEmailPayload(message_id=None, status=None, user_errors=user_errors(error))
        return SendEmailPayload(message_id=result.message_id, status=result.status, user_errors=[])
