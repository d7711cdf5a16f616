"""``GET /``: the fleet at a glance, as ``weir status`` shows it, reloading itself every
:data:`REFRESH_SECONDS`.

The reload is the page's own ``<meta http-equiv="refresh">``: the console runs no script, and the
status page has no field whose typing a reload could lose (its only form is the log-out button).
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from console.context import context_of

__all__ = ["REFRESH_SECONDS", "status_page"]

#: How often the status page reloads itself, in seconds.
REFRESH_SECONDS = 10


async def status_page(request: Request) -> Response:
    context = context_of(request)
    snapshot = await run_in_threadpool(context.oncall.status)
    page = {"title": "Status", "status": snapshot, "refresh_seconds": REFRESH_SECONDS}
    return context.pages.render(request, "status.html", page)
