"""The receiver's HTTP face: ``POST /webhooks/{channel}``, ``GET /healthz``, ``GET /readyz`` and
``GET /metrics`` (Prometheus).

Every answer but the metrics is JSON. Refusals carry ``{"error": <code>, "message": <why>}`` and the status of
their :class:`~receivers.errors.ReceiverError`; nothing here ever redirects: a path with a trailing slash
is answered as the path without it (``/webhooks/shop-us/`` is ``/webhooks/shop-us``). Only channels whose
provider posts over HTTP are served: Amazon's, read from SQS unsigned, are unknown channels here.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import orjson
from prometheus_client.registry import Collector
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from receivers.config import ReceiverConfig
from receivers.metrics import ReceiverMetrics
from receivers.runtime import IntakeRuntime
from receivers.webhook import PREFIX, WebhookEndpoint
from weir.exposition import metrics_endpoint
from weir.paths import without_trailing_slash

__all__ = ["ReceiverConfig", "create_app"]

logger = logging.getLogger(__name__)


def create_app(
    config: ReceiverConfig, *, clock: Callable[[], float] | None = None, fleet: Collector | None = None
) -> ASGIApp:
    """The receiver application. Connections open at start-up and close at shutdown.

    ``clock`` (Unix seconds) replaces the wall clock for signed-timestamp checks, in tests.
    ``GET /metrics`` serves the receiver's own counters and ``fleet`` (the whole fleet's
    metrics, :class:`oncall.metrics.FleetCollector`) if given.
    """
    state = _Runtime(config, clock)
    metrics = ReceiverMetrics(state.channels, fleet)
    webhook = WebhookEndpoint(
        state.intake, max_body_bytes=config.receiver.max_body_bytes, on_answer=metrics.count_answer
    )
    routes = [
        # Webhooks never reach this route (see _FastPath); it answers 405 to other methods.
        Route(PREFIX + "{channel}", webhook, methods=["POST"]),
        Route("/healthz", _healthz, methods=["GET"]),
        Route("/readyz", state.readyz, methods=["GET"]),
        Route("/metrics", metrics_endpoint(metrics.registry), methods=["GET"]),
    ]
    framework = Starlette(
        routes=routes,
        lifespan=state.lifespan,
        exception_handlers={HTTPException: _http_error, Exception: _internal_error},
    )
    # _FastPath already took one trailing slash off; a path with more is not found, never redirected.
    framework.router.redirect_slashes = False
    return _FastPath(webhook, framework)


class _FastPath:
    """Sends webhook deliveries straight to their endpoint and everything else to Starlette,
    a path's trailing slash taken off first."""

    def __init__(self, webhook: WebhookEndpoint, framework: ASGIApp) -> None:
        self._webhook = webhook
        self._framework = framework

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._framework(scope, receive, send)
            return
        scope = without_trailing_slash(scope)
        if scope["method"] == "POST" and _is_webhook(scope["path"]):
            await self._webhook(scope, receive, send)
        else:
            await self._framework(scope, receive, send)


def _is_webhook(path: str) -> bool:
    return path.startswith(PREFIX) and len(path) > len(PREFIX) and "/" not in path[len(PREFIX) :]


class _Runtime:
    """The application's intake, over the channels that post webhooks, and its readiness."""

    def __init__(self, config: ReceiverConfig, clock: Callable[[], float] | None) -> None:
        self.channels = config.channels_on("http")
        self._connections = IntakeRuntime(config, self.channels, clock)
        self.intake = self._connections.intake

    @asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        await self._connections.start()
        try:
            yield
        finally:
            await self._connections.close()

    async def readyz(self, request: Request) -> Response:
        checks = await self._connections.checks()
        ready = all(checks.values())
        return _json({"ready": ready, "checks": checks}, 200 if ready else 503)


async def _healthz(request: Request) -> Response:
    return _json({"status": "ok"}, 200)


def _json(content: Any, status: int) -> Response:
    return Response(orjson.dumps(content), status_code=status, media_type="application/json")


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 400
    code = {404: "not_found", 405: "method_not_allowed"}.get(status, "http_error")
    return _json({"error": code, "message": getattr(exc, "detail", str(exc))}, status)


async def _internal_error(request: Request, exc: Exception) -> Response:
    logger.error("Unexpected error answering %s %s.", request.method, request.url.path, exc_info=exc)
    return _json({"error": "internal_error", "message": "an unexpected error occurred"}, 500)
