"""How the console answers what it cannot serve: a page for people, JSON under ``/api/``.

Refused input (:class:`~console.errors.ConsoleError`) gets its own status; RabbitMQ or Redis
not answering (any other :class:`~weir.errors.WeirError`) gets 503 and a log line; only a bug
gets 500.
"""

from __future__ import annotations

import logging

import orjson
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from console.context import context_of
from console.errors import ConsoleError
from weir.errors import WeirError

__all__ = ["EXCEPTION_HANDLERS", "answer"]

logger = logging.getLogger(__name__)

_CODES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    500: "internal_error",
    503: "unavailable",
}
_TITLES = {400: "Bad request", 403: "Forbidden", 404: "Not found", 409: "Changed meanwhile", 503: "Unavailable"}


def answer(request: Request, status: int, message: str) -> Response:
    """``message`` with ``status``: JSON ``{"error", "message"}`` under ``/api/``, else a page."""
    if request.url.path.startswith("/api/"):
        body = {"error": _CODES.get(status, "error"), "message": message}
        return Response(orjson.dumps(body), status, media_type="application/json")
    context = {"title": _TITLES.get(status, "Error"), "status": status, "message": message}
    return context_of(request).pages.render(request, "error.html", context, status_code=status)


async def _refused(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, ConsoleError) else 400
    return answer(request, status, str(exc))


async def _http_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, HTTPException):
        return answer(request, 400, str(exc))
    message = "no such page" if exc.status_code == 404 else str(exc.detail)
    return answer(request, exc.status_code, message)


async def _unavailable(request: Request, exc: Exception) -> Response:
    logger.warning("The console could not answer %s %s: %s", request.method, request.url.path, exc)
    return answer(request, 503, f"RabbitMQ or Redis did not answer, try again: {exc}")


async def _bug(request: Request, exc: Exception) -> Response:
    logger.error("Unexpected error answering %s %s.", request.method, request.url.path, exc_info=exc)
    return answer(request, 500, "an unexpected error occurred; it is in the console's log")


#: For ``Starlette(exception_handlers=...)``; the most specific class wins.
EXCEPTION_HANDLERS = {ConsoleError: _refused, HTTPException: _http_error, WeirError: _unavailable, Exception: _bug}
