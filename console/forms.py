"""Reading an action's form: small, and only with the session's CSRF token."""

from __future__ import annotations

import hmac

from starlette.datastructures import FormData
from starlette.requests import Request

from console.errors import Forbidden
from console.guard import operator_of

__all__ = ["action_form"]

_MAX_FIELDS = 1_100  # the filter's ids, at most 1,000, and the action's own fields
_MAX_PART_BYTES = 64 * 1024


async def action_form(request: Request) -> FormData:
    """The posted form, once its ``csrf`` field matched the session's CSRF token.

    Raises:
        Forbidden: no session (a bearer-token client), or a missing or wrong ``csrf``.
    """
    expected = operator_of(request).csrf
    form = await request.form(max_files=0, max_fields=_MAX_FIELDS, max_part_size=_MAX_PART_BYTES)
    presented = form.get("csrf")
    if expected is None:
        raise Forbidden("actions are taken from a logged-in page; scripts use `weir dlq` instead")
    if not isinstance(presented, str) or not hmac.compare_digest(presented.encode(), expected.encode()):
        raise Forbidden("this form is stale or was not sent by the console (CSRF token missing or wrong); reload it")
    return form
