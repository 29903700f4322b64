"""Sending domains: a DKIM key pair per domain, the DNS records to publish, their checks, and
what the send path and the worker ask of them (docs/domains.md).

A domain is `verified` once its DKIM record is published with our public key: that is what
receivers check. The SPF and return-path records (on `bounces.<domain>`, the envelope domain
of bounces) and the DMARC suggestion are checked and reported record by record.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Callable, Optional, Protocol
from urllib.parse import urlsplit

import dns.asyncresolver
import dns.exception
import dns.resolver
from cachetools import TTLCache
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import Field, field_validator
from tortoise.exceptions import IntegrityError

from app.core import clock
from app.core.errors import ApiError, ErrorCode, FieldError, invalid
from app.core.ids import require_id
from app.core.principal import Principal, check_may_change
from app.core.sealed import InvalidToken, open_sealed, seal
from app.core.settings import Settings
from models import Domain
from schema.contracts import ApiModel, ViewModel
from schema.idempotency.resolvers import idempotent

log = logging.getLogger("viperatron.domains")

SEAL_PURPOSE = "dkim-private-keys"
KEY_BITS = 2048
BOUNCE_LABEL = "bounces"
DNS_TIMEOUT_SECONDS = 5.0
MAX_DOMAINS = 100  # per organization


class DomainStatus(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"


class RecordStatus(StrEnum):
    PENDING = "pending"  # not found in DNS (yet)
    VERIFIED = "verified"
    INVALID = "invalid"  # a record is there, with another value


class RecordType(StrEnum):
    TXT = "TXT"
    MX = "MX"


class RecordPurpose(StrEnum):
    DKIM = "dkim"
    SPF = "spf"
    RETURN_PATH = "return_path"
    DMARC = "dmarc"


# Letters, digits and hyphens in dot-separated labels, the last one starting with a letter (an
# internationalized name in its ASCII `xn--` form).
DOMAIN_PATTERN = r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$"


def normalize_domain(value: str) -> str:
    """The lower-case name; ValueError with a reason otherwise."""
    if not re.fullmatch(DOMAIN_PATTERN, value):
        raise ValueError("Give a domain name such as mail.example.com: letters, digits and hyphens between dots "
                         "(an internationalized name in its xn-- form).")
    name = value.lower()
    labels = name.split(".")
    if len(labels) < 2 or len(name) > 253:
        raise ValueError("Give a full domain name with a dot, e.g. mail.example.com.")
    for label in labels:
        if not label or len(label) > 63 or label.startswith("-") or label.endswith("-") or not all(
            c.isalnum() or c == "-" for c in label
        ):
            raise ValueError(f"`{label}` is not a valid label of a domain name.")
    if labels[-1].isdigit():
        raise ValueError("An IP address is not a domain name.")
    return name


class DomainCreate(ApiModel):
    name: str = Field(max_length=253, pattern=DOMAIN_PATTERN, examples=["acme.com"],
                      description="The domain your From addresses use, e.g. `acme.com` (an internationalized name in "
                      "its ASCII `xn--` form).")

    @field_validator("name")
    @classmethod
    def _domain(cls, value: str) -> str:
        return normalize_domain(value)


class DnsRecord(ViewModel):
    type: RecordType
    name: str = Field(description="The record's full name.")
    value: str = Field(description="What to publish (for MX: priority and host).")
    purpose: RecordPurpose
    status: RecordStatus


class DomainView(ViewModel):
    id: str
    name: str
    status: DomainStatus = Field(description="`verified` once the DKIM record is published; until then `pending`.")
    dns_records: list[DnsRecord]
    created_at: datetime
    verified_at: Optional[datetime] = Field(description="When the DKIM record was first found.")
    checked_at: Optional[datetime] = Field(description="When DNS was last checked.")


# ----------------------------------------------------------------------------- DNS


class Dns(Protocol):
    async def txt(self, name: str) -> list[str] | None: ...

    async def mx(self, name: str) -> list[tuple[int, str]] | None: ...


class DnsUnavailable(Exception):
    """No answer at all (timeouts, no server): what was found before is kept."""


class SystemDns:
    """dnspython's async resolver: the system's servers, or `VIPERATRON_DNS_SERVER`."""

    def __init__(self, server: str | None = None) -> None:
        resolver = dns.asyncresolver.Resolver(configure=server is None)
        if server:
            host, _, port = server.rpartition(":") if server.count(":") == 1 else (server, "", "")
            resolver.nameservers = [host or server]
            if port:
                resolver.port = int(port)
        resolver.lifetime = DNS_TIMEOUT_SECONDS
        self._resolver = resolver

    async def _query(self, name: str, kind: str):
        try:
            return await self._resolver.resolve(name, kind, raise_on_no_answer=False)
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            return None
        except (dns.exception.Timeout, dns.resolver.NoNameservers) as exc:
            raise DnsUnavailable(str(exc)) from None

    async def txt(self, name: str) -> list[str] | None:
        answer = await self._query(name, "TXT")
        if answer is None or answer.rrset is None:
            return []
        return [b"".join(r.strings).decode("utf-8", "replace") for r in answer]

    async def mx(self, name: str) -> list[tuple[int, str]] | None:
        answer = await self._query(name, "MX")
        if answer is None or answer.rrset is None:
            return []
        return [(r.preference, r.exchange.to_text(omit_final_dot=True).lower()) for r in answer]


def _tags(record: str) -> dict[str, str]:
    tags = {}
    for part in record.split(";"):
        key, sep, value = part.partition("=")
        if sep:
            tags[key.strip().lower()] = "".join(value.split())
    return tags


def sending_host(settings: Settings) -> str:
    """The host receivers see us as: the public URL's (the SPF and MX suggestions name it)."""
    return (urlsplit(settings.public_url).hostname or "localhost").lower()


