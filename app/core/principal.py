"""The caller every resolver takes explicitly: one API key of one organization."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.errors import ApiError, ErrorCode


@dataclass(frozen=True)
class Principal:
    """Who is calling: one API key of one organization."""

    key_id: str
    organization_id: str
    organization_name: str
    key_name: str
    key_prefix: str
    mode: str  # "live" | "test"
    per_minute: int
    per_day: int

    @classmethod
    def of_automation(cls, automation_id: str, organization_id: str, key_id: str, sandbox: bool) -> "Principal":
        """An automation acting for its organization, under the key that created it. It has no
        request limits: those are charged to requests (the event that started the run)."""
        return cls(
            key_id=key_id, organization_id=organization_id, organization_name="",
            key_name=f"automation {automation_id}", key_prefix="",
            mode="test" if sandbox else "live", per_minute=0, per_day=0,
        )

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
