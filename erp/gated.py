"""Every HTTP call to the ERP passes a gate first and reports to it after.

The gate is whatever the process composes (Weir's workers use the fleet-wide budget and
breaker); adapters only need to send their requests through :class:`GatedTransport`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Protocol

import httpx

from erp.health import Health, ThrottleSignature, assess

__all__ = ["CallGate", "GatedTransport"]


class CallGate(Protocol):
    """Admission to the ERP for one call."""

    def enter(self) -> object:
        """Wait until the call may go; return a ticket for :meth:`exit`.

        Raises:
            ErpDeferred: the call cannot go soon; its message should wait and come back.
        """
        ...

    def exit(self, ticket: object, health: Health, pause_ms: int, latency_ms: float | None = None) -> None:
        """Report how the call went; ``pause_ms`` is what the ERP asked the fleet to wait,
        ``latency_ms`` how long the call took (``None`` if it did not finish)."""
        ...


class GatedTransport(httpx.BaseTransport):
    """Wraps a transport so each request is admitted by ``gate`` and judged for it after.

    The answer's body is read here (ERP answers are small) to spot throttle signatures. A
    throttled request was not processed by the ERP, so it is sent again, through the gate (which
    waits out the pause the ERP asked for, or defers the message when the pause is long), up to
    ``throttle_resends`` times; after that the throttled answer goes back to the adapter.
    """

    def __init__(
        self,
        inner: httpx.BaseTransport,
        gate: CallGate,
        signatures: Sequence[ThrottleSignature] = (),
        *,
        throttle_resends: int = 10,
    ) -> None:
        self._inner = inner
        self._gate = gate
        self._signatures = tuple(signatures)
        self._resends = throttle_resends

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        for _ in range(self._resends):
            response, health = self._send(request)
            if health != "throttled":
                return response
            response.close()
        return self._send(request)[0]

    def _send(self, request: httpx.Request) -> tuple[httpx.Response, Health]:
        ticket = self._gate.enter()
        started = time.perf_counter()
        try:
            response = self._inner.handle_request(request)
            body = response.read()
        except httpx.TransportError:
            self._gate.exit(ticket, "failure", 0)
            raise
        except BaseException:
            self._gate.exit(ticket, "ok", 0)
            raise
        health, pause_ms = assess(
            response.status_code,
            body.decode("utf-8", "replace"),
            response.headers.get("retry-after"),
            self._signatures,
        )
        self._gate.exit(ticket, health, pause_ms, (time.perf_counter() - started) * 1000)
        return response, health

    def close(self) -> None:
        self._inner.close()