@dataclass(frozen=True)
class _Wanted:
    purpose: RecordPurpose
    type: RecordType
    name: str
    value: str
    found: Callable[[list], RecordStatus]


def _wanted(settings: Settings, domain: Domain) -> list[_Wanted]:
    host = sending_host(settings)
    bounce = f"{BOUNCE_LABEL}.{domain.name}"
    spf_mechanism = f"a:{host}"

    def dkim(records: list[str]) -> RecordStatus:
        keys = [_tags(r) for r in records if "p=" in r]
        if any(t.get("p") == domain.dkim_public_key for t in keys):
            return RecordStatus.VERIFIED
        return RecordStatus.INVALID if keys else RecordStatus.PENDING

    def spf(records: list[str]) -> RecordStatus:
        spfs = [r.lower().split() for r in records if r.lower().startswith("v=spf1")]
        if any(spf_mechanism in terms or f"+{spf_mechanism}" in terms for terms in spfs):
            return RecordStatus.VERIFIED
        return RecordStatus.INVALID if spfs else RecordStatus.PENDING

    def mx(records: list[tuple[int, str]]) -> RecordStatus:
        if any(exchange == host for _, exchange in records):
            return RecordStatus.VERIFIED
        return RecordStatus.INVALID if records else RecordStatus.PENDING

    def dmarc(records: list[str]) -> RecordStatus:
        return RecordStatus.VERIFIED if any(r.startswith("v=DMARC1") for r in records) else RecordStatus.PENDING

    return [
        _Wanted(RecordPurpose.DKIM, RecordType.TXT, f"{domain.selector}._domainkey.{domain.name}",
                f"v=DKIM1; k=rsa; p={domain.dkim_public_key}", dkim),
        _Wanted(RecordPurpose.SPF, RecordType.TXT, bounce, f"v=spf1 {spf_mechanism} ~all", spf),
        _Wanted(RecordPurpose.RETURN_PATH, RecordType.MX, bounce, f"10 {host}", mx),
        _Wanted(RecordPurpose.DMARC, RecordType.TXT, f"_dmarc.{domain.name}", "v=DMARC1; p=none; adkim=r; aspf=r", dmarc),
    ]


def domain_view(settings: Settings, domain: Domain) -> DomainView:
    records = [
        DnsRecord(type=w.type, name=w.name, value=w.value, purpose=w.purpose,
                  status=RecordStatus(domain.record_status.get(w.purpose.value, RecordStatus.PENDING.value)))
        for w in _wanted(settings, domain)
    ]
    return DomainView(id=domain.id, name=domain.name, status=DomainStatus(domain.status), dns_records=records,
                      created_at=domain.created_at, verified_at=domain.verified_at, checked_at=domain.checked_at)


