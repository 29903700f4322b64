"""Tortoise models, one file per feature. Tortoise loads this package as app `models`."""

from models.accounts import AccountToken, LoginFailure, Membership, User, UserSession
from models.automations import Automation, AutomationRun, AutomationStepLog
from models.contacts import Contact, ContactTag
from models.delivery import Message, MessageAttachment, MessageEvent, MessageRecipient, MessageTag
from models.domains import Domain
from models.events import Event, EventRollup
from models.idempotency import IdempotencyRecord
from models.imports import ImportChunk, ImportJob
from models.organizations import ApiKey, Organization
from models.suppressions import Suppression
from models.tracking import MessageEngagement
from models.webhooks import WebhookDelivery, WebhookEndpoint

__all__ = [
    "ApiKey",
    "Organization",
    "Contact",
    "ContactTag",
    "Message",
    "MessageAttachment",
    "MessageEvent",
    "MessageRecipient",
    "MessageTag",
    "Event",
    "EventRollup",
    "IdempotencyRecord",
    "ImportChunk",
    "ImportJob",
    "Suppression",
    "Automation",
    "AutomationRun",
    "AutomationStepLog",
    "AccountToken",
    "LoginFailure",
    "Membership",
    "User",
    "UserSession",
    "Domain",
    "MessageEngagement",
    "WebhookEndpoint",
    "WebhookDelivery",
]
