"""`{{firstName}}`-style templates: Jinja2's sandbox, HTML-escaped where the output is HTML.

Unknown variables render as empty strings. Compiled templates are cached by source.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import ChainableUndefined, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment

_html = SandboxedEnvironment(autoescape=True, undefined=ChainableUndefined)
_plain = SandboxedEnvironment(autoescape=False, undefined=ChainableUndefined)


class TemplateError(ValueError):
    pass


@lru_cache(maxsize=1024)
def _compile(source: str, html: bool):
    try:
        return (_html if html else _plain).from_string(source)
    except TemplateSyntaxError as exc:
        raise TemplateError(f"Template syntax error on line {exc.lineno}: {exc.message}") from None


def check(source: str) -> None:
    """Raise TemplateError if `source` does not compile."""
    _compile(source, False)


def render(source: str, variables: dict[str, Any], *, html: bool = False) -> str:
    if "{" not in source:  # nothing to render: skip Jinja entirely
        return source
    try:
        return _compile(source, html).render(variables)
    except TemplateError:
        raise
    except Exception as exc:  # e.g. a sandbox violation or a filter misuse
        raise TemplateError(f"Template could not be rendered: {exc}") from None
