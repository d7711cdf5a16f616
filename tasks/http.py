"""The HTTP client a channel API reader holds: one connection pool per API root."""

from __future__ import annotations

from collections.abc import Mapping

import httpx

__all__ = ["api_client"]


def api_client(
    base_url: str, headers: Mapping[str, str], *, timeout_seconds: float, transport: httpx.BaseTransport | None
) -> httpx.Client:
    """A client sending ``headers`` with every call to paths relative to ``base_url``, each call
    bounded by ``timeout_seconds``. The root gets a trailing slash, so ``v2/orders`` lands under a
    root with a path (``https://store/api``) rather than beside it. Safe to share between threads."""
    root = base_url if base_url.endswith("/") else f"{base_url}/"
    return httpx.Client(base_url=root, headers=dict(headers), timeout=timeout_seconds, transport=transport)
