"""JSON for scripts under ``/api/`` (``Authorization: Bearer <token>``): the fleet's status,
the dead letters' groups, a filtered list, and one dead letter with its message. Read-only:
scripts act through ``weir dlq``. Filters and ``limit`` are the pages'."""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from console.context import context_of
from console.filters import parse_filter
from console.views.dead_letters import find_letter
from console.views.params import bounded_int

__all__ = ["api_groups", "api_letter", "api_letters", "api_status"]


async def api_status(request: Request) -> Response:
    """``GET /api/status``: as ``weir status --json``."""
    return _json(await run_in_threadpool(context_of(request).oncall.status))


async def api_groups(request: Request) -> Response:
    """``GET /api/groups``: as ``weir dlq groups --json``."""
    where = parse_filter(request.query_params)
    return _json(await run_in_threadpool(context_of(request).oncall.store.groups, where))


async def api_letters(request: Request) -> Response:
    """``GET /api/letters``: as ``weir dlq list --json``, newest first."""
    where = parse_filter(request.query_params)
    limit = bounded_int(request.query_params, "limit", default=100, low=1, high=1_000)
    return _json(await run_in_threadpool(context_of(request).oncall.store.select, where, limit))


async def api_letter(request: Request) -> Response:
    """``GET /api/letters/{id}``: ``{"reason": ..., "message": <the message as text>}``."""
    oncall = context_of(request).oncall
    reason, body = await run_in_threadpool(find_letter, oncall, request.path_params["message_id"])
    message = body.decode("utf-8", "replace") if body is not None else None
    return _json({"reason": reason, "message": message})


def _json(value: Any) -> Response:
    return Response(orjson.dumps(value, default=_plain), media_type="application/json")


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    raise TypeError(f"cannot serialise {type(value).__name__}")
