"""GraphiQL served with no internet access, that explains how to use a key.

Our own page (app/web/templates/graphiql.html) instead of Strawberry's, which loads React and
GraphiQL from unpkg: `make assets` installs the pinned packages (app/static/frontend/package.json
and its lock file) into app/static/frontend/node_modules, served at /static/frontend. The page opens
on a working example query with a bar to paste an API key (kept in the browser's localStorage
and put in the Headers editor as `Authorization: Bearer <key>`); until a key is there it asks
the server nothing, so it never opens on a 401. Without the packages it says how to install them;
`make serve` installs them in the background on a first start, so until they are there the page
is rendered again on each request (and kept once they are).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse
from strawberry.fastapi import GraphQLRouter

from app.core.validation import decode_json
from app.web.graphql_gate import decoded_body
from app.web.templating import NAV, templates

VENDOR_DIR = Path(__file__).resolve().parents[1] / "static" / "frontend"
VENDOR_URL = "/static/frontend"

# (package, file) under node_modules, in load order.
SCRIPTS = (
    ("react", "umd/react.production.min.js"),
    ("react-dom", "umd/react-dom.production.min.js"),
    ("graphiql", "graphiql.min.js"),
    ("@graphiql/plugin-explorer", "dist/index.umd.js"),
)
STYLESHEETS = (("graphiql", "graphiql.min.css"), ("@graphiql/plugin-explorer", "dist/style.css"))

EXAMPLE_QUERY = """# Viperatron's GraphQL API: the same keys and limits as REST.
#
# 1. Paste an API key in the bar above and press "Use key".
#    (Create one: viperatron keys create --org NAME)
#    It stays in this browser and is sent as the header
#    Authorization: Bearer <key>   (see Headers below)
# 2. Press the run button (or Ctrl-Enter) to run this query.
# 3. Browse the schema in the Docs and Explorer panels.

query Example {
  viewer {
    organization { id name }
    apiKey { id prefix name mode }
  }
  contacts(first: 5) {
    edges { node { id email firstName tags } }
  }
}
"""


def _files(entries: tuple[tuple[str, str], ...]) -> list[str] | None:
    if not all((VENDOR_DIR / "node_modules" / package / path).is_file() for package, path in entries):
        return None
    return [f"{VENDOR_URL}/node_modules/{package}/{path}" for package, path in entries]


_rendered: dict[str, str] = {}


def page() -> str:
    """The page, kept once the packages are installed; until then checked on every request."""
    if "page" in _rendered:
        return _rendered["page"]
    scripts, stylesheets = _files(SCRIPTS), _files(STYLESHEETS)
    installed = bool(scripts and stylesheets)
    html = templates.get_template("graphiql.html").render(
        nav=NAV, current="/graphql", installed=installed, scripts=scripts or [],
        stylesheets=stylesheets or [], example_query=EXAMPLE_QUERY,
    )
    if installed:
        _rendered["page"] = html
    return html


class OfflineGraphQLRouter(GraphQLRouter):

    def parse_json(self, data: str | bytes) -> Any:
        """The body app.web.graphql_gate's gate already decoded, or a strict decode of it."""
        decoded = decoded_body.get()
        if decoded is not None and decoded[0] is data:
            return decoded[1]
        return decode_json(data)

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return HTMLResponse(page())
