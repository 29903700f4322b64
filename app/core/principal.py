"""The caller every resolver takes explicitly: an API key of one organization, or a signed-in
person acting in the organization their session chose."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.errors import ApiError, ErrorCode


@dataclass(frozen=True)
class Principal:
    """Who is calling: an API key (`key_id`) or a person (`user_id`, with their `role` in the
    organization). A person's session has no key: `key_id` is None and `mode` is live."""

    key_id: str | None
    organization_id: str
    organization_name: str
    key_name: str
    key_prefix: str
    mode: str  # "live" | "test"
    per_minute: int
    per_day: int
    user_id: str | None = None
    user_email: str = ""
    role: str | None = None  # "owner" | "admin" | "member" for a person; None for a key
    session_id: str | None = None

    @classmethod
    def of_automation(cls, automation_id: str, organization_id: str, key_id: str, sandbox: bool) -> "Principal":
        """An automation acting for its organization, under the key that created it. It has no
        request limits: those are charged to requests (the event that started the run)."""
        return cls(
            key_id=key_id, organization_id=organization_id, organization_name="",
            key_name=f"automation {automation_id}", key_prefix="",
            mode="test" if sandbox else "live", per_minute=0, per_day=0,
        )

    @classmethod
    def of_recipient(cls, organization_id: str) -> "Principal":
        """A recipient acting through a link mailed to them (one-click unsubscribe): no key, no
        person, live, no request limits (the link's route bounds its own work)."""
        return cls(
            key_id=None, organization_id=organization_id, organization_name="", key_name="recipient",
            key_prefix="", mode="live", per_minute=0, per_day=0,
        )

    @property
    def is_person(self) -> bool:
        return self.user_id is not None

    @property
    def budget_id(self) -> str:
        """Whose rate-limit budget a request is charged to: the key's, or the person's (one
        budget per user, whichever organization the session chose)."""
        return self.key_id if self.user_id is None else f"user:{self.user_id}"

    @property
    def manages_organization(self) -> bool:
        """Owners and admins see and create keys and change members; members and keys do not."""
        return self.role in ("owner", "admin")

    @property
    def is_test(self) -> bool:
        return self.mode == "test"

    def may_change(self, sandbox: bool) -> bool:
        """Test mode cannot change live traffic (Stripe's rule): a test key changes only what
        was made in test mode (`sandbox`); a live key changes both."""
        return sandbox or not self.is_test


def check_may_change(principal: Principal, sandbox: bool, what: str) -> None:
    """403 `forbidden` when `principal` may not change this object (see `Principal.may_change`)."""
    if not principal.may_change(sandbox):
        raise ApiError(
            ErrorCode.FORBIDDEN,
            f"A test key cannot change a live {what}; use a live key (et_live_…).",
        )
