"""Logging in with the token, and out.

A login names who is acting, for the audit log: ``console:<name>@<address>`` with the name
typed on the form, ``console:<address>`` without one. The name is what the person says it is:
everyone shares the one token.
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from console.context import context_of
from console.forms import action_form
from console.guard import SESSION_COOKIE, who_of

__all__ = ["login", "login_page", "logout", "refused"]

_NAME = re.compile(r"^[\w .@-]{1,40}$")
# A path of this console: not another site (//host, /\host), no spaces or control characters
# (browsers drop tabs and newlines, which would turn "/\t/host" into "//host").
_LOCAL_PATH = re.compile(r"^/(?![/\\])[^\s\\\x00-\x1f\x7f]*$")


async def login_page(request: Request) -> Response:
    """``GET /login``: the form."""
    return _form(request, next_path=_safe_next(request.query_params.get("next")))


def refused(request: Request) -> Response:
    """The login form, answered 401, for a page asked for without a valid session."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return _form(request, next_path=_safe_next(target), status_code=401)


async def login(request: Request) -> Response:
    """``POST /login``: check the token; open a session and go on to ``next``."""
    context = context_of(request)
    form = await request.form(max_files=0, max_fields=10, max_part_size=4096)
    token, name, next_path = (_field(form.get(key)) for key in ("token", "name", "next"))
    next_path = _safe_next(next_path)
    if not context.keys.token_matches(token):
        return _form(request, next_path=next_path, error="That is not the console's token.", status_code=401)
    name = name.strip()
    if name and not _NAME.match(name):
        error = "A name is up to 40 letters, digits, spaces and . @ - _"
        return _form(request, next_path=next_path, error=error, status_code=400)
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        context.keys.issue(who_of(request, name or None)),
        max_age=context.session_seconds,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


async def logout(request: Request) -> Response:
    """``POST /logout`` (with the CSRF token): forget the session cookie."""
    await action_form(request)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response


def _form(request: Request, *, next_path: str, error: str | None = None, status_code: int = 200) -> Response:
    context = {"title": "Log in", "next": next_path, "error": error}
    return context_of(request).pages.render(request, "login.html", context, status_code=status_code)


def _field(value: object) -> str:
    return value if isinstance(value, str) else ""


def _safe_next(target: str | None) -> str:
    if not target or not _LOCAL_PATH.match(target) or target.startswith("/login"):
        return "/"
    return target
