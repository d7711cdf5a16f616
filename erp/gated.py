"""Every HTTP call to the ERP passes a gate first and reports to it after.

The gate is whatever the process composes (Weir's workers use the fleet-wide budget and
breaker); adapters only need to send their requests through :class:`GatedTransport`.
"""

from __future__ import annotations

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

    def exit(self, ticket: object, health: Health, pause_ms: int) -> None:
        """Report how the call went; ``pause_ms`` is what the ERP asked the fleet to wait."""
        ...


class GatedTransport(httpx.BaseTransport):
    """Wraps a transport so each request is admitted by ``gate`` and judged for it after.

    The answer's body is read here (ERP answers are small) to spot throttle signatures.
    """

    def __init__(
        self, inner: httpx.BaseTransport, gate: CallGate, signatures: Sequence[ThrottleSignature] = ()
    ) -> None:
        self._inner = inner
        self._gate = gate
        self._signatures = tuple(signatures)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        ticket = self._gate.enter()
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
        self._gate.exit(ticket, health, pause_ms)
        return response

    def close(self) -> None:
        self._inner.close()
