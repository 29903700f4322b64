"""The documented `/api/v1` REST API: thin adapters over the resolvers in `schema/`."""

from fastapi import APIRouter, Depends

from app.guard import require_principal
from rest_compat import contacts, delivery, events
from rest_compat.common import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1", dependencies=[Depends(require_principal)], responses=ERROR_RESPONSES)
router.include_router(delivery.router)
router.include_router(contacts.router)
router.include_router(events.router)
