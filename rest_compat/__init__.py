"""The documented `/api/v1` REST API: thin adapters over the resolvers in `schema/`."""

from fastapi import APIRouter

from app.web.guard import GuardedRoute
from rest_compat import (
    analytics,
    automations,
    contacts,
    delivery,
    domains,
    events,
    imports,
    lean,
    suppressions,
    tracking,
    webhooks,
)
from rest_compat.common import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1", route_class=GuardedRoute, responses=ERROR_RESPONSES)
router.include_router(delivery.router)
router.include_router(imports.router)  # before contacts: /contacts/import is not a contact id
router.include_router(contacts.router)
router.include_router(events.router)
router.include_router(suppressions.router)
router.include_router(analytics.router)
router.include_router(automations.router)
router.include_router(domains.router)
router.include_router(tracking.router)
router.include_router(webhooks.router)

# The hottest operations' common case, answered before the app's own routing (rest_compat.lean).
hot_routes = lean.lean_routes(router.prefix, [delivery.router, contacts.router, events.router])
