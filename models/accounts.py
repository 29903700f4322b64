"""People: accounts, their memberships in organizations, sessions, one-time tokens (email
verification, password reset, invitations, the first-start owner link) and login failures.

No secret is stored in the clear: passwords as Argon2id hashes, session and link tokens as
digests (app.core.tokens.token_digest)."""

from tortoise import fields
from tortoise.models import Model

from app.core.ids import PREFIXES, new_id

ROLES = ("owner", "admin", "member")


class User(Model):
    id = fields.CharField(max_length=40, primary_key=True, default=lambda: new_id(PREFIXES["user"]))
    email = fields.CharField(max_length=320)
    email_key = fields.CharField(max_length=320, unique=True)  # lower-cased: one account per address
    password_hash = fields.CharField(max_length=255)
    email_verified_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "users"


class Membership(Model):
    id = fields.BigIntField(primary_key=True)
    user = fields.ForeignKeyField("models.User", related_name="memberships", on_delete=fields.CASCADE)
    organization = fields.ForeignKeyField("models.Organization", related_name="memberships", on_delete=fields.CASCADE)
    role = fields.CharField(max_length=8)  # owner | admin | member
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "memberships"
        unique_together = (("user", "organization"),)


class UserSession(Model):
    """A signed-in browser: the cookie holds the token, this row only its digest."""

    id = fields.BigIntField(primary_key=True)  # internal: never shown, the token is the handle
    token_hash = fields.CharField(max_length=64, unique=True)
    user = fields.ForeignKeyField("models.User", related_name="sessions", on_delete=fields.CASCADE)
    organization = fields.ForeignKeyField("models.Organization", related_name="sessions", on_delete=fields.CASCADE)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()

    class Meta:
        table = "user_sessions"


class AccountToken(Model):
    """A one-time link: `verify` (email address), `reset` (password), `invite` (membership),
    `setup` (the first-start owner account). Used once (`used_at`), before `expires_at`."""

    id = fields.BigIntField(primary_key=True)  # internal: never shown, the token is the handle
    kind = fields.CharField(max_length=8)
    token_hash = fields.CharField(max_length=64, unique=True)
    user = fields.ForeignKeyField("models.User", related_name="tokens", null=True, on_delete=fields.CASCADE)
    organization = fields.ForeignKeyField(
        "models.Organization", related_name="account_tokens", null=True, on_delete=fields.CASCADE
    )
    email = fields.CharField(max_length=320, default="")
    role = fields.CharField(max_length=8, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "account_tokens"


class LoginFailure(Model):
    """One failed login, counted per account (`account:<email>`) and per address (`ip:<addr>`)."""

    id = fields.BigIntField(primary_key=True)
    subject = fields.CharField(max_length=340, db_index=True)
    at = fields.DatetimeField()

    class Meta:
        table = "login_failures"
