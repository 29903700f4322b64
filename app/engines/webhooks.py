"""Webhook deliveries of automation steps: which URLs may be called, the signature, one POST.

Address policy: only http(s) URLs, and never an address that is not globally routable
(loopback, private, link-local such as the cloud metadata 169.254.169.254, carrier-grade
NAT, multicast, reserved), so an automation cannot probe the server's own network. A URL
whose host is such a literal address (or `localhost`) is refused when the automation is
saved; a host name is resolved at each delivery, refused if ANY address it resolves to is
blocked, and the request is sent to the checked address (the name goes in Host and TLS SNI),
so a DNS answer cannot change between the check and the connection. Redirects are not
followed. `VIPERATRON_WEBHOOK_ALLOW_PRIVATE=true` lifts the address check (tests, or a
deployment whose receivers are on its own network).

Signature (Stripe-style): header `Viperatron-Signature: t=<unix seconds>,v1=<hex>` where
hex = HMAC-SHA256(automation's webhook secret, "<t>." + raw body). `Viperatron-Webhook-Id`
stays the same across retries of one delivery, so receivers can drop duplicates.
`Viperatron-Sandbox: true` marks a test-mode run's call (also `"sandbox": true` in the signed
body, the one to trust).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import json
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

USER_AGENT = "Viperatron-Webhooks/1.0"
SIGNATURE_HEADER = "Viperatron-Signature"
ID_HEADER = "Viperatron-Webhook-Id"
ATTEMPT_HEADER = "Viperatron-Webhook-Attempt"
SANDBOX_HEADER = "Viperatron-Sandbox"
MAX_URL_LENGTH = 2048
EXCERPT_BYTES = 1024
# One TLS context for every call: building one loads the CA bundle (tens of ms of CPU on the
# event loop), which a client per call would pay every time.
TLS = ssl.create_default_context()


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


def _literal(host: str) -> IpAddress | None:
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
    address = _literal(host)
    if (address is not None and blocked(address)) or host == "localhost" or host.endswith(".localhost"):
        raise BadUrl(
            "blocked_address",
            "Webhooks cannot call loopback, private or link-local addresses "
            "(set VIPERATRON_WEBHOOK_ALLOW_PRIVATE=true to allow them).",
        )
    return url


async def _resolve(host: str, port: int) -> list[IpAddress]:
    literal = _literal(host)
    if literal is not None:
        return [literal]
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos))


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, header: str, body: bytes, tolerance_seconds: int = 300) -> bool:
    """The receiver's side (documented in the README; used by the tests)."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > tolerance_seconds:
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, fields.get("v1", ""))


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    retryable: bool
    detail: str


def _pinned(url: str, address: IpAddress) -> tuple[str, str]:
    """The URL with its host replaced by the checked address, and the Host header value."""
    def bracketed(host: str) -> str:
        return f"[{host}]" if ":" in host else host

    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = (f"{userinfo}@" if userinfo else "") + bracketed(str(address)) + port
    return urlunsplit(parts._replace(netloc=netloc)), bracketed(parts.hostname or "") + port


async def deliver(
    url: str, secret: str, payload: dict[str, Any], delivery_id: str, attempt: int, policy: Policy,
    *, sandbox: bool = False,
) -> Outcome:
    """POST the payload once; never raises for network trouble (it becomes the outcome)."""
    try:
        check_url(url, policy.allow_private)
    except BadUrl as exc:
        return Outcome(False, False, str(exc))
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = await _resolve(host, port)
    except (OSError, UnicodeError) as exc:
        return Outcome(False, True, f"could not resolve {host}: {exc}")
    if not policy.allow_private and any(blocked(a) for a in addresses):
        return Outcome(False, False, f"{host} resolves to a blocked address; not called")
    target, host_header = _pinned(url, addresses[0])
    body = json.dumps(payload, separators=(",", ":"), default=str).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Host": host_header,
        ID_HEADER: delivery_id,
        ATTEMPT_HEADER: str(attempt),
        SANDBOX_HEADER: "true" if sandbox else "false",
        SIGNATURE_HEADER: sign(secret, int(time.time()), body),
    }
    extensions = {"sni_hostname": host} if parts.scheme == "https" and _literal(host) is None else {}
    started = time.monotonic()
    try:
        # httpx's timeouts are per read: one deadline for the whole try, however slowly the
        # receiver drips its answer.
        async with asyncio.timeout(policy.timeout_seconds), httpx.AsyncClient(
            timeout=policy.timeout_seconds, follow_redirects=False, trust_env=False, verify=TLS
        ) as client:
            # Streamed: only the first bytes of the answer are read (a receiver cannot make
            # the worker hold a huge body), enough for the log.
            request = client.build_request("POST", target, content=body, headers=headers, extensions=extensions)
            response = await client.send(request, stream=True)
            try:
                head = b""
                if not 200 <= response.status_code < 300:
                    async for chunk in response.aiter_raw():
                        head += chunk
                        if len(head) >= EXCERPT_BYTES:
                            break
            finally:
                await response.aclose()
    except (httpx.TimeoutException, TimeoutError):
        return Outcome(False, True, f"no answer within {policy.timeout_seconds:g} s")
    except httpx.InvalidURL as exc:
        return Outcome(False, False, f"invalid URL: {exc}"[:300])
    except httpx.HTTPError as exc:
        return Outcome(False, True, f"connection failed: {type(exc).__name__}: {exc}"[:300])
    took = (time.monotonic() - started) * 1000
    if 200 <= response.status_code < 300:
        return Outcome(True, False, f"HTTP {response.status_code} in {took:.0f} ms")
    excerpt = " ".join(head[:200].decode("utf-8", "replace").split())
    return Outcome(False, True, f"HTTP {response.status_code}" + (f": {excerpt}" if excerpt else ""))
