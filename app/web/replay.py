"""A request body read once and handed on: for an endpoint that looked at a request and passes
it to the general route after all."""

from __future__ import annotations

from starlette.types import Message, Receive


def replayed(body: bytes) -> Receive:
    """A receive channel that yields the body already read, then waits for a disconnect."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive
