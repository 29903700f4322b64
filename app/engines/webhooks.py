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

from app.core.webhook_urls import BadUrl, IpAddress, Policy, blocked, check_url, literal_address

USER_AGENT = "Viperatron-Webhooks/1.0"
SIGNATURE_HEADER = "Viperatron-Signature"
ID_HEADER = "Viperatron-Webhook-Id"
ATTEMPT_HEADER = "Viperatron-Webhook-Attempt"
SANDBOX_HEADER = "Viperatron-Sandbox"
EXCERPT_BYTES = 1024
# One TLS context for every call: building one loads the CA bundle (tens of ms of CPU on the
# event loop), which a client per call would pay every time.
TLS = ssl.create_default_context()


async def _resolve(host: str, port: int) -> list[IpAddress]:
    literal = literal_address(host)
    if literal is not None:
        return [literal]
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos))


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, header: str, body: bytes, tolerance_seconds: int = 300) -> bool:
    """The receiver's side (documented in docs/automations-and-webhooks.md; used by the tests)."""
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
    extensions = {"sni_hostname": host} if parts.scheme == "https" and literal_address(host) is None else {}
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