async def check_dns(settings: Settings, domain: Domain, resolver: Dns) -> Domain:
    """Look every record up, store what was found; DNS that does not answer changes nothing."""
    found: dict[str, str] = {}
    try:
        for wanted in _wanted(settings, domain):
            answer = await (resolver.mx(wanted.name) if wanted.type == RecordType.MX else resolver.txt(wanted.name))
            found[wanted.purpose.value] = wanted.found(answer or []).value
    except DnsUnavailable as exc:
        log.warning("DNS check of %s (%s) got no answer: %s", domain.name, domain.id, exc)
        return domain
    now = clock.now()
    domain.record_status = found
    verified = found[RecordPurpose.DKIM.value] == RecordStatus.VERIFIED.value
    domain.status = (DomainStatus.VERIFIED if verified else DomainStatus.PENDING).value
    if verified and domain.verified_at is None:
        domain.verified_at = now
    domain.checked_at = now
    await domain.save(update_fields=["record_status", "status", "verified_at", "checked_at"])
    if not verified:
        _forget_verified(domain.organization_id)
    return domain


# ----------------------------------------------------------------------------- keys


def _sealing_key(settings: Settings) -> str:
    if not settings.secret_key:
        raise ApiError(ErrorCode.UNAVAILABLE, "This server has no VIPERATRON_SECRET_KEY, which DKIM private keys are "
                       "encrypted with; its operator must set one (make serve creates one).")
    return settings.secret_key


