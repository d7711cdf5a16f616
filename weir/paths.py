"""One path per page in Weir's web processes: a trailing slash is answered as if it were absent.

Starlette's router would otherwise answer ``/webhooks/shop-us/`` with a 307 to the path without
the slash, and providers do not follow redirects on a POST: the delivery would be lost.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["WithoutTrailingSlash", "without_trailing_slash"]


def without_trailing_slash(scope: Scope) -> Scope:
    """``scope`` with one trailing slash removed from its path (the root ``/`` keeps its own)."""
    path: str = scope["path"]
    if len(path) > 1 and path.endswith("/"):
        return {**scope, "path": path[:-1]}
    return scope


class WithoutTrailingSlash:
    """ASGI middleware passing on HTTP requests through :func:`without_trailing_slash`."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope = without_trailing_slash(scope)
        await self._app(scope, receive, send)
