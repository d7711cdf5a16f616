"""How a simulator answer maps onto :mod:`erp.errors`: the one place that reads its failures.

==============================================  =============================================
no answer (refused connection, timeout, reset)  :class:`~erp.errors.ErpUnavailable`
429                                             :class:`~erp.errors.ErpThrottled`, with
                                                ``retry_after`` from ``Retry-After``
400 naming ``SSS_REQUEST_LIMIT_EXCEEDED``       :class:`~erp.errors.ErpThrottled` (NetSuite's
                                                concurrency limit; no ``Retry-After``)
422 ``unknown_sku``                             :class:`~erp.errors.UnknownSku`
404 ``no_sale``                                 :class:`~erp.errors.SaleMissing` (waits for it)
5xx, 408, 423, 425                              :class:`~erp.errors.ErpUnavailable`
any other 4xx                                   :class:`~erp.errors.ErpRejected`
==============================================  =============================================
"""

from __future__ import annotations

import httpx
import orjson

from erp.errors import ErpError, ErpRejected, ErpServerError, ErpThrottled, ErpUnavailable, SaleMissing, UnknownSku
from erp.health import UNAVAILABLE, retry_after_seconds

__all__ = ["LIMIT_CODE", "http_error", "transport_error"]

#: The code in the body of NetSuite's (and the simulator's) "too many concurrent requests" 400.
LIMIT_CODE = "SSS_REQUEST_LIMIT_EXCEEDED"


def transport_error(exc: httpx.HTTPError, *, call: str, timeout_seconds: float) -> ErpError:
    """The ERP never answered ``call`` (``"PUT /orders/..."``): refused, timed out, cut off."""
    if isinstance(exc, httpx.TimeoutException):
        return ErpUnavailable(f"ERP call {call} timed out after {timeout_seconds:g} s")
    return ErpUnavailable(f"ERP call {call} failed before an answer: {exc!r}")


def http_error(response: httpx.Response, *, call: str) -> ErpError:
    """Classify an answer that is not 2xx (nor the 404 of a lookup)."""
    status, text = response.status_code, response.text
    what = f"ERP answered HTTP {status} to {call}: {text[:200]}"
    if status == 429 or (status == 400 and LIMIT_CODE in text):
        retry_after = retry_after_seconds(response.headers.get("Retry-After"))
        return ErpThrottled(what, retry_after=retry_after, status=status, excerpt=text)
    if status == 422:
        skus = _unknown_skus(response.content)
        if skus is not None:
            return UnknownSku(skus, status=status, excerpt=text)
    if status == 404 and _code(response.content) == "no_sale":
        return SaleMissing(what, status=status, excerpt=text)
    if status in UNAVAILABLE:
        return ErpUnavailable(what, status=status, excerpt=text)
    if status >= 500:
        return ErpServerError(what, status=status, excerpt=text)
    return ErpRejected(what, status=status, excerpt=text)


def _code(body: bytes) -> str | None:
    """The ``error`` code of a JSON answer, if it has one."""
    try:
        answer = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    return str(answer.get("error")) if isinstance(answer, dict) else None


def _unknown_skus(body: bytes) -> list[str] | None:
    """The SKUs of an ``unknown_sku`` answer; None if it is another 422."""
    if _code(body) != "unknown_sku":
        return None
    skus = orjson.loads(body).get("skus")
    return [str(sku) for sku in skus] if isinstance(skus, list) else []
