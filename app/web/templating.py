"""The pages' Jinja2 templates (app/web/templates) and their shared navigation."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

TEMPLATES = Path(__file__).resolve().parent / "templates"
templates = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True
)

# The developer pages, as the top bar lists them.
NAV = (
    ("/", "Home"),
    ("/reference", "API reference"),
    ("/docs", "Swagger UI"),
    ("/redoc", "ReDoc"),
    ("/graphql", "GraphiQL"),
    ("/dashboard", "Dashboard"),
)
