"""Database wiring: the Tortoise config, start/stop, and applying aerich migrations."""

from __future__ import annotations

from pathlib import Path

from tortoise import Tortoise
from tortoise.backends.base.config_generator import expand_db_url

from app.core.pg_pool import keep_session
from app.core.settings import Settings

MIGRATIONS_DIR = str(Path(__file__).resolve().parents[2] / "migrations")

# How long asyncpg keeps a prepared statement (its default: 300 s). After five runs PostgreSQL
# may keep one generic plan for a prepared statement, chosen for the table sizes of that moment,
# and only an ANALYZE (autovacuum's, when it runs) makes it plan again. The send's contact lookup
# by email, planned while the organization had two contacts, took the (organization_id,
# created_at) index and filtered every contact by email: once 60,000 contacts had arrived, sends
# fell from ~1,500 to ~200 a second. A statement prepared again is planned for the tables as
# they are now; doing it every 30 s costs a connection a few dozen Parse messages a minute.
STATEMENT_LIFETIME_SECONDS = 30

# For a transaction's large reads (analytics, export): the planner's cost of a random page read
# set for solid-state storage (1.1) instead of the spinning-disk default (4), at which PostgreSQL
# read a year of messages or a small organization's contacts through the whole table or the
# primary key rather than the organization's index.
SOLID_STATE_READS = "SET LOCAL random_page_cost = 1.1"


def tortoise_config(database_url: str, statement_timeout_seconds: float | None = None, serving: bool = False) -> dict:
    """`statement_timeout_seconds` bounds every PostgreSQL statement of the process (the
    request deadline's backstop: a statement outliving its request is cancelled by the
    server). Migrations run without it: building an index may take longer. `serving`: the
    pool serves waiting requests in arrival order (app.core.pg_pool)."""
    connection: str | dict = database_url
    if expand_db_url(database_url)["engine"] == "tortoise.backends.asyncpg":
        connection = expand_db_url(database_url)
        connection["credentials"]["reset"] = keep_session
        connection["credentials"]["max_cached_statement_lifetime"] = STATEMENT_LIFETIME_SECONDS
        if serving:
            connection["engine"] = "app.core.pg_pool"
    if statement_timeout_seconds and isinstance(connection, dict):
        settings = connection["credentials"].setdefault("server_settings", {})
        settings["statement_timeout"] = str(int(statement_timeout_seconds * 1000))
    return {
        "connections": {"default": connection},
        "apps": {"models": {"models": ["models", "aerich.models"], "default_connection": "default"}},
        "use_tz": True,
        "timezone": "UTC",
    }


# For the aerich CLI (`aerich migrate` when a model changes).
TORTOISE_ORM = tortoise_config(Settings.from_env().database_url)


async def init_db(settings: Settings) -> None:
    # Global fallback: uvicorn serves requests from tasks that do not inherit the lifespan's
    # context variables, so the Tortoise context must be reachable process-wide.
    config = tortoise_config(settings.database_url, settings.request_deadline_seconds, serving=True)
    await Tortoise.init(config=config, _enable_global_fallback=True)


async def close_db() -> None:
    await Tortoise.close_connections()


async def migrate(settings: Settings) -> list[str]:
    """Apply pending migrations; returns the names of those applied."""
    from aerich import Command

    command = Command(
        tortoise_config=tortoise_config(settings.database_url), app="models", location=MIGRATIONS_DIR
    )
    await command.init()
    try:
        return await command.upgrade(run_in_transaction=True)
    finally:
        await command.aclose()


def dialect() -> str:
    return Tortoise.get_connection("default").capabilities.dialect


async def ping() -> None:
    await Tortoise.get_connection("default").execute_query("SELECT 1")
