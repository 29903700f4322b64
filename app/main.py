"""The FastAPI application: REST under /api/v1, GraphQL at /graphql, docs, health."""

from __future__ import annotations

import asyncio
import gc
import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.staticfiles import StaticFiles
from strawberry.fastapi import GraphQLRouter

from app.core import db, webhook_urls
from app.core.settings import Settings
from app.engines.inbound import InboundServer
from app.engines.worker import Worker
from app.web import accounts, handlers, openapi, tracking, unsubscribe
from app.web.dashboard import install_dashboard
from app.web.docs import install_redoc
from app.web.graphiql import VENDOR_DIR, VENDOR_URL, OfflineGraphQLRouter
from app.web.graphql_gate import get_context
from app.web.graphql_http import GraphQLPost, post_route_of
from app.web.hot_paths import install_hot_first
from app.web.middleware import EdgeMiddleware
from app.web.pages import install_pages
from app.web.ratelimit import RedisLimiter
from app.web.services import Services
from rest_compat import hot_routes
from rest_compat import router as rest_router
from schema.graphql import schema

log = logging.getLogger("viperatron")

HEALTH = {
    "type": "object",
    "required": ["status", "database"],
    "properties": {
        "status": {"type": "string", "enum": ["ok", "degraded", "unavailable"]},
        "database": {"type": "string", "enum": ["ok", "unreachable"]},
        "redis": {"type": "string", "enum": ["ok", "unreachable"], "description": "With REDIS_URL only."},
    },
}

DESCRIPTION = """One REST API for every product surface: send, import, automate and analyze.
JSON in, JSON out. Authenticate with `Authorization: Bearer et_live_…` or `X-API-Key`.
Every response to an authenticated request carries `X-RateLimit-*` headers; over budget you
get 429 with `Retry-After`. Errors are `{"error": {"code", "message", "details"}}`."""


def create_app(
    settings: Settings | None = None, *, manage_db: bool = True, run_worker: bool = False, run_inbound: bool = False
) -> FastAPI:
    """`manage_db=False` leaves Tortoise to the caller (tests and the CLI init it themselves);
    `run_worker=True` delivers queued messages in this process (`viperatron serve`);
    `run_inbound=True` receives bounces and complaints on VIPERATRON_INBOUND_PORT too."""
    settings = settings or Settings.from_env()
    services = Services.build(settings)
    webhook_urls.configure(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if manage_db:
            await db.init_db(settings)
        services.keys.start()
        worker, worker_task = None, None
        if run_worker:
            worker = Worker(settings)
            worker_task = asyncio.create_task(worker.run(), name="delivery-worker")
        listener = InboundServer(settings) if run_inbound else None
        if listener is not None:
            await listener.start()
        # What start-up made (modules, the schema, routes, models: ~200,000 objects) lives as
        # long as the process: out of the collector's sight, a full collection under load took
        # ~7 ms instead of ~120 ms (a pause every request in flight waited through).
        gc.freeze()
        try:
            yield
        finally:
            if listener is not None:
                await listener.stop()
            if worker is not None:
                worker.stop()
                await worker_task
            await services.keys.stop()
            if isinstance(services.limiter, RedisLimiter):
                await services.limiter.close()
            if manage_db:
                await db.close_db()

    app = FastAPIOffline(
        title="Viperatron API",
        version="1",
        description=DESCRIPTION,
        lifespan=lifespan,
        redoc_url=None,  # app.web.docs serves ReDoc without its CDN logo
        # Swagger UI keeps what was entered in Authorize across reloads (browser localStorage).
        swagger_ui_parameters={"persistAuthorization": True},
    )
    install_redoc(app)
    openapi.install(app)
    app.state.services = services
    handlers.install(app)
    app.add_middleware(
        EdgeMiddleware, max_body_bytes=settings.max_body_bytes, max_send_body_bytes=settings.max_send_body_bytes,
        max_import_body_bytes=settings.max_import_body_bytes, deadline_seconds=settings.request_deadline_seconds,
    )
    # GraphQL first: requests are matched against the routes in order (~70 REST routes cost
    # ~0.5 ms of matching before /graphql when it came last), and no other path starts with /graphql.
    graphql: GraphQLRouter = OfflineGraphQLRouter(
        schema, context_getter=get_context, allow_queries_via_get=False, include_in_schema=False
    )
    # POST's common case first (app.web.graphql_http), handing the rest to Strawberry's route.
    graphql_post = Route("/graphql", GraphQLPost(post_route_of(graphql)), methods=["POST"])
    app.router.routes.append(graphql_post)
    app.router.routes.extend(hot_routes)  # a send, a contact, an event: their common case (rest_compat.lean)
    app.include_router(graphql, prefix="/graphql")
    app.include_router(rest_router)
    app.include_router(accounts.router)  # /auth/*: the dashboard's sign-in (not in /openapi.json)
    app.include_router(unsubscribe.router)  # /u/TOKEN: one-click unsubscribe links (not in /openapi.json)
    app.include_router(tracking.router)  # /t/*: open pixel and tracked links (not in /openapi.json)
    if VENDOR_DIR.is_dir():
        # node_modules may be a symlink (a shared install, pnpm, a worktree); ".." still cannot leave the folder.
        app.mount(VENDOR_URL, StaticFiles(directory=VENDOR_DIR, follow_symlink=True), name="vendor")

    @app.get(
        "/healthz", tags=["health"], operation_id="getHealth", summary="Liveness and dependencies",
        description="No key needed. 200 with `status` `ok` (or `degraded`: Redis unreachable, rate limits per "
        "process meanwhile); 503 `unavailable` when the database is unreachable.",
        responses={
            200: {"content": {"application/json": {"schema": HEALTH, "example": {"status": "ok", "database": "ok"}}}},
            503: {"description": "The database is unreachable",
                  "content": {"application/json": {"schema": HEALTH,
                                                   "example": {"status": "unavailable", "database": "unreachable"}}}},
        },
    )
    async def healthz() -> JSONResponse:
        status = {"status": "ok", "database": "ok"}
        try:
            await db.ping()
        except Exception:
            status.update(status="unavailable", database="unreachable")
            return JSONResponse(status, status_code=503)
        if isinstance(services.limiter, RedisLimiter):
            reachable = await services.limiter.ping()
            status["redis"] = "ok" if reachable else "unreachable"
            if not reachable or services.limiter.degraded:
                status["status"] = "degraded"
        return JSONResponse(status)

    install_pages(app, settings)  # / (developer home) and /reference (Scalar)
    install_dashboard(app)  # /dashboard (the GraphQL dashboard) and its modules
    install_hot_first(app, [graphql_post, *hot_routes])  # last: it builds the middleware stack
    return app
