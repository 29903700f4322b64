"""`viperatron`: serve, worker, inbound, migrate, keys, users, import, analytics."""

from __future__ import annotations

import asyncio
import copy
import gc
import logging
import signal
import sys
from pathlib import Path
from typing import Optional

import typer
import uvicorn

try:
    import uvloop  # the event loop uvicorn serves on (installed with uvicorn[standard]; not on Windows)
except ImportError:  # pragma: no cover
    uvloop = None
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from app.core import db
from app.core.errors import ApiError
from app.core.settings import Settings
from app.core.validation import normalize_email
from app.engines import imports
from app.engines.inbound import DEFAULT_PORT, InboundServer
from app.engines.transports import check_ehlo_name, parse_smtp_url
from app.engines.worker import Worker
from app.main import create_app
from app.web.keys import any_key_exists, create_key, list_keys, revoke_key
from models import ImportJob, Organization
from schema.accounts.resolvers import MAX_PASSWORD, MIN_PASSWORD, Role, create_user, issue_setup_link, reset_password
from schema.analytics.resolvers import rebuild_event_rollups
from schema.imports.jobs import CHUNK_BYTES, store_upload
from schema.imports.resolvers import import_options

cli = typer.Typer(help="Viperatron: self-hostable email and customer-engagement API.", no_args_is_help=True)
keys_cli = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)
cli.add_typer(keys_cli, name="keys")
import_cli = typer.Typer(help="Import data from files.", no_args_is_help=True)
cli.add_typer(import_cli, name="import")
users_cli = typer.Typer(help="Create people's accounts and reset their passwords.", no_args_is_help=True)
cli.add_typer(users_cli, name="users")
analytics_cli = typer.Typer(help="Maintain what analytics read.", no_args_is_help=True)
cli.add_typer(analytics_cli, name="analytics")


def _run(coro, *, serving: bool = False):
    """`serving`: a long-running process of many sockets (the standalone worker), run on uvloop
    when it is installed, as `serve` (and the worker inside it) runs under uvicorn. A worker on
    uvloop spent 504-531 µs of CPU a message against 574-620 on asyncio's loop, and sent 10 %
    more (docs/benchmarks.md)."""
    if serving and uvloop is not None:
        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            return runner.run(coro)
    return asyncio.run(coro)


def _check_smtp_url(settings: Settings) -> None:
    """Refuse to start on an SMTP_URL the worker could not use (rather than at the first send)."""
    if not settings.smtp_url:
        return
    try:
        parse_smtp_url(settings.smtp_url)
    except ValueError as exc:  # the message never echoes the URL (it may hold a password)
        typer.echo(f"SMTP_URL: {exc}", err=True)
        raise typer.Exit(2) from None
    if settings.ehlo_name:
        try:
            check_ehlo_name(settings.ehlo_name, "VIPERATRON_EHLO_NAME")
        except ValueError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from None


async def _with_db(settings: Settings, work):
    await db.init_db(settings)
    try:
        return await work()
    finally:
        await db.close_db()


@cli.command()
def migrate() -> None:
    """Apply pending database migrations."""
    settings = Settings.from_env()
    applied = _run(db.migrate(settings))
    typer.echo(f"applied {len(applied)} migration(s)" + (": " + ", ".join(applied) if applied else ""), err=True)


async def _bootstrap(settings: Settings) -> tuple[str | None, str | None]:
    """On first start (no key anywhere), create organization `default` and one key; while no
    account exists, a one-time link that creates the owner account of `default`."""
    async def work():
        plaintext = None
        if not await any_key_exists():
            _, plaintext = await create_key("default", settings, name="first key")
        return plaintext, await issue_setup_link(settings)

    return await _with_db(settings, work)


@cli.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to bind."),
    port: int = typer.Option(8000, help="Port to bind."),
    no_migrate: bool = typer.Option(False, "--no-migrate", help="Do not apply migrations at start."),
    no_worker: bool = typer.Option(False, "--no-worker", help="Do not run the delivery worker in-process."),
) -> None:
    """Serve the API (REST, GraphQL, docs)."""
    settings = Settings.from_env()
    if not no_worker:
        _check_smtp_url(settings)
    if not no_migrate:
        _run(db.migrate(settings))
    plaintext, setup_link = _run(_bootstrap(settings))
    if plaintext:
        typer.echo("Created organization 'default' and its first API key (shown once, keep it safe):", err=True)
        typer.echo(plaintext)
    if setup_link:
        typer.echo(f"Create the owner account of organization 'default' (one-time link, 24 h): {setup_link}", err=True)
    # Logs (access log included) go to stderr: stdout carries only the first-start key.
    log_config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    log_config["handlers"]["access"]["stream"] = "ext://sys.stderr"
    app = create_app(settings, run_worker=not no_worker, run_inbound=settings.inbound_port is not None)
    uvicorn.run(app, host=host, port=port, log_level="info", log_config=log_config)


