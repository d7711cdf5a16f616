"""How a Tryton answer maps onto :mod:`erp.errors`: the one place that reads Tryton's failures.

Tryton reports model-level failures as HTTP 200 with a JSON-RPC ``error``, whose first element
names the kind (``UserError``, ``ConcurrencyException``, ...) or, for a raw server exception, is
the exception text itself. Authentication, access and database failures come back as non-200
HTML pages.
"""

from __future__ import annotations

import html
import re
from typing import Any

import httpx

from erp.errors import ErpError, ErpRejected, ErpServerError, ErpThrottled, ErpUnavailable
from erp.health import UNAVAILABLE, retry_after_seconds
from erp.tryton.errors import DuplicateKey

__all__ = ["http_error", "rpc_error", "transport_error"]

# SQLite's and PostgreSQL's texts for a unique index violation, as Tryton passes them through.
_UNIQUE_TEXTS = ("UNIQUE constraint failed", "duplicate key value violates unique constraint")
_LOCKED_TEXT = "database is locked"
# Tryton's messages for its own unique constraints all end so ("The code on party must be unique.").
_UNIQUE_USER_ERROR = re.compile(r"must be unique\.?$")


def transport_error(exc: httpx.HTTPError, *, method: str, timeout_seconds: float) -> ErpError:
    """The ERP never answered: a refused connection, a timeout, a broken stream."""
    if isinstance(exc, httpx.TimeoutException):
        return ErpUnavailable(f"ERP call {method} timed out after {timeout_seconds:g} s")
    return ErpUnavailable(f"ERP call {method} failed before an answer: {exc!r}")


def http_error(response: httpx.Response, *, method: str) -> ErpError:
    """Classify a non-200 answer. A 401 here means the credentials were refused after re-login."""
    status, excerpt = response.status_code, response.text
    text = _plain(excerpt)
    what = f"ERP answered HTTP {status} to {method}: {text}".rstrip(": ")
    if status == 429 or (status == 503 and _LOCKED_TEXT in text):
        retry_after = retry_after_seconds(response.headers.get("Retry-After"))
        return ErpThrottled(what, retry_after=retry_after, status=status, excerpt=excerpt)
    if status == 401:
        # Not the order's fault: retry (and alert) rather than dead-letter every order.
        return ErpUnavailable(f"ERP refused Weir's credentials on {method}", status=status, excerpt=excerpt)
    if status in UNAVAILABLE:
        return ErpUnavailable(what, status=status, excerpt=excerpt)
    if status >= 500:
        return ErpServerError(what, status=status, excerpt=excerpt)
    return ErpRejected(what, status=status, excerpt=excerpt)


def rpc_error(error: Any, *, method: str, excerpt: str) -> ErpError:
    """Classify the ``error`` member of a JSON-RPC answer (always sent with HTTP 200)."""
    kind, detail = _split(error)
    if kind == "UserError":
        return _user_error(_first_text(detail), excerpt)
    if kind == "UserWarning":
        # A warning waits for a human to accept it; replaying the call cannot do that.
        return ErpRejected(f"ERP warning on {method}: {_warning_text(detail)}", status=200, excerpt=excerpt)
    if kind == "ConcurrencyException":
        return ErpServerError(f"ERP record changed during {method}: {detail}", status=200, excerpt=excerpt)
    if kind in ("RateLimitException", "LoginException"):
        return ErpUnavailable(f"ERP refused the login ({kind}) on {method}", status=200, excerpt=excerpt)
    return _raw_error(kind, method=method, excerpt=excerpt)


def _user_error(message: str, excerpt: str) -> ErpRejected:
    if _UNIQUE_USER_ERROR.search(message):
        return DuplicateKey(message, status=200, excerpt=excerpt)
    return ErpRejected(message, status=200, excerpt=excerpt)


def _raw_error(text: str, *, method: str, excerpt: str) -> ErpError:
    if any(unique in text for unique in _UNIQUE_TEXTS):
        return DuplicateKey(f"ERP unique constraint on {method}: {text}", status=200, excerpt=excerpt)
    if _LOCKED_TEXT in text:
        return ErpThrottled(f"ERP database busy on {method}: {text}", status=200, excerpt=excerpt)
    return ErpRejected(f"ERP internal error on {method}: {text}", status=200, excerpt=excerpt)


def _split(error: Any) -> tuple[str, Any]:
    """``["UserError", [...]]`` -> (kind, detail); anything odd becomes its own text."""
    if isinstance(error, list | tuple) and error:
        return str(error[0]), error[1] if len(error) > 1 else None
    return str(error), None


def _first_text(detail: Any) -> str:
    if isinstance(detail, list | tuple) and detail:
        return str(detail[0])
    return str(detail)


def _warning_text(detail: Any) -> str:
    # A UserWarning's detail is [name, message, description].
    if isinstance(detail, list | tuple) and len(detail) > 1:
        return str(detail[1])
    return str(detail)


def _plain(body: str) -> str:
    """The text of an HTML error page, whitespace collapsed, first 200 characters."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())[:200]
