"""`node(id)`: any object with a global ID, found by the ID's prefix (app/core/ids.py) through
the feature's own get resolver, so it is scoped to the caller's organization like `contact(id)`:
an ID of another organization, an unknown or a malformed one is null. Costs what the matching
get field costs (one unit, plus what is asked inside it; see schema/cost.py)."""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Optional

import strawberry

from app.core.errors import ApiError
from app.core.ids import PREFIXES
from app.core.principal import Principal
from schema.automations.resolvers import get_automation, get_run
from schema.contacts.resolvers import get_contact
from schema.domains.resolvers import get_domain
from schema.events.resolvers import get_event
from schema.graphql_common import Node
from schema.imports.resolvers import get_import
from schema.messages.resolvers import get_message
from schema.suppressions.resolvers import get_suppression_by_id
from schema.viewer.types import member_node, viewer_node
from schema.webhook_endpoints.resolvers import get_delivery, get_endpoint


async def _viewer(principal: Principal, id: str) -> Any:
    return viewer_node(principal, id)


# Every kind of ID (PREFIXES) -> the resolver that reads one, for the caller's organization.
GETTERS: dict[str, Callable[[Principal, str], Awaitable[Any]] | None] = {
    PREFIXES["organization"]: _viewer,
    PREFIXES["api_key"]: _viewer,
    PREFIXES["contact"]: get_contact,
    PREFIXES["message"]: get_message,
    PREFIXES["event"]: get_event,
    PREFIXES["import"]: get_import,
    PREFIXES["automation"]: get_automation,
    PREFIXES["automation_run"]: get_run,
    PREFIXES["suppression"]: get_suppression_by_id,
    PREFIXES["user"]: member_node,  # people only: a key sees no members
    PREFIXES["webhook_endpoint"]: get_endpoint,
    PREFIXES["webhook_delivery"]: get_delivery,
    PREFIXES["domain"]: None,  # get_domain, which also takes the server's settings (its DNS records name the host)
}


@strawberry.type
class NodeQueries:
    @strawberry.field(description="Any object with a global ID (Relay's refetch), or null when your organization has none with it.")
    async def node(self, info: strawberry.Info, id: strawberry.ID) -> Optional[Node]:
        prefix = str(id).partition("_")[0]
        if prefix not in GETTERS:
            return None
        try:
            if prefix == PREFIXES["domain"]:
                return await get_domain(info.context["settings"], info.context["principal"], str(id))
            return await GETTERS[prefix](info.context["principal"], str(id))
        except ApiError:
            return None
