"""The console's application: its routes, its guard, and how it answers failures.

======================  =====================================================
``GET /``               the fleet's status
``GET /groups``         dead letters grouped by cause, with filters
``GET /letters``        a filtered list (one group: ``?cause=<id>``)
``GET /letters/{id}``   one dead letter: reason, failures, message
``GET|POST /replay``    the replay plan; its confirmation
``GET|POST /purge``     the purge plan; its confirmation
``GET /outcome``        what the last action did
``GET /audit``          the audit log
``GET /api/...``        JSON: ``status``, ``groups``, ``letters``, ``letters/{id}``
``GET|POST /login``     the login form; ``POST /logout``
``GET /healthz``        liveness, without the token
======================  =====================================================
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from console.auth import SessionKeys
from console.context import ConsoleContext
from console.failures import EXCEPTION_HANDLERS
from console.guard import TokenGuard
from console.headers import SecurityHeaders
from console.pages import Pages
from console.settings import ConsoleConfig
from console.views import actions, api, audit, dead_letters, login, status
from oncall.fleet import OnCall
from weir.paths import WithoutTrailingSlash

__all__ = ["create_app"]

STATIC = Path(__file__).resolve().parent / "static"


def create_app(config: ConsoleConfig) -> Starlette:
    """The console for the fleet ``config`` describes; its Redis client closes at shutdown."""
    session_seconds = int(config.console.session_hours * 3600)
    context = ConsoleContext(
        oncall=OnCall(config.oncall),
        pages=Pages(config.oncall.service.namespace),
        keys=SessionKeys(config.token, max_age_seconds=session_seconds),
        session_seconds=session_seconds,
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            context.oncall.close()

    app = Starlette(
        routes=_routes(),
        middleware=[
            Middleware(WithoutTrailingSlash),
            Middleware(SecurityHeaders),
            Middleware(TokenGuard, keys=context.keys, login_page=login.refused),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
    # WithoutTrailingSlash answers /letters/ as /letters; a path with more slashes is not found,
    # never redirected (a redirect would re-post a form to another path).
    app.router.redirect_slashes = False
    app.state.console = context
    return app


def _routes() -> list[BaseRoute]:
    return [
        Route("/", status.status_page, methods=["GET"]),
        Route("/groups", dead_letters.groups_page, methods=["GET"]),
        Route("/letters", dead_letters.letters_page, methods=["GET"]),
        Route("/letters/{message_id}", dead_letters.letter_page, methods=["GET"]),
        Route("/replay", actions.plan_page, methods=["GET"]),
        Route("/replay", actions.confirm, methods=["POST"]),
        Route("/purge", actions.plan_page, methods=["GET"]),
        Route("/purge", actions.confirm, methods=["POST"]),
        Route("/outcome", actions.outcome_page, methods=["GET"]),
        Route("/audit", audit.audit_page, methods=["GET"]),
        Route("/api/status", api.api_status, methods=["GET"]),
        Route("/api/groups", api.api_groups, methods=["GET"]),
        Route("/api/letters", api.api_letters, methods=["GET"]),
        Route("/api/letters/{message_id}", api.api_letter, methods=["GET"]),
        Route("/login", login.login_page, methods=["GET"]),
        Route("/login", login.login, methods=["POST"]),
        Route("/logout", login.logout, methods=["POST"]),
        Route("/healthz", _healthz, methods=["GET"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]


async def _healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})
