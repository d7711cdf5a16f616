"""``GET /audit``: who replayed and purged what, when and why; newest first."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from console.context import context_of
from console.views.params import bounded_int

__all__ = ["audit_page"]


async def audit_page(request: Request) -> Response:
    context = context_of(request)
    limit = bounded_int(request.query_params, "limit", default=100, low=1, high=1_000)
    entries = await run_in_threadpool(context.oncall.audit.read, limit)
    return context.pages.render(request, "audit.html", {"title": "Audit log", "entries": entries, "limit": limit})
