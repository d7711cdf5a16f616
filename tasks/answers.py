"""What a channel API's HTTP answer means for the event that asked for it: its JSON, or the
error (:mod:`tasks.errors`) that decides the event's fate. A 429 defers it, a failure of the
API's own is retried, any other refusal (a 404, a refused token) is permanent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from tasks.errors import ChannelApiDeferred, ChannelApiRejected, ChannelApiTransient

__all__ = ["TRANSIENT", "json_or_error", "raise_for_refusal", "retry_after_ms"]

#: Answers after which the same call may succeed later.
TRANSIENT = frozenset({408, 425, 500, 502, 503, 504})


def retry_after_ms(headers: httpx.Headers) -> int | None:
    """``Retry-After`` (whole seconds) in milliseconds, or ``None`` when it is absent or a date."""
    retry_after = headers.get("Retry-After", "")
    return int(retry_after) * 1000 if retry_after.isdigit() else None


def json_or_error(
    response: httpx.Response,
    what: str,
    *,
    delay_ms: Callable[[httpx.Headers], int | None] = retry_after_ms,
    missing: str | None = None,
) -> Any:
    """``response``'s JSON; ``what`` says which answer it was, for the error's reason.

    Raises:
        ChannelApiRejected: a refusal, or an empty 204; a 404 with ``missing`` said first.
        ChannelApiDeferred: a 429, to be tried again after ``delay_ms(headers)`` (``None``: unsaid).
        ChannelApiTransient: a failure of the API's own, or an answer that is not JSON.
    """
    raise_for_refusal(response, what, delay_ms=delay_ms, missing=missing)
    if response.status_code == 204:
        raise ChannelApiRejected(what)
    try:
        return response.json()
    except ValueError as exc:
        raise ChannelApiTransient(f"{what}; that is not JSON") from exc


def raise_for_refusal(
    response: httpx.Response,
    what: str,
    *,
    delay_ms: Callable[[httpx.Headers], int | None] = retry_after_ms,
    missing: str | None = None,
) -> None:
    """Nothing when ``response`` is a success (a 204 included: a write that answers nothing);
    otherwise the error it means, as :func:`json_or_error` raises it."""
    status = response.status_code
    if status == 404 and missing:
        raise ChannelApiRejected(f"{missing} {what}")
    if status == 429:
        raise ChannelApiDeferred(what, delay_ms=delay_ms(response.headers))
    if status in TRANSIENT:
        raise ChannelApiTransient(what)
    if not response.is_success:
        raise ChannelApiRejected(what)
