"""The ERP simulator: a fake ERP for load tests and benchmarks, programmable while it runs.

It serves a small ERP API (:mod:`simulator.api`) behind limits that real ERPs impose (rate
limits, concurrency limits, latency, random failures, outages, throttle storms), all
programmed at run time through the admin API (:mod:`simulator.admin`, under ``/_admin/``), which
also reports what the ERP saw (:mod:`simulator.stats`).

Two ports: the public one, owned by :class:`~simulator.front.TcpFront` so that an outage can
refuse connections, and the admin one, where uvicorn listens and which never closes. Both
serve the whole application; benchmarks point Weir at the public one.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.routing import Mount

from simulator.admin import AdminApi
from simulator.api import ErpApi
from simulator.front import TcpFront
from simulator.gate import Gate
from simulator.holds import Holds
from simulator.limits import Limits
from simulator.outages import OutageWatcher
from simulator.settings import SimulatorSettings
from simulator.state import ErpState
from simulator.stats import Stats

__all__ = ["create_app"]

_WILDCARDS = frozenset({"", "0.0.0.0", "::"})


def create_app(settings: SimulatorSettings) -> Starlette:
    """The simulator, to be served on ``settings.admin_port``; its lifespan opens the public port."""
    state, stats, limits, holds = ErpState(), Stats(), Limits(seed=settings.seed), Holds()
    upstream_host = "127.0.0.1" if settings.host in _WILDCARDS else settings.host
    front = TcpFront(settings.host, settings.port, (upstream_host, settings.admin_port))
    watcher = OutageWatcher(front, limits.outages)
    admin = AdminApi(state=state, stats=stats, limits=limits, holds=holds, watcher=watcher)
    erp = Gate(ErpApi(state, stats).app(), limits=limits, stats=stats, holds=holds)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await front.listen()
        watching = asyncio.create_task(watcher.run())
        try:
            yield
        finally:
            watching.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watching
            await front.refuse()

    return Starlette(routes=[Mount("/_admin", app=admin.app()), Mount("", app=erp)], lifespan=lifespan)
