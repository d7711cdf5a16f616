"""Serving Prometheus metrics from Weir's web processes (the receiver, the console)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

__all__ = ["metrics_endpoint"]


def metrics_endpoint(registry: CollectorRegistry) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint answering ``GET /metrics`` with ``registry`` in Prometheus's text format.

    Collecting runs in a worker thread: the fleet's collector reads RabbitMQ and Redis with
    blocking clients, and the event loop must keep answering webhooks meanwhile.

    >>> app.add_route("/metrics", metrics_endpoint(fleet_registry(oncall)), methods=["GET"])
    """

    async def metrics(request: Request) -> Response:
        body = await run_in_threadpool(generate_latest, registry)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return metrics
