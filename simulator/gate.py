"""The ASGI middleware that every ERP request passes: it counts the request, refuses it as the
limits say, holds it for its latency, fails it at the programmed rate, or lets it through."""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from simulator import refusals
from simulator.holds import Holds
from simulator.limits import Limits
from simulator.stats import Stats

__all__ = ["Gate"]


class Gate:
    """Puts ``app`` behind ``limits``, counting into ``stats`` and waiting in ``holds``."""

    def __init__(self, app: ASGIApp, *, limits: Limits, stats: Stats, holds: Holds) -> None:
        self._app = app
        self._limits = limits
        self._stats = stats
        self._holds = holds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        self._stats.arrived(int(time.time()))
        status = 500  # what the stats record if the app fails before answering

        async def send_counted(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self._pass(scope, receive, send_counted)
        finally:
            self._stats.answered(int(time.time()), status)

    async def _pass(self, scope: Scope, receive: Receive, send: Send) -> None:
        refusal = self._limits.refusal()
        if refusal is not None:
            self._stats.refused(refusal.reason)
            await refusal.response()(scope, receive, send)
            return
        self._limits.enter()
        self._stats.entered()
        try:
            await self._holds.wait(self._limits.delay_seconds())
            if self._limits.fails():
                self._stats.refused("failure")
                await refusals.server_error().response()(scope, receive, send)
                return
            await self._app(scope, receive, send)
        finally:
            self._limits.leave()
            self._stats.left()