@cli.command()
def worker(
    concurrency: Optional[int] = typer.Option(
        None, min=1, help="Messages sent in parallel (and SMTP connections kept open); default 4."
    ),
) -> None:
    """Run a standalone delivery worker until SIGTERM or Ctrl-C (run several on PostgreSQL)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings.from_env()
    _check_smtp_url(settings)

    async def work():
        runner = Worker(settings, concurrency=concurrency)
        # What start-up made lives as long as the process: out of the collector's sight. A
        # 1,000,000-row import spent 5 s of its 51 in 45 full collections walking it.
        gc.freeze()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, runner.stop)
        await runner.run()

    _run(_with_db(settings, work), serving=True)


@cli.command()
def inbound(
    host: Optional[str] = typer.Option(None, help="Interface to bind; default VIPERATRON_INBOUND_HOST or 127.0.0.1."),
    port: Optional[int] = typer.Option(
        None, min=0, max=65535, help=f"Port to bind; default VIPERATRON_INBOUND_PORT or {DEFAULT_PORT}."
    ),
) -> None:
    """Receive bounces and complaints over SMTP (the MX of your bounce domains) until SIGTERM or Ctrl-C."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings.from_env()

    async def work():
        listener = InboundServer(settings, host=host, port=port)
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stopping.set)
        await listener.serve_until(stopping)

    try:
        _run(_with_db(settings, work))
    except OSError as exc:  # the port is taken, or needs privileges
        typer.echo(f"cannot listen: {exc}", err=True)
        raise typer.Exit(2) from None


@keys_cli.command("create")
def keys_create(
    org: str = typer.Option(..., "--org", help="Organization name (created if needed)."),
    name: str = typer.Option("", "--name", help="A label for the key."),
    per_minute: Optional[int] = typer.Option(None, "--per-minute", min=1),
    per_day: Optional[int] = typer.Option(None, "--per-day", min=1),
    test: bool = typer.Option(False, "--test", help="Create an et_test_ key (no email leaves)."),
) -> None:
    """Create a key and print its plaintext alone on stdout (shown once)."""
    settings = Settings.from_env()
    _, plaintext = _run(_with_db(settings, lambda: create_key(org, settings, name, per_minute, per_day, test)))
    typer.echo(plaintext)


@keys_cli.command("list")
def keys_list(org: str = typer.Option(..., "--org", help="Organization name.")) -> None:
    """List keys: id, prefix, name, created, last used, state (never the secret)."""
    keys = _run(_with_db(Settings.from_env(), lambda: list_keys(org)))
    typer.echo("ID\tPREFIX\tNAME\tMODE\tCREATED\tLAST_USED\tSTATE")
    for k in keys:
        typer.echo(
            "\t".join(
                [
                    k.id,
                    k.prefix,
                    k.name or "-",
                    k.mode,
                    k.created_at.isoformat(timespec="seconds"),
                    k.last_used_at.isoformat(timespec="seconds") if k.last_used_at else "never",
                    "revoked" if k.revoked_at else "active",
                ]
            )
        )


@keys_cli.command("revoke")
def keys_revoke(key: str = typer.Argument(..., help="Key ID (key_…) or display prefix (et_live_xxxx).")) -> None:
    """Revoke a key; other processes stop accepting it within 5 seconds."""
    revoked = _run(_with_db(Settings.from_env(), lambda: revoke_key(key)))
    if len(revoked) != 1:
        typer.echo(
            "no active key matches" if not revoked else "that prefix matches several keys; use the key ID",
            err=True,
        )
        raise typer.Exit(1)
    typer.echo(f"revoked {revoked[0].id}", err=True)


