"""A thread-safe JSON client of the ERP simulator's API, over httpx, that raises only
:mod:`erp.errors`.

    >>> client = SimulatorClient("http://127.0.0.1:8200/")
    >>> client.put("/customers/shop-us:42", {"id": "42", "name": "Jane Doe"}, Created)
    Created(id=3)

(``Created`` being any pydantic model of the answer.)
Every call goes through the client's transport (``transport``, when given, replaces the
network, e.g. with a gated transport that enforces a fleet-wide budget). Every failure is
classified here, in :mod:`.classify`.
"""

from __future__ import annotations

from typing import Any, TypeVar
from urllib.parse import quote

import httpx
import orjson
from pydantic import BaseModel, ValidationError

from erp.errors import ErpUnavailable
from erp.settings import ErpSettings
from erp.simulator import classify

__all__ = ["SimulatorClient", "segment"]

M = TypeVar("M", bound=BaseModel)


def segment(text: str) -> str:
    """``text`` escaped as one URL path segment (a ``/`` in a reference stays inside it)."""
    return quote(text, safe=":@")


class SimulatorClient:
    """Calls the simulator at ``url``. ``timeout_seconds`` bounds each phase of one call
    (connect, send, wait for the answer). Safe to share between threads."""

    def __init__(
        self, url: str, *, timeout_seconds: float = 30.0, transport: httpx.BaseTransport | None = None
    ) -> None:
        self._timeout_seconds = timeout_seconds
        self._http = httpx.Client(base_url=url, timeout=timeout_seconds, transport=transport)

    @classmethod
    def from_settings(cls, settings: ErpSettings, *, transport: httpx.BaseTransport | None = None) -> SimulatorClient:
        """A client for the simulator at ``settings.url``."""
        return cls(str(settings.url), timeout_seconds=settings.timeout_seconds, transport=transport)

    def put(self, path: str, body: Any, answer: type[M]) -> M:
        """PUT ``body`` as JSON to ``path`` (already escaped) and read the answer as ``answer``.

        Raises:
            UnknownSku: the body names SKUs the ERP does not sell.
            ErpRejected: the ERP refused the body.
            ErpThrottled: the ERP is over its rate or concurrency limit.
            ErpUnavailable: no answer, a server failure, or an answer that is not ``answer``.
        """
        return self._read(self._send("PUT", path, body), answer)

    def post(self, path: str, body: Any, answer: type[M]) -> M:
        """POST ``body`` as JSON to ``path``; raises as :meth:`put` does (and
        :class:`~erp.errors.SaleMissing` when the sale a change names is missing)."""
        return self._read(self._send("POST", path, body), answer)

    def get(self, path: str, answer: type[M], params: dict[str, list[str]] | None = None) -> M:
        """GET ``path`` with the query ``params``; raises as :meth:`put` does."""
        return self._read(self._send("GET", path, None, params), answer)

    def find(self, path: str, answer: type[M]) -> M | None:
        """GET ``path``; None if the ERP answers 404. Raises as :meth:`put` does."""
        response = self._send("GET", path, None)
        return None if response.status_code == 404 else self._read(response, answer)

    def close(self) -> None:
        """Close the connection pool; the client must not be used afterwards."""
        self._http.close()

    def _send(self, method: str, path: str, body: Any, params: dict[str, list[str]] | None = None) -> httpx.Response:
        content = None if body is None else orjson.dumps(body)
        headers = {"Content-Type": "application/json"} if content is not None else None
        try:
            return self._http.request(method, path.lstrip("/"), content=content, headers=headers, params=params)
        except httpx.HTTPError as exc:
            call = f"{method} {path}"
            raise classify.transport_error(exc, call=call, timeout_seconds=self._timeout_seconds) from exc

    def _read(self, response: httpx.Response, answer: type[M]) -> M:
        call = f"{response.request.method} {response.request.url.path}"
        if not response.is_success:
            raise classify.http_error(response, call=call)
        try:
            return answer.model_validate_json(response.content)
        except ValidationError as exc:
            raise ErpUnavailable(
                f"ERP answered {call} with something Weir cannot read",
                status=response.status_code,
                excerpt=response.text,
            ) from exc
