"""Database wiring: the Tortoise config, start/stop, and applying aerich migrations."""

from __future__ import annotations

from pathlib import Path

from tortoise import Tortoise

from app.settings import Settings

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


def tortoise_config(database_url: str) -> dict:
    return {
        "connections": {"default": database_url},
        "apps": {"models": {"models": ["models", "aerich.models"], "default_connection": "default"}},
        "use_tz": True,
        "timezone": "UTC",
    }


# For the aerich CLI (`aerich migrate` when a model changes).
TORTOISE_ORM = tortoise_config(Settings.from_env().database_url)


async def init_db(settings: Settings) -> None:
    # Global fallback: uvicorn serves requests from tasks that do not inherit the lifespan's
    # context variables, so the Tortoise context must be reachable process-wide.
    await Tortoise.init(config=tortoise_config(settings.database_url), _enable_global_fallback=True)


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
