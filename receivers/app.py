"""The receiver's HTTP face: ``POST /webhooks/{channel}``, ``GET /healthz`` and ``GET /readyz``.

Every answer is JSON. Refusals carry ``{"error": <code>, "message": <why>}`` and the status of
their :class:`~receivers.errors.ReceiverError`; nothing here ever redirects.
"""

from __future__ import annotations

import logging
import re
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

from queues.lanes import Lane
from queues.publisher import ConfirmedPublisher
from queues.settings import BrokerSettings
from queues.topology import lane_queues
from receivers.channels import Channel
from receivers.dedupe import DeliveryLedger
from receivers.errors import PayloadTooLarge, ReceiverError
from receivers.intake import Intake
from receivers.settings import ReceiverSettings
from weir.settings import RedisSettings, ServiceSettings
from weir.stores import async_redis

__all__ = ["ReceiverConfig", "create_app"]

logger = logging.getLogger(__name__)

_CORRELATION_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


@dataclass(frozen=True)
class ReceiverConfig:
    """Everything a receiver process needs, built once at its entry point."""

    service: ServiceSettings
    receiver: ReceiverSettings
    broker: BrokerSettings
    redis: RedisSettings
    channels: Mapping[str, Channel]


def create_app(config: ReceiverConfig, *, clock: Callable[[], float] | None = None) -> Starlette:
    """The receiver application. Connections open at start-up and close at shutdown.

    ``clock`` (Unix seconds) replaces the wall clock for signed-timestamp checks, in tests.
    """
    state = _Runtime(config, clock)
    routes = [
        Route("/webhooks/{channel}", state.webhook, methods=["POST"]),
        Route("/healthz", _healthz, methods=["GET"]),
        Route("/readyz", state.readyz, methods=["GET"]),
    ]
    return Starlette(
        routes=routes,
        lifespan=state.lifespan,
        exception_handlers={HTTPException: _http_error, Exception: _internal_error},
    )


class _Runtime:
    """The connections and the intake of one application instance.

    Nothing connects here: Redis connects on first use and RabbitMQ in the lifespan.
    """

    def __init__(self, config: ReceiverConfig, clock: Callable[[], float] | None) -> None:
        namespace = config.service.namespace
        lanes = {lane: lane_queues(namespace, lane) for lane in Lane}
        self._max_body = config.receiver.max_body_bytes
        self._redis = async_redis(config.redis)
        self._ledger = DeliveryLedger(
            self._redis,
            prefix=f"{namespace}:delivery:",
            seen_ttl_ms=config.receiver.dedupe_ttl_seconds * 1000,
            claim_ttl_ms=config.receiver.claim_ttl_seconds * 1000,
        )
        self._publisher = ConfirmedPublisher(
            str(config.broker.url), tuple(lanes.values()), timeout=config.broker.confirm_timeout_seconds
        )
        kwargs: dict[str, Any] = {} if clock is None else {"clock": clock}
        self._intake = Intake(config.channels, lanes, self._ledger, self._publisher, **kwargs)

    @asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        if not await self._publisher.check():
            logger.warning("RabbitMQ is unreachable at start-up; webhooks get 503 until it is back.")
        try:
            yield
        finally:
            await self._publisher.close()
            await self._redis.aclose()

    async def webhook(self, request: Request) -> Response:
        try:
            body = await _read_body(request, self._max_body)
            receipt = await self._intake.receive(
                request.path_params["channel"], request.headers, body, _correlation_id(request)
            )
        except ReceiverError as exc:
            return _json({"error": exc.code, "message": str(exc)}, exc.status)
        if receipt.status == "duplicate":
            return _json({"status": "duplicate", "event_id": receipt.event_id}, 200)
        return _json({"status": "accepted", "event_id": receipt.event_id, "lane": receipt.lane}, 202)

    async def readyz(self, request: Request) -> Response:
        checks = {"broker": await self._publisher.check(), "redis": await self._ledger.check()}
        ready = all(checks.values())
        return _json({"ready": ready, "checks": checks}, 200 if ready else 503)


async def _healthz(request: Request) -> Response:
    return _json({"status": "ok"}, 200)


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the body is over {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"the body is over {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _correlation_id(request: Request) -> str | None:
    value = request.headers.get("x-correlation-id") or request.headers.get("x-request-id")
    return value if value and _CORRELATION_ID.match(value) else None


def _json(content: Any, status: int) -> Response:
    return Response(orjson.dumps(content), status_code=status, media_type="application/json")


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 400
    code = {404: "not_found", 405: "method_not_allowed"}.get(status, "http_error")
    return _json({"error": code, "message": getattr(exc, "detail", str(exc))}, status)


async def _internal_error(request: Request, exc: Exception) -> Response:
    logger.error("Unexpected error answering %s %s.", request.method, request.url.path, exc_info=exc)
    return _json({"error": "internal_error", "message": "an unexpected error occurred"}, 500)
