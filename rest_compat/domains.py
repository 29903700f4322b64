"""`/api/v1/domains`: sending domains and their DNS records (schema/domains/resolvers.py)."""

from rest_compat.common import (
    IDEMPOTENT,
    Caller,
    IdempotencyKey,
    ListEnvelope,
    ServerSettings,
    error_response,
    feature_router,
    live_only,
    path_id,
)
from schema.domains.resolvers import (
    DomainCreate,
    DomainView,
    create_domain,
    delete_domain,
    get_domain,
    list_domains,
    verify_domain,
)

router = feature_router("/domains", "domains")

NOT_FOUND = {404: error_response("No such domain in your organization", "not_found", "Domain not found.")}
DOMAIN_ID = path_id("domain")


class DomainList(ListEnvelope[DomainView]):
    pass


@router.post(
    "",
    operation_id="createDomain",
    response_model=DomainView,
    status_code=201,
    summary="Add a sending domain",
    description="Creates the domain's DKIM key pair (RSA-2048; the private key never leaves the server and is "
    "stored encrypted) and answers the DNS records to publish: the DKIM key (`TXT <selector>._domainkey."
    "<name>`), SPF and MX records for the bounce domain `bounces.<name>`, and a DMARC suggestion. Then call "
    "`POST /domains/{id}/verify`. Mail from the domain (or its subdomains) is DKIM-signed from now on.",
    responses={409: error_response("The domain is already set up", "conflict", "This domain is already set up "
                                   "in your organization."), **IDEMPOTENT, **live_only("domain"),
               503: error_response("The server has no secret key to encrypt DKIM keys with", "unavailable",
                                   "This server has no VIPERATRON_SECRET_KEY.")},
)
async def create(body: DomainCreate, caller: Caller, settings: ServerSettings,
                 idempotency_key: IdempotencyKey = None) -> DomainView:
    return await create_domain(settings, caller, body, idempotency_key)


@router.get("", operation_id="listDomains", response_model=DomainList, summary="List sending domains",
            description="Every domain of your organization, by name (at most 100).")
async def list_(caller: Caller, settings: ServerSettings) -> DomainList:
    items = await list_domains(settings, caller)
    return DomainList(data=items, has_more=False, next_cursor=None)


@router.get("/{domain_id}", operation_id="getDomain", response_model=DomainView, summary="Get a sending domain",
            description="The domain and the status of each DNS record as last checked.", responses=NOT_FOUND)
async def get(caller: Caller, settings: ServerSettings, domain_id: str = DOMAIN_ID) -> DomainView:
    return await get_domain(settings, caller, domain_id)


@router.post("/{domain_id}/verify", operation_id="verifyDomain", response_model=DomainView,
             summary="Check a domain's DNS records now",
             description="Looks every record up in DNS and answers what was found: the domain is `verified` once its "
             "DKIM record is published. Domains are also re-checked every hour. If DNS does not answer, the "
             "previous results are kept.", responses=NOT_FOUND)
async def verify(caller: Caller, settings: ServerSettings, domain_id: str = DOMAIN_ID) -> DomainView:
    return await verify_domain(settings, caller, domain_id)


@router.delete("/{domain_id}", operation_id="deleteDomain", response_model=DomainView,
               summary="Remove a sending domain",
               description="Deletes the domain and its DKIM key: mail from it is no longer signed (and, where the "
               "server requires verified domains, refused). Answers the removed domain.",
               responses={**NOT_FOUND, **live_only("domain")})
async def delete(caller: Caller, settings: ServerSettings, domain_id: str = DOMAIN_ID) -> DomainView:
    return await delete_domain(settings, caller, domain_id)
