"""`/u/TOKEN`: one-click unsubscribe (RFC 8058), the link of every List-Unsubscribe header.

Not part of the API (left out of /openapi.json) and not behind the guard: no key, no session
cookie and so no same-origin rule (mail clients POST from anywhere; the token, not a cookie, is
the authority). `GET` only shows a page with a button (mail scanners prefetch links: it changes
nothing); `POST` (RFC 8058's body is `List-Unsubscribe=One-Click`, form-encoded; any body is
accepted and none is read) unsubscribes. The token is checked first (an HMAC, no database
work): a malformed or forged one is 404 at once. A valid one is then held to a small budget
per link, so replaying one link cannot make unbounded work.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse

from app.core.errors import ApiError
from app.core.unsubscribe import PATH, UnsubscribeLink, read_token
from app.web.guard import services_of
from app.web.templating import templates
from schema.unsubscribe.resolvers import unsubscribe

router = APIRouter(include_in_schema=False)

# Per link (organization, message): a person clicks once or twice; a mail provider retries a few times.
PER_MINUTE, PER_DAY = 10, 100
HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer"}
INVALID = "This unsubscribe link is not valid. It may have been copied incompletely; use the link in the email."


def _page(status: int, state: str, title: str, address: str = "", action: str = "", message: str = "",
          headers: dict[str, str] | None = None) -> HTMLResponse:
    html = templates.get_template("unsubscribe.html").render(
        state=state, title=title, address=address, action=action, message=message,
    )
    return HTMLResponse(html, status_code=status, headers={**HEADERS, **(headers or {})})


def _link(request: Request, token: str) -> UnsubscribeLink | None:
    return read_token(services_of(request).settings.secret_key, token)


@router.get(PATH + "{token}")
async def confirm(request: Request, token: str) -> HTMLResponse:
    link = _link(request, token)
    if link is None:
        return _page(404, "invalid", "Link not valid", message=INVALID)
    return _page(200, "confirm", "Unsubscribe", address=link.address, action=PATH + token)


@router.post(PATH + "{token}")
async def one_click(request: Request, token: str) -> HTMLResponse:
    link = _link(request, token)
    if link is None:
        return _page(404, "invalid", "Link not valid", message=INVALID)
    decision = await services_of(request).limiter.hit(
        f"unsubscribe:{link.organization_id}:{link.message_id}", PER_MINUTE, PER_DAY
    )
    if not decision.allowed:
        return _page(429, "invalid", "Try again later", message="Too many attempts with this link; try again later.",
                     headers={"Retry-After": str(decision.retry_after)})
    try:
        done = await unsubscribe(link)
    except ApiError as error:  # the organization was deleted
        return _page(error.status, "invalid", "Link not valid", message=INVALID)
    return _page(200, "done", "You are unsubscribed", address=done.email)
