"""One Square seller's Orders API, read by the worker: the full order an order summary names.

    >>> api = SquareApi("https://connect.squareup.com", token)
    >>> api.fetch(SquareResource("order", "CAISEM82RcpmcFBM0TfOyiHV3es"))
    {"order": {"id": ..., "line_items": [...], ...}}

What :meth:`SquareApi.fetch` returns is RetrieveOrder's answer, which :mod:`events.mapping.square`
maps. Every failure is classified here, into :mod:`tasks.errors`.
"""

from __future__ import annotations

from typing import Any

import httpx

from events.mapping import SquareResource, ThinResource
from tasks.answers import json_or_error
from tasks.errors import ChannelApiRejected, ChannelApiTransient
from tasks.http import api_client

__all__ = ["SQUARE_VERSION", "SquareApi"]

#: The Square API version Weir's Square mapping was written against (sent as ``Square-Version``).
SQUARE_VERSION = "2025-01-23"


class SquareApi:
    """Reads one seller's orders with its access token. ``timeout_seconds`` bounds each call.
    Safe to share between threads."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        version: str = SQUARE_VERSION,
        timeout_seconds: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {token}", "Square-Version": version, "Accept": "application/json"}
        self._http = api_client(base_url, headers, timeout_seconds=timeout_seconds, transport=transport)

    def fetch(self, wanted: ThinResource) -> dict[str, Any]:
        """``{"order": {...}}``: the order ``wanted`` names.

        Raises:
            ChannelApiRejected: the order does not exist, the token is refused, or ``wanted``
                is not a Square order.
            ChannelApiDeferred: Square asked us to slow down (429).
            ChannelApiTransient: no answer, or a failure of Square's own.
        """
        if not isinstance(wanted, SquareResource):
            raise ChannelApiRejected(f"a Square channel cannot fetch another provider's {wanted.kind} {wanted.id}")
        path = f"v2/orders/{wanted.id}"
        answer = self._get(path)
        if not isinstance(answer, dict) or not isinstance(answer.get("order"), dict):
            raise ChannelApiRejected(f"Square answered GET {path} without an order")
        return {"order": answer["order"]}

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def _get(self, path: str) -> Any:
        try:
            response = self._http.get(path)
        except httpx.HTTPError as exc:
            raise ChannelApiTransient(f"Square GET {path} failed before an answer: {exc!r}") from exc
        what = f"Square answered HTTP {response.status_code} to GET {path}: {response.text[:200]}"
        return json_or_error(response, what, missing="Square has no such order (it may belong to another seller).")
