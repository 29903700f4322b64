"""Tortoise models, one file per feature. Tortoise loads this package as app `models`."""

from models.organizations import ApiKey, Organization
from models.contacts import Contact, ContactTag
from models.delivery import Message
from models.events import Event

__all__ = ["ApiKey", "Organization", "Contact", "ContactTag", "Message", "Event"]
