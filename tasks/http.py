"""The HTTP client a channel API reader holds: one connection pool per API root."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from tasks.errors import ChannelApiTransient

__all__ = ["api_client", "sent"]


def api_client(
    base_url: str, headers: Mapping[str, str], *, timeout_seconds: float, transport: httpx.BaseTransport | None
) -> httpx.Client:
    """A client sending ``headers`` with every call to paths relative to ``base_url``, each call
    bounded by ``timeout_seconds``. The root gets a trailing slash, so ``v2/orders`` lands under a
    root with a path (``https://store/api``) rather than beside it. Safe to share between threads."""
    root = base_url if base_url.endswith("/") else f"{base_url}/"
    return httpx.Client(base_url=root, headers=dict(headers), timeout=timeout_seconds, transport=transport)


def sent(client: httpx.Client, method: str, path: str, *, api: str, **request: Any) -> httpx.Response:
    """``client``'s answer to ``method path`` (``request`` is more of :meth:`httpx.Client.request`'s
    arguments), whatever its status; ``api`` names the API for the error's reason.

    Raises:
        ChannelApiTransient: no answer (refused connection, timeout, broken stream...).
    """
    try:
        return client.request(method, path, **request)
    except httpx.HTTPError as exc:
        raise ChannelApiTransient(f"{api} {method} {path} failed before an answer: {exc!r}") from exc
