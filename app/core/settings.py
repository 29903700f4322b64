"""Configuration from the environment (12-factor); every variable is optional."""

from __future__ import annotations

import os
from dataclasses import dataclass


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return int(raw)


def _bool(name: str, default: bool) -> bool:
    raw = (os.environ.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name} must be true or false, not {raw!r}")


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return float(raw)


def _choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = (os.environ.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, not {raw!r}")
    return raw


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite://viperatron.db"
    redis_url: str | None = None
    smtp_url: str | None = None
    # The name the worker gives in EHLO (an `?ehlo=` in SMTP_URL wins); None: this machine's
    # fully qualified name (app.engines.transports.default_ehlo_name).
    ehlo_name: str | None = None
    outbox_dir: str = "./outbox"
    rate_per_minute: int = 60
    rate_per_day: int = 10_000
    # Request bodies above this are refused with 413 before they are read whole.
    max_body_bytes: int = 1024 * 1024
    # Revocation is seen by every process within this many seconds (auth cache TTL).
    key_cache_seconds: float = 5.0
    # How often last-used timestamps are written back (no write per request).
    last_used_flush_seconds: float = 30.0
    # Bodies of /api/v1/delivery/* and /graphql may carry attachments (10 MiB decoded).
    max_send_body_bytes: int = 16 * 1024 * 1024
    # Bodies of /api/v1/contacts/import (the uploaded file; streamed into the database).
    max_import_body_bytes: int = 100 * 1024 * 1024
    # Delivery worker: parallel sends per worker (also its SMTP connection pool size), how
    # long a claim lasts before a killed worker's message is claimable again, the idle poll.
    worker_concurrency: int = 4
    lease_seconds: float = 300.0
    idle_poll_seconds: float = 1.0
    # Retries of deferred messages: first after ~30 s, doubling, at most 2 h apart, given
    # up ~24 h after the message was due (each try is jittered by +-20 %).
    retry_base_seconds: float = 30.0
    retry_max_interval_seconds: float = 7200.0
    retry_give_up_seconds: float = 86400.0
    # Webhook steps: loopback/private/link-local receivers are refused unless allowed; each
    # try has this long in all (connecting to the answer's last byte); failed tries are
    # retried ~30 s, 1 min, 2 min, ... (at most 1 h apart, +-20 % jitter) until the step has
    # been tried this many times.
    webhook_allow_private: bool = False
    webhook_timeout_seconds: float = 10.0
    webhook_max_attempts: int = 8
    webhook_retry_base_seconds: float = 30.0
    webhook_retry_max_interval_seconds: float = 3600.0
    # --- request bounds ---
    # Every request is answered within this many seconds (504 `timeout` past it; its database
    # work is cancelled, and no PostgreSQL statement of this process runs longer).
    request_deadline_seconds: float = 10.0
    # A GraphQL request that may return more nodes than this is refused before it runs.
    graphql_max_nodes: int = 1000
    # While another organization is active, one organization runs at most this many requests
    # at once in one API process (the rest wait their turn); alone, it is never held back.
    # 0 turns the fair share off.
    org_max_concurrent_requests: int = 2
    # --- API key cache (errors/auth): how many real keys one process keeps resolved; lookups
    # of unknown keys are kept apart (a few thousand), so a flood of them never evicts these.
    key_cache_size: int = 50_000
    # Workers (leases and fairness): one SMTP send (connecting, and the transaction up to the
    # server's last reply) has this long in all, however slowly the server answers; then it
    # is retried later. Claims are renewed while the work runs, so the lease never runs out
    # under a slow server.
    smtp_timeout_seconds: float = 60.0
    # At most this many messages (and, separately, automation runs) of one organization in
    # flight in one worker process, so one organization's slow receivers or backlog leave
    # slots for the others. 0: the worker concurrency less one (at least one).
    org_max_in_flight: int = 0
    # --- accounts (docs/accounts.md) ---
    # Base URL of the links the service mails out (verification, password reset, invitations).
    public_url: str = "http://127.0.0.1:8000"
    # Keys the digests of account tokens (sessions, links); unset: plain SHA-256.
    secret_key: str | None = None
    # open: anyone signs up (a new organization each); invite: the first account owns
    # `default`, later ones need an invitation; closed: no sign-up (invitations, CLI only).
    signup: str = "invite"
    # The sender of account emails.
    mail_from: str = "Viperatron <no-reply@viperatron.example.com>"
    session_idle_seconds: float = 14 * 86400.0
    # Login throttle: this many failures within the window lock an account (and, apart, a
    # client address) until the oldest failure leaves the window.
    login_max_failures: int = 10
    login_window_seconds: float = 900.0
    # Budget of a signed-in person on /graphql (per person, like a key's).
    user_rate_per_minute: int = 600
    user_rate_per_day: int = 100_000
    # --- sending domains (docs/domains.md) ---
    # Refuse sends whose From domain is not a verified domain of the organization
    # (422 domain_not_verified). None: on when public_url is https, off otherwise.
    require_verified_domain: bool | None = None
    # The DNS server domain checks ask ("host" or "host:port"); unset: the system's resolver.
    dns_server: str | None = None
    # How often the worker re-checks the DNS records of domains (pending and verified).
    domain_recheck_seconds: float = 3600.0
    # --- bounces and complaints (docs/domains.md) ---
    # The domain of return paths (bounces+TOKEN@…) for mail whose From domain has no sending
    # domain with its bounce MX published; unset: such mail keeps its From address as the
    # return path (and its bounces do not come back to us).
    bounce_domain: str | None = None
    # The inbound SMTP listener that receives bounces and complaints (`viperatron inbound`, or
    # inside `serve` when a port is set).
    inbound_host: str = "127.0.0.1"
    inbound_port: int | None = None

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")

    @property
    def verified_domains_required(self) -> bool:
        if self.require_verified_domain is not None:
            return self.require_verified_domain
        return self.public_url.startswith("https://")

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(
            database_url=os.environ.get("DATABASE_URL") or cls.database_url,
            redis_url=os.environ.get("REDIS_URL") or None,
            smtp_url=os.environ.get("SMTP_URL") or None,
            ehlo_name=os.environ.get("VIPERATRON_EHLO_NAME") or None,
            outbox_dir=os.environ.get("OUTBOX_DIR") or cls.outbox_dir,
            rate_per_minute=_int("VIPERATRON_RATE_PER_MINUTE", cls.rate_per_minute),
            rate_per_day=_int("VIPERATRON_RATE_PER_DAY", cls.rate_per_day),
            worker_concurrency=_int("VIPERATRON_WORKER_CONCURRENCY", cls.worker_concurrency),
            lease_seconds=_float("VIPERATRON_LEASE_SECONDS", cls.lease_seconds),
            idle_poll_seconds=_float("VIPERATRON_IDLE_POLL_SECONDS", cls.idle_poll_seconds),
            retry_base_seconds=_float("VIPERATRON_RETRY_BASE_SECONDS", cls.retry_base_seconds),
            retry_max_interval_seconds=_float("VIPERATRON_RETRY_MAX_INTERVAL_SECONDS", cls.retry_max_interval_seconds),
            retry_give_up_seconds=_float("VIPERATRON_RETRY_GIVE_UP_SECONDS", cls.retry_give_up_seconds),
            webhook_allow_private=_bool("VIPERATRON_WEBHOOK_ALLOW_PRIVATE", cls.webhook_allow_private),
            webhook_timeout_seconds=_float("VIPERATRON_WEBHOOK_TIMEOUT_SECONDS", cls.webhook_timeout_seconds),
            webhook_max_attempts=_int("VIPERATRON_WEBHOOK_MAX_ATTEMPTS", cls.webhook_max_attempts),
            webhook_retry_base_seconds=_float("VIPERATRON_WEBHOOK_RETRY_BASE_SECONDS", cls.webhook_retry_base_seconds),
            webhook_retry_max_interval_seconds=_float(
                "VIPERATRON_WEBHOOK_RETRY_MAX_INTERVAL_SECONDS", cls.webhook_retry_max_interval_seconds
            ),
            # --- request bounds ---
            request_deadline_seconds=_float("VIPERATRON_REQUEST_DEADLINE_SECONDS", cls.request_deadline_seconds),
            graphql_max_nodes=_int("VIPERATRON_GRAPHQL_MAX_NODES", cls.graphql_max_nodes),
            org_max_concurrent_requests=_int(
                "VIPERATRON_ORG_MAX_CONCURRENT_REQUESTS", cls.org_max_concurrent_requests
            ),
            # API key cache
            key_cache_size=_int("VIPERATRON_KEY_CACHE_SIZE", cls.key_cache_size),
            # Workers (leases and fairness)
            smtp_timeout_seconds=_float("VIPERATRON_SMTP_TIMEOUT_SECONDS", cls.smtp_timeout_seconds),
            org_max_in_flight=_int("VIPERATRON_ORG_MAX_IN_FLIGHT", cls.org_max_in_flight),
            # accounts
            public_url=(os.environ.get("VIPERATRON_PUBLIC_URL") or cls.public_url).rstrip("/"),
            secret_key=os.environ.get("VIPERATRON_SECRET_KEY") or None,
            signup=_choice("VIPERATRON_SIGNUP", cls.signup, ("open", "invite", "closed")),
            mail_from=os.environ.get("VIPERATRON_MAIL_FROM") or cls.mail_from,
            session_idle_seconds=_float("VIPERATRON_SESSION_IDLE_SECONDS", cls.session_idle_seconds),
            login_max_failures=_int("VIPERATRON_LOGIN_MAX_FAILURES", cls.login_max_failures),
            login_window_seconds=_float("VIPERATRON_LOGIN_WINDOW_SECONDS", cls.login_window_seconds),
            user_rate_per_minute=_int("VIPERATRON_USER_RATE_PER_MINUTE", cls.user_rate_per_minute),
            user_rate_per_day=_int("VIPERATRON_USER_RATE_PER_DAY", cls.user_rate_per_day),
            # sending domains
            require_verified_domain=(_bool("VIPERATRON_REQUIRE_VERIFIED_DOMAIN", False)
                                     if os.environ.get("VIPERATRON_REQUIRE_VERIFIED_DOMAIN") else None),
            dns_server=os.environ.get("VIPERATRON_DNS_SERVER") or None,
            domain_recheck_seconds=_float("VIPERATRON_DOMAIN_RECHECK_SECONDS", cls.domain_recheck_seconds),
            # bounces and complaints
            bounce_domain=(os.environ.get("VIPERATRON_BOUNCE_DOMAIN") or "").strip().rstrip(".").lower() or None,
            inbound_host=os.environ.get("VIPERATRON_INBOUND_HOST") or cls.inbound_host,
            inbound_port=_int("VIPERATRON_INBOUND_PORT", 0) or None,
        )
