"""Accounts: people, sessions, one-time links, members and the organization's API keys.

Plain async functions (docs/accounts.md). The signed-out operations (sign up, log in, verify,
reset a password, accept an invitation, the first-start owner link) take the settings and a
contract; the signed-in ones take the caller (a Principal) first, like every resolver.
Account emails (verification, password reset, invitation) go through Viperatron's own
delivery pipeline (`queue_email`), from `VIPERATRON_MAIL_FROM`, as the organization's mail.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import Field
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app.core import clock
from app.core.db import dialect
from app.core.errors import ApiError, ErrorCode, FieldError, invalid
from app.core.ids import require_id
from app.core.principal import Principal
from app.core.settings import Settings
from app.core.tokens import display_prefix, generate_key, hash_key, new_token, token_digest
from app.core.validation import EmailAddress, email_key
from models import AccountToken, ApiKey, LoginFailure, Membership, Organization, User, UserSession
from schema.contracts import ApiModel, ViewModel
from schema.delivery.resolvers import SendEmail, queue_email
from schema.idempotency.resolvers import idempotent

DEFAULT_ORGANIZATION = "default"
MIN_PASSWORD = 10
MAX_PASSWORD = 256
LINK_LIFETIME = {  # how long each kind of link works
    "verify": timedelta(days=3),
    "reset": timedelta(hours=1),
    "invite": timedelta(days=7),
    "setup": timedelta(days=1),
}
# Where the dashboard takes each link (it POSTs the token to the matching /auth endpoint).
# The advisory lock (any constant bigint of ours) under which the first account is decided.
FIRST_ACCOUNT_LOCK = 0x76697065_00000001

LINK_PATH = {
    "verify": "/dashboard/verify",
    "reset": "/dashboard/reset-password",
    "invite": "/dashboard/accept-invitation",
    "setup": "/dashboard/setup",
}

_hasher = PasswordHasher()  # Argon2id, the library's (RFC 9106 low-memory) parameters
# Checked against when the address is unknown, so that a failed login takes as long either way.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class Role(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    MEMBER = "member"


class KeyMode(StrEnum):
    LIVE = "live"
    TEST = "test"


Password = Field(min_length=MIN_PASSWORD, max_length=MAX_PASSWORD)


# ----------------------------------------------------------------------------- contracts

class SignUp(ApiModel):
    email: EmailAddress
    password: str = Password
    organization: Optional[str] = Field(default=None, min_length=1, max_length=100,
                                        description="Name of the new organization (open sign-up only).")
    invitation: Optional[str] = Field(default=None, max_length=200, description="An invitation token.")


class LogIn(ApiModel):
    email: str = Field(max_length=320)
    password: str = Field(max_length=MAX_PASSWORD)
    organization_id: Optional[str] = Field(default=None, max_length=40)


class TokenIn(ApiModel):
    token: str = Field(min_length=1, max_length=200)


class PasswordResetRequest(ApiModel):
    email: EmailAddress


class PasswordResetConfirm(ApiModel):
    token: str = Field(min_length=1, max_length=200)
    password: str = Password


class InvitationAccept(ApiModel):
    token: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=MAX_PASSWORD,
                          description="The existing account's password, or the new account's.")


class OwnerSetup(ApiModel):
    token: str = Field(min_length=1, max_length=200)
    email: EmailAddress
    password: str = Password


class OrganizationSwitch(ApiModel):
    organization_id: str = Field(max_length=40)


class Invite(ApiModel):
    email: EmailAddress
    role: Role = Role.MEMBER


class RoleChange(ApiModel):
    user_id: str = Field(max_length=40)
    role: Role


class KeyCreate(ApiModel):
    name: str = Field(default="", max_length=100)
    mode: KeyMode = KeyMode.LIVE
    per_minute: Optional[int] = Field(default=None, ge=1, le=1_000_000)
    per_day: Optional[int] = Field(default=None, ge=1, le=100_000_000)


class PersonView(ViewModel):
    user_id: str
    email: str
    email_verified: bool


class MemberView(ViewModel):
    """A person as a member of one organization."""

    user_id: str
    email: str
    email_verified: bool
    role: Role
    joined_at: datetime


class SessionView(ViewModel):
    """What a sign-in answers (and the cookie's session stands for)."""

    user: PersonView
    organization_id: str
    organization_name: str
    role: Role
    organizations: list[dict]


class InvitationView(ViewModel):
    email: str
    role: Role
    expires_at: datetime


class KeyView(ViewModel):
    id: str
    prefix: str
    name: str
    mode: str
    per_minute: int
    per_day: int
    created_at: datetime
    last_used_at: Optional[datetime]
    revoked_at: Optional[datetime]


class CreatedKey(ViewModel):
    """A new key and its secret. The secret is left out of what an idempotency record keeps
    (`exclude`): a replay answers the key with `secret` null, as nothing stores it."""

    key: KeyView
    secret: Optional[str] = Field(default=None, exclude=True)


class Removed(ViewModel):
    user_id: str


class Started(ViewModel):
    """A new session: the cookie's token (shown once) and what it stands for."""

    token: str
    view: SessionView


# ----------------------------------------------------------------------------- helpers

async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def _password_matches(stored: str, password: str) -> bool:
    def check() -> bool:
        try:
            return _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(check)


def _forbidden(message: str) -> ApiError:
    return ApiError(ErrorCode.FORBIDDEN, message)


def _bad_token() -> ApiError:
    return invalid("token", "This link is unknown, used or expired.", "invalid")


def person_view(user: User) -> PersonView:
    return PersonView(user_id=user.id, email=user.email, email_verified=user.email_verified_at is not None)


def link(settings: Settings, kind: str, token: str) -> str:
    return f"{settings.public_url}{LINK_PATH[kind]}?token={token}"


async def _issue_token(settings: Settings, kind: str, *, user: User | None = None, organization_id: str | None = None,
                       email: str = "", role: str = "") -> str:
    token = new_token()
    await AccountToken.create(
        kind=kind, token_hash=token_digest(token, settings.secret_key), user=user, organization_id=organization_id,
        email=email, role=role, expires_at=clock.now() + LINK_LIFETIME[kind],
    )
    return token


async def _use_token(settings: Settings, kind: str, token: str) -> AccountToken:
    """The token's row, marked used: once only (the conditional update decides a race)."""
    row = await AccountToken.filter(token_hash=token_digest(token, settings.secret_key), kind=kind).first()
    now = clock.now()
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise _bad_token()
    if not await AccountToken.filter(id=row.id, used_at__isnull=True).update(used_at=now):
        raise _bad_token()
    return row


def _system(organization_id: str) -> Principal:
    """The service itself mailing a person in an organization (no key, no budget)."""
    return Principal(key_id=None, organization_id=organization_id, organization_name="", key_name="accounts",
                     key_prefix="", mode="live", per_minute=0, per_day=0)


async def _mail(settings: Settings, organization_id: str, to: str, subject: str, text: str) -> None:
    data = SendEmail.model_validate({"to": to, "from": settings.mail_from, "subject": subject, "text": text})
    await queue_email(_system(organization_id), data)


async def _send_verification(settings: Settings, user: User, organization_id: str) -> None:
    token = await _issue_token(settings, "verify", user=user)
    await _mail(settings, organization_id, user.email, "Confirm your email address",
                f"Confirm the address of your Viperatron account:\n\n{link(settings, 'verify', token)}\n\n"
                "The link works once, for 3 days. If you did not sign up, ignore this email.\n")


async def _membership(user_id: str, organization_id: str | None = None) -> Membership | None:
    query = Membership.filter(user_id=user_id).select_related("organization").order_by("created_at")
    if organization_id is not None:
        query = query.filter(organization_id=organization_id)
    return await query.first()


async def _session_view(user: User, membership: Membership) -> SessionView:
    memberships = await Membership.filter(user_id=user.id).select_related("organization").order_by("created_at")
    return SessionView(
        user=person_view(user), organization_id=membership.organization_id,
        organization_name=membership.organization.name, role=Role(membership.role),
        organizations=[{"id": m.organization_id, "name": m.organization.name, "role": m.role} for m in memberships],
    )


async def start_session(settings: Settings, user: User, membership: Membership, previous_token: str | None) -> Started:
    """A new session for `user` in `membership`'s organization. The session the browser had
    (its cookie's token, if any) ends here: a new token every sign-in (no session fixation)."""
    if previous_token:
        await UserSession.filter(token_hash=token_digest(previous_token, settings.secret_key)).delete()
    token = new_token()
    await UserSession.create(
        token_hash=token_digest(token, settings.secret_key), user=user, organization_id=membership.organization_id,
        expires_at=clock.now() + timedelta(seconds=settings.session_idle_seconds),
    )
    return Started(token=token, view=await _session_view(user, membership))


async def end_session(settings: Settings, token: str | None) -> None:
    if token:
        await UserSession.filter(token_hash=token_digest(token, settings.secret_key)).delete()


async def session_principal(settings: Settings, token: str) -> Principal | None:
    """The person a session cookie stands for, in the organization the session chose; None
    when the session is unknown, ended, idle too long, or its membership is gone. Each use
    pushes the idle expiry on (written at most once a minute)."""
    if not token or len(token) > 200:
        return None
    now = clock.now()
    session = await (UserSession.filter(token_hash=token_digest(token, settings.secret_key), expires_at__gt=now)
                     .select_related("user", "organization").first())
    if session is None:
        return None
    membership = await Membership.filter(user_id=session.user_id, organization_id=session.organization_id).first()
    if membership is None:
        return None
    renewed = now + timedelta(seconds=settings.session_idle_seconds)
    if renewed - session.expires_at > timedelta(minutes=1):
        await UserSession.filter(id=session.id).update(expires_at=renewed)
    return Principal(
        key_id=None, organization_id=session.organization_id, organization_name=session.organization.name,
        key_name="", key_prefix="", mode="live",
        per_minute=settings.user_rate_per_minute, per_day=settings.user_rate_per_day,
        user_id=session.user_id, user_email=session.user.email, role=membership.role, session_id=session.id,
    )


# ----------------------------------------------------------------------------- signed out

async def any_account_exists() -> bool:
    return await User.exists()


async def _create_user(email: str, password: str, verified: bool = False) -> User:
    try:
        return await User.create(email=email, email_key=email_key(email), password_hash=await hash_password(password),
                                 email_verified_at=clock.now() if verified else None)
    except IntegrityError:
        raise ApiError(ErrorCode.CONFLICT, "An account with this email address exists; log in instead.",
                       [FieldError("email", "An account with this email address exists.", "conflict")]) from None


async def _join(user: User, organization_id: str, role: str) -> Membership:
    membership, _ = await Membership.get_or_create(user=user, organization_id=organization_id, defaults={"role": role})
    return await Membership.get(id=membership.id).select_related("organization")


async def sign_up(settings: Settings, data: SignUp, previous_token: str | None = None) -> Started:
    """A new account. With an invitation it joins the inviting organization; otherwise, by
    `VIPERATRON_SIGNUP`: the very first account owns organization `default` (open and invite);
    later ones make their own organization (open) or are refused (invite, closed)."""
    if data.invitation:
        return await accept_invitation(settings, InvitationAccept(token=data.invitation, password=data.password),
                                       previous_token, email=data.email)
    if settings.signup == "closed":
        raise _forbidden("Sign-up is closed on this server; ask an administrator for an invitation.")
    async with in_transaction() as connection:
        await _decide_first_account_alone(connection)
        first = not await User.exists()
        if not first and settings.signup != "open":
            raise _forbidden("Sign-up needs an invitation on this server; ask an administrator of your organization.")
        user = await _create_user(data.email, data.password)
        if first:
            organization, _ = await Organization.get_or_create(name=DEFAULT_ORGANIZATION)
        else:
            name = (data.organization or data.email)[:100]  # an address may be longer than a name
            if await Organization.filter(name=name).exists():
                raise invalid("organization", "An organization with this name exists; choose another.", "conflict")
            organization = await Organization.create(name=name)
        membership = await _join(user, organization.id, Role.OWNER)
    await _send_verification(settings, user, organization.id)
    return await start_session(settings, user, membership, previous_token)


async def _decide_first_account_alone(connection) -> None:
    """Two sign-ups at the same instant must not both find no account and both become owners:
    on PostgreSQL a transaction-scoped advisory lock makes them decide one after the other (the
    second's `User.exists()` then sees the first's committed row). SQLite runs one write
    transaction at a time already."""
    if dialect() == "postgres":
        await connection.execute_query("SELECT pg_advisory_xact_lock($1)", [FIRST_ACCOUNT_LOCK])


async def _throttled(settings: Settings, subjects: list[str]) -> int | None:
    """Seconds to wait when any subject had too many failures in the window, else None."""
    since = clock.now() - timedelta(seconds=settings.login_window_seconds)
    for subject in subjects:
        failures = await LoginFailure.filter(subject=subject, at__gt=since).order_by("at").values_list("at", flat=True)
        if len(failures) >= settings.login_max_failures:
            oldest = failures[len(failures) - settings.login_max_failures]
            return max(1, int((oldest - since).total_seconds()) + 1)
    return None


async def log_in(settings: Settings, data: LogIn, client: str, previous_token: str | None = None) -> Started:
    """Check the password; throttled per account and per client address
    (`login_max_failures` failures within `login_window_seconds`)."""
    subjects = [f"account:{email_key(data.email.strip())}"[:340], f"ip:{client}"[:340]]
    wait = await _throttled(settings, subjects)
    if wait is not None:
        raise ApiError(ErrorCode.RATE_LIMITED, "Too many failed logins; try again later.",
                       headers={"Retry-After": str(wait)})
    user = await User.filter(email_key=email_key(data.email.strip())).first()
    matches = await _password_matches(user.password_hash if user else _DUMMY_HASH, data.password)
    if user is None or not matches:
        now = clock.now()
        await LoginFailure.bulk_create([LoginFailure(subject=s, at=now) for s in subjects])
        # Failures past the window count for nothing: forget them (the table stays small).
        expired = now - timedelta(seconds=settings.login_window_seconds)
        await LoginFailure.filter(subject__in=subjects, at__lt=expired).delete()
        raise ApiError(ErrorCode.UNAUTHORIZED, "Wrong email address or password.")
    await LoginFailure.filter(subject=subjects[0]).delete()
    membership = await _membership(user.id, data.organization_id)
    if membership is None:  # the password was right: saying why leaks nothing
        if data.organization_id is not None:
            raise ApiError(ErrorCode.NOT_FOUND, "Organization not found.",
                           [FieldError("organizationId", "You are not a member of this organization.", "not_found")])
        raise _forbidden("This account belongs to no organization any more; ask for an invitation.")
    if _hasher.check_needs_rehash(user.password_hash):
        await User.filter(id=user.id).update(password_hash=await hash_password(data.password))
    return await start_session(settings, user, membership, previous_token)


async def switch_organization(settings: Settings, principal: Principal, data: OrganizationSwitch) -> SessionView:
    """Point the caller's session at another organization they belong to."""
    membership = await _membership(principal.user_id, data.organization_id) if principal.is_person else None
    if membership is None:
        raise ApiError(ErrorCode.NOT_FOUND, "Organization not found.")
    await UserSession.filter(id=principal.session_id).update(organization_id=membership.organization_id)
    return await _session_view(await User.get(id=principal.user_id), membership)


async def verify_email(settings: Settings, data: TokenIn) -> PersonView:
    row = await _use_token(settings, "verify", data.token)
    user = await User.get(id=row.user_id)
    if user.email_verified_at is None:
        user.email_verified_at = clock.now()
        await user.save(update_fields=["email_verified_at"])
    return person_view(user)


async def resend_verification(settings: Settings, principal: Principal) -> PersonView:
    """Mail the signed-in person a new verification link (unless the address is verified)."""
    user = await User.get(id=principal.user_id)
    if user.email_verified_at is None:
        await _send_verification(settings, user, principal.organization_id)
    return person_view(user)


async def request_password_reset(settings: Settings, data: PasswordResetRequest) -> None:
    """Mail a reset link if the address has an account; the answer is the same either way."""
    user = await User.filter(email_key=email_key(data.email)).first()
    membership = await _membership(user.id) if user else None
    if user is None or membership is None:
        return
    token = await _issue_token(settings, "reset", user=user)
    await _mail(settings, membership.organization_id, user.email, "Reset your password",
                f"Choose a new password for your Viperatron account:\n\n{link(settings, 'reset', token)}\n\n"
                "The link works once, for 1 hour. If you did not ask for it, ignore this email.\n")


async def set_password(user: User, password: str) -> None:
    """A new password ends every session of the account."""
    user.password_hash = await hash_password(password)
    await user.save(update_fields=["password_hash"])
    await UserSession.filter(user_id=user.id).delete()


async def confirm_password_reset(settings: Settings, data: PasswordResetConfirm) -> PersonView:
    row = await _use_token(settings, "reset", data.token)
    user = await User.get(id=row.user_id)
    await set_password(user, data.password)
    if user.email_verified_at is None:  # the link reached the address
        user.email_verified_at = clock.now()
        await user.save(update_fields=["email_verified_at"])
    return person_view(user)


async def accept_invitation(settings: Settings, data: InvitationAccept, previous_token: str | None = None,
                            email: str | None = None) -> Started:
    """Join the inviting organization: an existing account proves itself with its password; a
    new one is made with the password given (its address is verified: the link reached it)."""
    row = await AccountToken.filter(token_hash=token_digest(data.token, settings.secret_key), kind="invite").first()
    if row is None or row.used_at is not None or row.expires_at <= clock.now():
        raise _bad_token()
    if email is not None and email_key(email) != email_key(row.email):
        raise invalid("email", "The invitation is for another address.", "invalid")
    user = await User.filter(email_key=email_key(row.email)).first()
    if user is not None and not await _password_matches(user.password_hash, data.password):
        raise ApiError(ErrorCode.UNAUTHORIZED, "Wrong password for the invited account.")
    if user is None and not MIN_PASSWORD <= len(data.password) <= MAX_PASSWORD:
        raise invalid("password", f"At least {MIN_PASSWORD} characters.", "too_short")
    row = await _use_token(settings, "invite", data.token)
    if user is None:
        user = await _create_user(row.email, data.password, verified=True)
    membership = await _join(user, row.organization_id, row.role)
    return await start_session(settings, user, membership, previous_token)


async def issue_setup_link(settings: Settings) -> str | None:
    """The first-start link that creates the owner of `default`; None once an account exists."""
    if await User.exists():
        return None
    return link(settings, "setup", await _issue_token(settings, "setup"))


async def set_up_owner(settings: Settings, data: OwnerSetup, previous_token: str | None = None) -> Started:
    """Redeem the first-start link: the owner account of organization `default`."""
    row = await AccountToken.filter(token_hash=token_digest(data.token, settings.secret_key), kind="setup").first()
    if row is None or row.used_at is not None or row.expires_at <= clock.now() or await User.exists():
        raise _bad_token()
    async with in_transaction() as connection:
        await _decide_first_account_alone(connection)
        if await User.exists():  # a sign-up got there first
            raise _bad_token()
        await _use_token(settings, "setup", data.token)
        user = await _create_user(data.email, data.password, verified=True)
        organization, _ = await Organization.get_or_create(name=DEFAULT_ORGANIZATION)
        membership = await _join(user, organization.id, Role.OWNER)
    return await start_session(settings, user, membership, previous_token)


async def create_user(settings: Settings, email: str, organization: str, role: Role, password: str) -> User:
    """`viperatron users create`: an account (verified) that is `role` in `organization`
    (created if needed); an existing account just gains the membership."""
    user = await User.filter(email_key=email_key(email)).first()
    if user is None:
        user = await _create_user(email, password, verified=True)
    organization_row, _ = await Organization.get_or_create(name=organization)
    membership, created = await Membership.get_or_create(user=user, organization=organization_row,
                                                         defaults={"role": role})
    if not created and membership.role != role:
        membership.role = role
        await membership.save(update_fields=["role"])
    return user


async def reset_password(email: str, password: str) -> User | None:
    """`viperatron users reset-password`: a new password; every session of the account ends."""
    user = await User.filter(email_key=email_key(email)).first()
    if user is not None:
        await set_password(user, password)
    return user


# ----------------------------------------------------------------------------- signed in

def _require_person(principal: Principal) -> None:
    if not principal.is_person:
        raise _forbidden("Members and keys are managed by signed-in owners and admins, not with an API key.")


def _require_manager(principal: Principal) -> None:
    _require_person(principal)
    if not principal.manages_organization:
        raise _forbidden("Only owners and admins of the organization can do this.")


def member_view(membership: Membership) -> MemberView:
    user = membership.user
    return MemberView(user_id=user.id, email=user.email, email_verified=user.email_verified_at is not None,
                      role=Role(membership.role), joined_at=membership.created_at)


async def viewer_member(principal: Principal) -> MemberView | None:
    """The signed-in person as a member of the session's organization; None for a key."""
    if not principal.is_person:
        return None
    return await get_member(principal, principal.user_id)


async def get_member(principal: Principal, user_id: str) -> MemberView:
    """A member of the caller's organization (people only: a key sees no members)."""
    _require_person(principal)
    require_id("user", user_id)
    return member_view(await _member(principal, user_id))


async def list_members(principal: Principal) -> list[MemberView]:
    _require_person(principal)
    rows = await (Membership.filter(organization_id=principal.organization_id)
                  .select_related("user").order_by("created_at", "id"))
    return [member_view(m) for m in rows]


async def invite_member(settings: Settings, principal: Principal, data: Invite,
                        idempotency_key: str | None = None) -> InvitationView:
    _require_manager(principal)

    async def run() -> tuple[InvitationView, int]:
        return await _invite(settings, principal, data), 200

    return (await idempotent(principal, idempotency_key, "accounts.invite", data, run, InvitationView)).result


async def _invite(settings: Settings, principal: Principal, data: Invite) -> InvitationView:
    if data.role == Role.OWNER and principal.role != Role.OWNER:
        raise _forbidden("Only an owner can invite another owner.")
    existing = await User.filter(email_key=email_key(data.email)).first()
    if existing and await Membership.exists(user_id=existing.id, organization_id=principal.organization_id):
        raise invalid("email", "This person is already a member.", "conflict")
    token = await _issue_token(settings, "invite", organization_id=principal.organization_id,
                               email=data.email, role=data.role)
    organization = await Organization.get(id=principal.organization_id)
    await _mail(settings, principal.organization_id, data.email, f"Join {organization.name} on Viperatron",
                f"{principal.user_email} invites you to the organization {organization.name} on Viperatron "
                f"as {data.role.value}:\n\n{link(settings, 'invite', token)}\n\nThe link works once, for 7 days.\n")
    return InvitationView(email=data.email, role=data.role, expires_at=clock.now() + LINK_LIFETIME["invite"])


async def list_invitations(principal: Principal) -> list[InvitationView]:
    """Invitations of the organization not yet accepted nor expired, newest first (owners and admins)."""
    _require_manager(principal)
    rows = await (AccountToken.filter(kind="invite", organization_id=principal.organization_id, used_at__isnull=True,
                                      expires_at__gt=clock.now()).order_by("-created_at", "-id"))
    return [InvitationView(email=r.email, role=Role(r.role), expires_at=r.expires_at) for r in rows]


class InvitationRevoke(ApiModel):
    email: EmailAddress


async def revoke_invitation(principal: Principal, data: InvitationRevoke, idempotency_key: str | None = None) -> str:
    """Every pending invitation of this address to the organization stops working; the address."""
    _require_manager(principal)

    async def run() -> tuple[Removed, int]:
        revoked = await AccountToken.filter(kind="invite", organization_id=principal.organization_id,
                                            email=data.email, used_at__isnull=True).update(used_at=clock.now())
        if not revoked:
            raise ApiError(ErrorCode.NOT_FOUND, "No pending invitation for this address.",
                           [FieldError("email", "No pending invitation for this address.", "not_found")])
        return Removed(user_id=data.email), 200

    return (await idempotent(principal, idempotency_key, "accounts.revoke_invitation", data, run, Removed)).result.user_id


async def _member(principal: Principal, user_id: str) -> Membership:
    membership = await (Membership.filter(organization_id=principal.organization_id, user_id=user_id)
                        .select_related("user").first())
    if membership is None:
        raise ApiError(ErrorCode.NOT_FOUND, "User not found.")
    return membership


async def _other_owners(membership: Membership) -> bool:
    return await Membership.filter(organization_id=membership.organization_id, role=Role.OWNER).exclude(
        id=membership.id).exists()


async def change_member_role(principal: Principal, data: RoleChange, idempotency_key: str | None = None) -> MemberView:
    _require_manager(principal)

    async def run() -> tuple[MemberView, int]:
        return await _change_role(principal, data), 200

    return (await idempotent(principal, idempotency_key, "accounts.change_role", data, run, MemberView)).result


async def _change_role(principal: Principal, data: RoleChange) -> MemberView:
    membership = await _member(principal, require_id("user", data.user_id))
    if principal.role != Role.OWNER and Role.OWNER in (membership.role, data.role):
        raise _forbidden("Only an owner can make or unmake an owner.")
    if membership.role == Role.OWNER and data.role != Role.OWNER and not await _other_owners(membership):
        raise invalid("role", "The organization's last owner cannot step down; make another owner first.", "invalid")
    membership.role = data.role
    await membership.save(update_fields=["role"])
    return member_view(membership)


async def remove_member(principal: Principal, user_id: str, idempotency_key: str | None = None) -> str:
    _require_manager(principal)

    async def run() -> tuple[Removed, int]:
        return Removed(user_id=await _remove(principal, user_id)), 200

    request = {"userId": user_id}
    return (await idempotent(principal, idempotency_key, "accounts.remove", request, run, Removed)).result.user_id


async def _remove(principal: Principal, user_id: str) -> str:
    membership = await _member(principal, require_id("user", user_id))
    if membership.role == Role.OWNER and principal.role != Role.OWNER:
        raise _forbidden("Only an owner can remove an owner.")
    if membership.role == Role.OWNER and not await _other_owners(membership):
        raise invalid("userId", "The organization's last owner cannot be removed.", "invalid")
    await membership.delete()
    await UserSession.filter(user_id=user_id, organization_id=principal.organization_id).delete()
    return user_id


def key_view(key: ApiKey) -> KeyView:
    return KeyView(id=key.id, prefix=key.prefix, name=key.name, mode=key.mode, per_minute=key.per_minute,
                   per_day=key.per_day, created_at=key.created_at, last_used_at=key.last_used_at,
                   revoked_at=key.revoked_at)


async def create_key_in(organization_id: str, settings: Settings, name: str = "", per_minute: int | None = None,
                        per_day: int | None = None, test: bool = False) -> tuple[ApiKey, str]:
    """A new key in an organization; returns it and its plaintext (shown once, never stored)."""
    plaintext = generate_key(test=test)
    key = await ApiKey.create(
        organization_id=organization_id, name=name, key_hash=hash_key(plaintext), prefix=display_prefix(plaintext),
        mode="test" if test else "live",
        per_minute=per_minute if per_minute is not None else settings.rate_per_minute,
        per_day=per_day if per_day is not None else settings.rate_per_day,
    )
    return key, plaintext


async def list_api_keys(principal: Principal) -> list[KeyView]:
    _require_manager(principal)
    keys = await ApiKey.filter(organization_id=principal.organization_id).order_by("-created_at", "-id")
    return [key_view(k) for k in keys]


async def create_api_key(settings: Settings, principal: Principal, data: KeyCreate,
                         idempotency_key: str | None = None) -> CreatedKey:
    """A new key. Replayed with the same idempotency key, the answer is the same key with no
    secret: the secret exists only in the first answer."""
    _require_manager(principal)

    async def run() -> tuple[CreatedKey, int]:
        key, plaintext = await create_key_in(principal.organization_id, settings, data.name, data.per_minute,
                                             data.per_day, test=data.mode == KeyMode.TEST)
        return CreatedKey(key=key_view(key), secret=plaintext), 201

    return (await idempotent(principal, idempotency_key, "accounts.create_key", data, run, CreatedKey)).result


async def revoke_api_key(principal: Principal, key_id: str, idempotency_key: str | None = None) -> KeyView:
    _require_manager(principal)

    async def run() -> tuple[KeyView, int]:
        return await _revoke(principal, key_id), 200

    request = {"id": key_id}
    return (await idempotent(principal, idempotency_key, "accounts.revoke_key", request, run, KeyView)).result


async def _revoke(principal: Principal, key_id: str) -> KeyView:
    key = await ApiKey.filter(id=require_id("api_key", key_id), organization_id=principal.organization_id).first()
    if key is None:
        raise ApiError(ErrorCode.NOT_FOUND, "API key not found.")
    if key.revoked_at is None:
        key.revoked_at = clock.now()
        await key.save(update_fields=["revoked_at"])
    return key_view(key)
