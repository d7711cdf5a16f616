"""The token guard: every request but the login page, the health check and the stylesheet
must come from someone holding ``WEIR_CONSOLE_TOKEN``.

Scripts send ``Authorization: Bearer <token>``; browsers log in once through the form and then
send the session cookie (:mod:`console.auth`). A request with neither, or a wrong one, gets 401:
JSON under ``/api/``, the login page elsewhere. A wrong bearer token is refused even when a
valid cookie comes along, so a script never acts on a browser's session by accident.
"""

from __future__ import annotations

from collections.abc import Callable

import orjson
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from console.auth import Operator, SessionKeys

__all__ = ["SESSION_COOKIE", "TokenGuard", "current_operator", "operator_of", "who_of"]

SESSION_COOKIE = "weir_console_session"

_PUBLIC_PATHS = frozenset({"/login", "/healthz"})
_PUBLIC_PREFIXES = ("/static/",)

#: Renders the login page for a request that was refused (answered with 401).
LoginPage = Callable[[Request], Response]


class TokenGuard:
    """ASGI middleware that lets in only requests carrying the token or a valid session, and
    records their :class:`Operator` in the request's state."""

    def __init__(self, app: ASGIApp, *, keys: SessionKeys, login_page: LoginPage) -> None:
        self._app = app
        self._keys = keys
        self._login_page = login_page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _public(scope["path"]):
            await self._app(scope, receive, send)
            return
        request = Request(scope, receive)
        operator = self._authenticate(request)
        if operator is None:
            await self._refusal(request)(scope, receive, send)
            return
        scope.setdefault("state", {})["operator"] = operator
        await self._app(scope, receive, send)

    def _authenticate(self, request: Request) -> Operator | None:
        header = request.headers.get("authorization")
        if header is not None:
            scheme, _, presented = header.partition(" ")
            if scheme.lower() == "bearer" and self._keys.token_matches(presented.strip()):
                return Operator(who=who_of(request), csrf=None)
            return None
        cookie = request.cookies.get(SESSION_COOKIE)
        return self._keys.verify(cookie) if cookie else None

    def _refusal(self, request: Request) -> Response:
        if request.url.path.startswith("/api/"):
            body = {"error": "unauthorized", "message": "send Authorization: Bearer <WEIR_CONSOLE_TOKEN>"}
            return Response(
                orjson.dumps(body), 401, headers={"WWW-Authenticate": "Bearer"}, media_type="application/json"
            )
        return self._login_page(request)


def current_operator(connection: HTTPConnection) -> Operator | None:
    """Who the guard let in for this request; ``None`` on public pages."""
    operator = connection.scope.get("state", {}).get("operator")
    return operator if isinstance(operator, Operator) else None


def operator_of(connection: HTTPConnection) -> Operator:
    """Who the guard let in; every guarded route has one."""
    operator = current_operator(connection)
    if operator is None:
        raise RuntimeError("a guarded route ran without an operator: is TokenGuard installed?")
    return operator


def who_of(connection: HTTPConnection, name: str | None = None) -> str:
    """The audit log's ``who``: ``console:<name>@<address>``, or ``console:<address>`` without a
    name. The address is the peer's (a proxy's, behind one)."""
    address = connection.client.host if connection.client else "unknown"
    return f"console:{name}@{address}" if name else f"console:{address}"


def _public(path: str) -> bool:
    return path in _PUBLIC_PATHS or path.startswith(_PUBLIC_PREFIXES)
