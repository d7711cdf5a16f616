"""``GET /``: the fleet at a glance, as ``weir status`` shows it."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from console.context import context_of

__all__ = ["status_page"]


async def status_page(request: Request) -> Response:
    context = context_of(request)
    snapshot = await run_in_threadpool(context.oncall.status)
    return context.pages.render(request, "status.html", {"title": "Status", "status": snapshot})
