"""What a fake channel API received: every call, as a test asserts on it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request

__all__ = ["ApiCall", "received"]


@dataclass(frozen=True)
class ApiCall:
    """One request: its method, path, query parameters and JSON body (``None`` without one)."""

    method: str
    path: str
    params: dict[str, str] = field(default_factory=dict)
    body: Any = None


async def received(request: Request) -> ApiCall:
    """``request`` as an :class:`ApiCall` (its body read, so the handler reads it from the call)."""
    raw = await request.body()
    return ApiCall(request.method, request.url.path, dict(request.query_params), json.loads(raw) if raw else None)