def _new_key_pair() -> tuple[bytes, str]:
    """An RSA-2048 key: its PKCS#1 PEM (what dkimpy signs with) and the base64 DER public key."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
    public = private.public_key().public_bytes(serialization.Encoding.DER,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    return pem, base64.b64encode(public).decode("ascii")


# ----------------------------------------------------------------------------- API


def _not_found() -> ApiError:
    return ApiError(ErrorCode.NOT_FOUND, "Domain not found.")


async def _get(principal: Principal, domain_id: str) -> Domain:
    domain = await Domain.filter(id=require_id("domain", domain_id), organization_id=principal.organization_id).first()
    if domain is None:
        raise _not_found()
    return domain


async def create_domain(settings: Settings, principal: Principal, data: DomainCreate,
                        idempotency_key: str | None = None) -> DomainView:
    """A new sending domain with its DKIM key pair; the answer lists the DNS records to publish."""
    check_may_change(principal, False, "domain")  # a test key does not change how live mail is signed
    secret = _sealing_key(settings)

    async def run() -> tuple[DomainView, int]:
        if await Domain.filter(organization_id=principal.organization_id).count() >= MAX_DOMAINS:
            raise invalid("name", f"An organization has at most {MAX_DOMAINS} domains.", "too_many")
        pem, public = await asyncio.to_thread(_new_key_pair)
        try:
            domain = await Domain.create(
                organization_id=principal.organization_id, name=data.name, selector=f"vt{clock.now():%Y%m}",
                dkim_public_key=public, dkim_private_key=seal(secret, SEAL_PURPOSE, pem), record_status={},
            )
        except IntegrityError:
            raise ApiError(ErrorCode.CONFLICT, "This domain is already set up in your organization.",
                           [FieldError("name", "This domain is already set up.", "conflict")]) from None
        return domain_view(settings, domain), 201

    return (await idempotent(principal, idempotency_key, "domains.create", data, run, DomainView)).result


async def list_domains(settings: Settings, principal: Principal) -> list[DomainView]:
    rows = await Domain.filter(organization_id=principal.organization_id).order_by("name")
    return [domain_view(settings, d) for d in rows]


async def get_domain(settings: Settings, principal: Principal, domain_id: str) -> DomainView:
    return domain_view(settings, await _get(principal, domain_id))


async def verify_domain(settings: Settings, principal: Principal, domain_id: str,
                        resolver: Dns | None = None) -> DomainView:
    """Check the domain's DNS records now (through `VIPERATRON_DNS_SERVER` or the system's)."""
    domain = await _get(principal, domain_id)
    return domain_view(settings, await check_dns(settings, domain, resolver or SystemDns(settings.dns_server)))


async def delete_domain(settings: Settings, principal: Principal, domain_id: str,
                        idempotency_key: str | None = None) -> DomainView:
    """Forget a domain and its key: its mail is no longer signed."""

    async def run() -> tuple[DomainView, int]:
        domain = await _get(principal, domain_id)
        check_may_change(principal, False, "domain")
        await Domain.filter(id=domain.id).delete()
        _forget_verified(principal.organization_id)
        return domain_view(settings, domain), 200

    request = {"id": domain_id}
    return (await idempotent(principal, idempotency_key, "domains.delete", request, run, DomainView)).result


# ----------------------------------------------------------------------------- send path and worker


def _parents(name: str) -> list[str]:
    """`news.acme.com` -> [`news.acme.com`, `acme.com`]: a domain covers its subdomains."""
    labels = name.split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]


def domain_of(address: str) -> str:
    domain = address.rpartition("@")[2].strip().rstrip(">").lower()
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain


# Every send checks its From domain when the server requires verified domains: a yes is kept a
# short while (a domain deleted, or found unverified by the re-check, in another process is
# refused within this time; in this process at once). A no is never kept: a domain verified a
# moment ago sends at once.
VERIFIED_CACHE_SECONDS = 30
_verified_senders: TTLCache[tuple[str, str], bool] = TTLCache(maxsize=10_000, ttl=VERIFIED_CACHE_SECONDS)


def _forget_verified(organization_id: str) -> None:
    for key in [k for k in list(_verified_senders) if k[0] == organization_id]:
        _verified_senders.pop(key, None)


async def require_verified_sender(organization_id: str, from_address: str) -> None:
    """The From domain (or a parent) must be a verified domain of the organization."""
    name = domain_of(from_address)
    if (organization_id, name) in _verified_senders:
        return
    if await Domain.filter(organization_id=organization_id, name__in=_parents(name), status="verified").exists():
        _verified_senders[(organization_id, name)] = True
        return
    raise ApiError(ErrorCode.DOMAIN_NOT_VERIFIED,
                   f"Mail from {name} needs a verified sending domain: add it (POST /api/v1/domains), publish its "
                   "DNS records, then verify it.",
                   [FieldError("from", f"{name} is not a verified domain of your organization.",
                               "domain_not_verified")])


@dataclass(frozen=True)
class SigningKey:
    domain: str  # d=
    selector: str  # s=
    private_pem: bytes


async def signing_key(settings: Settings, organization_id: str, from_domain: str) -> SigningKey | None:
    """The key mail from `from_domain` is signed with: its own domain's, else a parent's."""
    candidates = _parents(from_domain)
    rows = await Domain.filter(organization_id=organization_id, name__in=candidates)
    if not rows or not settings.secret_key:
        return None
    row = max(rows, key=lambda d: len(d.name))  # the most specific
    try:
        pem = open_sealed(settings.secret_key, SEAL_PURPOSE, row.dkim_private_key)
    except InvalidToken:
        log.error("the DKIM key of %s cannot be opened: was VIPERATRON_SECRET_KEY changed?", row.name)
        return None
    return SigningKey(domain=row.name, selector=row.selector, private_pem=pem)


async def recheck_domains(settings: Settings, older_than: datetime, limit: int = 50,
                          resolver: Dns | None = None) -> int:
    """Re-check the DNS of domains not checked since `older_than` (the worker's periodic pass)."""
    resolver = resolver or SystemDns(settings.dns_server)
    rows = await Domain.filter(checked_at__lt=older_than).order_by("checked_at").limit(limit)
    rows += await Domain.filter(checked_at__isnull=True).limit(limit)
    for domain in rows[:limit]:
        await check_dns(settings, domain, resolver)
    return len(rows[:limit])


async def bounce_domain(organization_id: str, from_address: str) -> str | None:
    """`bounces.<domain>` of the most specific sending domain of the From domain (or a parent)
    whose bounce MX record (`return_path`) was found pointing at us; else None. A domain whose
    MX is not published yet is not used: receivers refuse a sender domain that has no MX."""
    rows = await Domain.filter(organization_id=organization_id, name__in=_parents(domain_of(from_address)))
    wanted = RecordStatus.VERIFIED.value
    ready = [d for d in rows if (d.record_status or {}).get(RecordPurpose.RETURN_PATH.value) == wanted]
    if not ready:
        return None
    return f"{BOUNCE_LABEL}.{max(ready, key=lambda d: len(d.name)).name}"
