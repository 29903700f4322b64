"""Which URLs a webhook step may call, decided without DNS when an automation is saved (the
delivery in app/engines/webhooks.py checks the resolved addresses again): only http(s), and no
loopback, private, link-local or otherwise non-global literal address unless
`VIPERATRON_WEBHOOK_ALLOW_PRIVATE=true`."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError

MAX_URL_LENGTH = 2048


@dataclass(frozen=True)
class Policy:
    allow_private: bool = False
    timeout_seconds: float = 10.0
    max_attempts: int = 8
    retry_base_seconds: float = 30.0
    retry_max_interval_seconds: float = 3600.0

    @classmethod
    def from_settings(cls, settings) -> "Policy":
        return cls(
            allow_private=settings.webhook_allow_private,
            timeout_seconds=settings.webhook_timeout_seconds,
            max_attempts=settings.webhook_max_attempts,
            retry_base_seconds=settings.webhook_retry_base_seconds,
            retry_max_interval_seconds=settings.webhook_retry_max_interval_seconds,
        )


# What the API checks URLs against when automations are saved (set by create_app); the
# runner that delivers carries its own Policy.
policy = Policy()


def configure(settings) -> None:
    global policy
    policy = Policy.from_settings(settings)


class BadUrl(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


# Prefixes whose last 32 bits are an IPv4 address that `ipaddress` does not extract itself.
_IPV4_IN_LAST_32 = (
    ipaddress.IPv6Network("::/96"),  # IPv4-compatible, ::a.b.c.d (deprecated)
    ipaddress.IPv6Network("::ffff:0:0:0/96"),  # SIIT IPv4-translated, ::ffff:0:a.b.c.d
    ipaddress.IPv6Network("64:ff9b::/96"),  # NAT64 well-known prefix
)
# RFC 8215 local-use NAT64: where the IPv4 address sits depends on the operator's prefix length.
_LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, compatible, SIIT, NAT64, 6to4, Teredo),
    which is where a packet to it really goes."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]  # the client, un-XOR-ed
    if any(address in network for network in _IPV4_IN_LAST_32):
        return ipaddress.IPv4Address(address.packed[-4:])
    return None


def blocked(address: IpAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        if address in _LOCAL_NAT64:
            return True  # a site's own translator: it may reach anything inside
        address = embedded_ipv4(address) or address
    return not address.is_global or address.is_multicast


def literal_address(host: str) -> IpAddress | None:
    """An address written as the host, including the legacy IPv4 spellings that resolvers
    accept (`2130706433`, `0x7f.1`, `127.1` are all 127.0.0.1)."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if host and all(c in "0123456789abcdefxABCDEFX." for c in host) and host[0].isdigit():
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def check_url(url: str, allow_private: bool | None = None) -> str:
    """What can be decided without DNS: scheme, host, and literal addresses."""
    allow = policy.allow_private if allow_private is None else allow_private
    if len(url) > MAX_URL_LENGTH:
        raise BadUrl("too_long", f"At most {MAX_URL_LENGTH} characters.")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise BadUrl("invalid_url", "Not a valid URL.") from None
    if parts.scheme not in ("http", "https"):
        raise BadUrl("invalid_url", "Only http:// and https:// URLs can be called.")
    host = (parts.hostname or "").rstrip(".")
    if not host or any(c.isspace() for c in url):
        raise BadUrl("invalid_url", "The URL needs a host (and no spaces).")
    if allow:
        return url
    address = literal_address(host)
    if (address is not None and blocked(address)) or host == "localhost" or host.endswith(".localhost"):
        raise BadUrl(
            "blocked_address",
            "Webhooks cannot call loopback, private or link-local addresses "
            "(set VIPERATRON_WEBHOOK_ALLOW_PRIVATE=true to allow them).",
        )
    return url


def _checked(value: str) -> str:
    try:
        return check_url(value)
    except BadUrl as exc:
        raise PydanticCustomError(exc.code, "{message}", {"message": str(exc)}) from None


# A URL webhooks may call, as an API field: the schema states the shape, the check the rest.
WebhookUrl = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1),
    AfterValidator(_checked),
    WithJsonSchema({
        "type": "string",
        "maxLength": MAX_URL_LENGTH,  # (an IRI: any Unicode past the host)
        "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9.-]+(?::[0-9]{1,4})?(?:[/?#][^\\s\\u0000-\\u001f\\u007f-\\u009f]*)?$",
        "description": "http(s) URL; loopback, private and link-local addresses are refused.",
    }),
]
