"""Open and click tracking of a message's HTML at delivery: each http(s) link points at
`/t/c/<token>` (the token signs the message and the original URL: the redirect can only go
there), and a 1×1 image `/t/o/<token>` is added at the end of the body. The same message
always gets the same bytes (tokens have no randomness), so a retry keeps its DKIM signature."""

from __future__ import annotations

import html as htmllib
import re

from app.core.signing import sign_token
from schema.tracking.resolvers import CLICK_PURPOSE, OPEN_PURPOSE

# <a … href="…"> or '…' (attribute order and case as written); the URL is HTML-escaped text.
_LINK = re.compile(r"""(<a\b[^>]*?\bhref\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)
_BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)
_TRACKED_SCHEMES = ("http://", "https://")
_NOT_TRACKED = "data-viperatron-track"  # <a data-viperatron-track="off" …> keeps its link


def open_url(public_url: str, secret_key: str, message_id: str) -> str:
    return f"{public_url}/t/o/{sign_token(secret_key, OPEN_PURPOSE, message_id.encode())}"


def click_url(public_url: str, secret_key: str, message_id: str, url: str) -> str:
    token = sign_token(secret_key, CLICK_PURPOSE, f"{message_id}\n{url}".encode())
    return f"{public_url}/t/c/{token}"


def instrument(html: str, message_id: str, *, public_url: str, secret_key: str, opens: bool, clicks: bool) -> str:
    if clicks:
        def rewrite(match: re.Match) -> str:
            url = htmllib.unescape(match.group(3)).strip()
            tag_start = match.group(1)
            if not url.lower().startswith(_TRACKED_SCHEMES) or _NOT_TRACKED in tag_start.lower():
                return match.group(0)
            tracked = htmllib.escape(click_url(public_url, secret_key, message_id, url), quote=True)
            return f"{tag_start}{match.group(2)}{tracked}{match.group(2)}"

        html = _LINK.sub(rewrite, html)
    if opens:
        pixel = (f'<img src="{htmllib.escape(open_url(public_url, secret_key, message_id))}" width="1" height="1" '
                 'alt="" style="display:block;width:1px;height:1px;border:0">')
        found = list(_BODY_END.finditer(html))
        html = html[:found[-1].start()] + pixel + html[found[-1].start():] if found else html + pixel
    return html
