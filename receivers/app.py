"""The receiver's HTTP face: ``POST /webhooks/{channel}``, ``GET /healthz`` and ``GET /readyz``.

Every answer is JSON. Refusals carry ``{"error": <code>, "message": <why>}`` and the status of
their :class:`~receivers.errors.ReceiverError`; nothing here ever redirects.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from queues.lanes import Lane
from queues.publisher import ConfirmedPublisher
from queues.settings import BrokerSettings
from queues.topology import lane_queues
from receivers.channels import Channel
from receivers.dedupe import DeliveryLedger
from receivers.intake import Intake
from receivers.pipelined_redis import PipelinedRedis
from receivers.settings import ReceiverSettings
from receivers.webhook import PREFIX, WebhookEndpoint
from weir.settings import RedisSettings, ServiceSettings

__all__ = ["ReceiverConfig", "create_app"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReceiverConfig:
    """Everything a receiver process needs, built once at its entry point."""

    service: ServiceSettings
    receiver: ReceiverSettings
    broker: BrokerSettings
    redis: RedisSettings
    channels: Mapping[str, Channel]


def create_app(config: ReceiverConfig, *, clock: Callable[[], float] | None = None) -> ASGIApp:
    """The receiver application. Connections open at start-up and close at shutdown.

    ``clock`` (Unix seconds) replaces the wall clock for signed-timestamp checks, in tests.
    """
    state = _Runtime(config, clock)
    webhook = WebhookEndpoint(state.intake, max_body_bytes=config.receiver.max_body_bytes)
    routes = [
        # Webhooks never reach this route (see _FastPath); it answers 405 to other methods.
        Route(PREFIX + "{channel}", webhook, methods=["POST"]),
        Route("/healthz", _healthz, methods=["GET"]),
        Route("/readyz", state.readyz, methods=["GET"]),
    ]
    framework = Starlette(
        routes=routes,
        lifespan=state.lifespan,
        exception_handlers={HTTPException: _http_error, Exception: _internal_error},
    )
    return _FastPath(webhook, framework)


class _FastPath:
    """Sends webhook deliveries straight to their endpoint and everything else to Starlette."""

    def __init__(self, webhook: WebhookEndpoint, framework: ASGIApp) -> None:
        self._webhook = webhook
        self._framework = framework

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and _is_webhook(scope["path"]):
            await self._webhook(scope, receive, send)
        else:
            await self._framework(scope, receive, send)


def _is_webhook(path: str) -> bool:
    return path.startswith(PREFIX) and len(path) > len(PREFIX) and "/" not in path[len(PREFIX) :]


class _Runtime:
    """The connections and the intake of one application instance.

    Nothing connects here: Redis connects on first use and RabbitMQ in the lifespan.
    """

    def __init__(self, config: ReceiverConfig, clock: Callable[[], float] | None) -> None:
        namespace = config.service.namespace
        lanes = {lane: lane_queues(namespace, lane) for lane in Lane}
        deadline = config.receiver.enqueue_timeout_seconds
        self._ledger = DeliveryLedger(
            PipelinedRedis(str(config.redis.url), timeout=config.redis.timeout_seconds),
            prefix=f"{namespace}:delivery:",
            seen_ttl_ms=config.receiver.dedupe_ttl_seconds * 1000,
            claim_ttl_ms=config.receiver.claim_ttl_seconds * 1000,
        )
        self._publisher = ConfirmedPublisher(str(config.broker.url), tuple(lanes.values()), connect_timeout=deadline)
        kwargs: dict[str, Any] = {} if clock is None else {"clock": clock}
        self.intake = Intake(config.channels, lanes, self._ledger, self._publisher, deadline_seconds=deadline, **kwargs)

    @asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        if not await self._publisher.check():
            logger.warning("RabbitMQ is unreachable at start-up; webhooks get 503 until it is back.")
        try:
            yield
        finally:
            await self._ledger.close()
            await self._publisher.close()

    async def readyz(self, request: Request) -> Response:
        checks = {"broker": await self._publisher.check(), "redis": await self._ledger.check()}
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
