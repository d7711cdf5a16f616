"""A transport that lists the JSON-RPC methods a client sends to the real Tryton, in order."""

from __future__ import annotations

import json
import threading

import httpx

__all__ = ["CallLog"]


class CallLog(httpx.BaseTransport):
    """Passes every request on to the network and records its JSON-RPC method."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport()
        self._lock = threading.Lock()
        self.methods: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.methods.append(json.loads(request.content)["method"])
        return self._inner.handle_request(request)

    def since(self, mark: int) -> list[str]:
        """The methods sent since :attr:`methods` was ``mark`` long."""
        return self.methods[mark:]

    def close(self) -> None:
        self._inner.close()
