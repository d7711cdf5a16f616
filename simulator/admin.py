"""The admin API, under ``/_admin/``: program the simulated ERP and read what it saw.

Admin requests are never limited, delayed or counted. They are served on the public port and
on the admin port, which stays open during ``refuse`` outages. Bodies and answers are JSON;
an invalid body gets 422 ``invalid_body``.

=================================  ===========================================================
``GET /_admin/stats``              the counters (:class:`simulator.stats.StatsSnapshot`)
``DELETE /_admin/stats``           zero the counters (records and policy stay)
``GET /_admin/writes``             order writes per reference, every reference
``GET /_admin/stored``             when each sale and customer was first stored (Unix ms)
``GET|PUT /_admin/policy``         the policy (:class:`simulator.policy.Policy`); PUT replaces it
                                   whole, omitted fields meaning "no limit", e.g.
                                   ``{"rate_limit": {"per_second": 50, "burst": 5},
                                   "concurrency_limit": 10, "latency": {"kind": "lognormal",
                                   "median_ms": 40, "p99_ms": 400}, "error_rate": 0.01,
                                   "seed": 7}``. Latency kinds: ``fixed`` (``ms``), ``uniform``
                                   (``min_ms``, ``max_ms``), ``lognormal`` (``median_ms``,
                                   ``p99_ms``).
``POST /_admin/outages``           add an outage: ``{"mode": "unavailable" | "refuse",
                                   "start_in_seconds": 0, "duration_seconds": null}`` (null:
                                   until cleared). ``unavailable`` answers 503; ``refuse``
                                   closes the public port and cuts its connections. When a
                                   window starting now is added, it holds once the answer comes.
``GET|DELETE /_admin/outages``     the outages not over yet; clear them all (the port is open
                                   again once the answer comes)
``POST /_admin/storms``            add a throttle storm: ``{"retry_after_seconds": 5,
                                   "start_in_seconds": 0, "duration_seconds": 10}``: every ERP
                                   request gets 429 with that ``Retry-After``
``GET|DELETE /_admin/storms``      the storms not over yet; clear them all
``PUT /_admin/catalogue``          ``{"skus": [...]}``: the SKUs sold from now on
``POST /_admin/release``           answer every request now waiting out its latency
``POST /_admin/reset``             back to the start: records, default catalogue, no policy,
                                   no outage or storm, zero counters, held requests released
=================================  ===========================================================
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from simulator.answers import json_response
from simulator.bodies import InvalidBody, invalid_body, read_body
from simulator.holds import Holds
from simulator.limits import Limits
from simulator.outages import OutageWatcher
from simulator.policy import OutagePlan, Policy, StormPlan
from simulator.state import ErpState
from simulator.stats import Stats

__all__ = ["AdminApi"]


class _Catalogue(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    skus: list[str] = Field(min_length=1)


class AdminApi:
    """The admin routes over the simulator's parts."""

    def __init__(self, *, state: ErpState, stats: Stats, limits: Limits, holds: Holds, watcher: OutageWatcher) -> None:
        self._state = state
        self._stats = stats
        self._limits = limits
        self._holds = holds
        self._watcher = watcher

    def app(self) -> Starlette:
        routes = [
            Route("/stats", self.get_stats, methods=["GET"]),
            Route("/stats", self.delete_stats, methods=["DELETE"]),
            Route("/writes", self.get_writes, methods=["GET"]),
            Route("/stored", self.get_stored, methods=["GET"]),
            Route("/policy", self.get_policy, methods=["GET"]),
            Route("/policy", self.put_policy, methods=["PUT"]),
            Route("/outages", self.post_outage, methods=["POST"]),
            Route("/outages", self.get_outages, methods=["GET"]),
            Route("/outages", self.delete_outages, methods=["DELETE"]),
            Route("/storms", self.post_storm, methods=["POST"]),
            Route("/storms", self.get_storms, methods=["GET"]),
            Route("/storms", self.delete_storms, methods=["DELETE"]),
            Route("/catalogue", self.put_catalogue, methods=["PUT"]),
            Route("/release", self.release, methods=["POST"]),
            Route("/reset", self.reset, methods=["POST"]),
        ]
        return Starlette(routes=routes, exception_handlers={InvalidBody: invalid_body})  # type: ignore[dict-item]

    async def get_stats(self, request: Request) -> Response:
        snapshot = self._stats.snapshot(orders=len(self._state.sales), customers=len(self._state.customers))
        return json_response(snapshot.model_dump(mode="json"))

    async def delete_stats(self, request: Request) -> Response:
        self._stats.reset()
        return json_response({"status": "reset"})

    async def get_writes(self, request: Request) -> Response:
        return json_response(dict(self._stats.writes))

    async def get_stored(self, request: Request) -> Response:
        return json_response(self._state.first_stored)

    async def get_policy(self, request: Request) -> Response:
        return json_response(self._limits.policy.model_dump(mode="json"))

    async def put_policy(self, request: Request) -> Response:
        self._limits.apply(await read_body(request, Policy))
        return await self.get_policy(request)

    async def post_outage(self, request: Request) -> Response:
        self._limits.plan_outage(await read_body(request, OutagePlan))
        await self._watcher.sync()
        return json_response(self._limits.outages.describe(self._limits.now()), 201)

    async def get_outages(self, request: Request) -> Response:
        return json_response(self._limits.outages.describe(self._limits.now()))

    async def delete_outages(self, request: Request) -> Response:
        self._limits.outages.clear()
        await self._watcher.sync()
        return json_response([])

    async def post_storm(self, request: Request) -> Response:
        self._limits.plan_storm(await read_body(request, StormPlan))
        return json_response(self._limits.storms.describe(self._limits.now()), 201)

    async def get_storms(self, request: Request) -> Response:
        return json_response(self._limits.storms.describe(self._limits.now()))

    async def delete_storms(self, request: Request) -> Response:
        self._limits.storms.clear()
        return json_response([])

    async def put_catalogue(self, request: Request) -> Response:
        self._state.sell((await read_body(request, _Catalogue)).skus)
        return json_response({"skus": len(self._state.catalogue)})

    async def release(self, request: Request) -> Response:
        return json_response({"released": self._holds.release()})

    async def reset(self, request: Request) -> Response:
        released = self._holds.release()
        self._state.reset()
        self._stats.reset()
        self._limits.reset()
        await self._watcher.sync()
        return json_response({"status": "reset", "released": released})