@import_cli.command("contacts")
def import_contacts(
    file: str = typer.Argument(..., help="A CSV (header row with an `email` column) or NDJSON file (.ndjson/.jsonl)."),
    org: str = typer.Option(..., "--org", help="Organization name."),
    tags: str = typer.Option("", "--tags", help="Tags added to every contact, comma-separated."),
    no_update_existing: bool = typer.Option(False, "--no-update-existing", help="Only create; leave existing contacts."),
) -> None:
    """Import contacts in this process (the same job code as the API), with a progress bar."""
    path = Path(file)
    if not path.is_file():
        typer.echo(f"no such file: {file}", err=True)
        raise typer.Exit(2)
    fmt = "ndjson" if path.suffix.lower() in (".ndjson", ".jsonl") else "csv"
    tag_list = [t.strip() for t in tags.split(",") if t.strip()]
    settings = Settings.from_env()
    console = Console(stderr=True)

    async def chunks():
        with path.open("rb") as f:
            while piece := f.read(CHUNK_BYTES):
                yield piece

    async def work():
        organization = await Organization.filter(name=org).first()
        if organization is None:
            typer.echo(f"no organization named {org!r}", err=True)
            raise typer.Exit(2)
        try:
            options = import_options(tag_list, not no_update_existing)
        except ApiError as error:
            typer.echo(error.message, err=True)
            raise typer.Exit(2)
        opts = {"tags": options.tags, "updateExisting": options.update_existing}
        job, _, size = await store_upload(organization.id, fmt, path.name, opts, chunks())
        if job is None:
            typer.echo("the file is empty", err=True)
            raise typer.Exit(1)
        claim = await imports.claim_job(job.id, settings.lease_seconds)
        with Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("rows"),
            TimeElapsedColumn(), console=console, transient=False,
        ) as bar:
            task = bar.add_task(f"importing {path.name} (counting rows)", total=None)

            def on_progress(p: imports.Progress) -> None:
                description = f"importing {path.name}" if p.phase != "counting" else f"importing {path.name} (counting rows)"
                bar.update(task, description=description, total=p.total, completed=p.processed)

            status = await imports.run_job(claim, settings.lease_seconds, on_progress=on_progress)
        return await ImportJob.get(id=job.id), status

    job, status = _run(_with_db(settings, work))
    typer.echo(f"import {job.id}: {job.status}")
    typer.echo(
        f"total {job.total or 0}, processed {job.processed}, created {job.created}, updated {job.updated}, "
        f"skipped {job.skipped}, failed {job.failed}"
    )
    if job.error:
        typer.echo(f"error: {job.error}")
    if job.errors:
        typer.echo(f"first {min(20, len(job.errors))} of {job.failed} row errors (rows are 1-based data rows):")
        for e in job.errors[:20]:
            typer.echo(f"  row {e['row']}: {e['field'] or '-'}: {e['code']}: {e['message']}")
    raise typer.Exit(0 if job.status == "completed" else 1)


def _password(value: str) -> str:
    if not MIN_PASSWORD <= len(value) <= MAX_PASSWORD:
        raise typer.BadParameter(f"a password has {MIN_PASSWORD} to {MAX_PASSWORD} characters")
    return value


@users_cli.command("create")
def users_create(
    email: str = typer.Option(..., "--email", help="The person's email address."),
    org: str = typer.Option(..., "--org", help="Organization name (created if needed)."),
    role: Role = typer.Option(Role.MEMBER, "--role", help="owner, admin or member."),
    password: str = typer.Option(..., prompt=True, hide_input=True, callback=_password, envvar="VIPERATRON_PASSWORD",
                                 help="Asked for (hidden) unless VIPERATRON_PASSWORD is set; not on the command line."),
) -> None:
    """Create an account (its address counts as verified) with a role in an organization; an
    existing account gains (or changes) the membership."""
    settings = Settings.from_env()
    try:
        email = normalize_email(email)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--email") from None
    try:
        user = _run(_with_db(settings, lambda: create_user(settings, email, org, role, password)))
    except ApiError as error:
        typer.echo(error.details[0].message if error.details else error.message, err=True)
        raise typer.Exit(2) from None
    typer.echo(f"{user.id} {user.email} is {role.value} of {org}", err=True)


@users_cli.command("reset-password")
def users_reset_password(
    email: str = typer.Option(..., "--email", help="The account's email address."),
    password: str = typer.Option(..., prompt="New password", hide_input=True, callback=_password,
                                 envvar="VIPERATRON_PASSWORD",
                                 help="Asked for (hidden) unless VIPERATRON_PASSWORD is set; not on the command line."),
) -> None:
    """Set a new password; every session of the account ends."""
    user = _run(_with_db(Settings.from_env(), lambda: reset_password(email, password)))
    if user is None:
        typer.echo(f"no account with the address {email}", err=True)
        raise typer.Exit(1)
    typer.echo(f"new password set for {user.email}; its sessions ended", err=True)


@analytics_cli.command("rebuild")
def analytics_rebuild(
    org: Optional[str] = typer.Option(None, "--org", help="Organization name (default: every organization)."),
) -> None:
    """Recompute the event rollups that analytics read from the stored events."""

    async def work():
        ids = None
        if org is not None:
            organization = await Organization.filter(name=org).first()
            if organization is None:
                typer.echo(f"no organization named {org!r}", err=True)
                raise typer.Exit(2)
            ids = [organization.id]
        return await rebuild_event_rollups(ids)

    result = _run(_with_db(Settings.from_env(), work))
    typer.echo(f"rebuilt the event rollups of {result.organizations} organization(s): "
               f"{result.events} events in {result.rows} rows", err=True)


def main() -> None:
    cli()


if __name__ == "__main__":
    sys.exit(main())
