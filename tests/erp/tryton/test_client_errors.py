"""The client classifies every failure once, into erp.errors, against a scripted Tryton.

These answers are shaped like the ones Tryton 8.2 gives (see the tests against the real server
in test_client.py); httpx.MockTransport lets us produce the rare ones (429, 503) on demand.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest

from erp.errors import ErpError, ErpRejected, ErpServerError, ErpThrottled, ErpUnavailable
from erp.tryton import DuplicateKey, TrytonClient
from erp.tryton.codec import decode, encode

Handler = Callable[[dict[str, Any]], httpx.Response]


class ScriptedTryton:
    """Answers login and preferences like Tryton, and every other call with ``handler``."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.logins = 0
        self.requests: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = decode(request.content)
        self.requests.append(body)
        if body["method"] == "common.db.login":
            self.logins += 1
            return rpc_result([7, f"token-{self.logins}", None])
        if body["method"] == "model.res.user.get_preferences":
            return rpc_result({"company": 3, "language": "en"})
        return self.handler(body)

    def client(self) -> TrytonClient:
        return TrytonClient("http://tryton.test/", "erp", "weir", "secret", transport=httpx.MockTransport(self))


def rpc_result(result: Any) -> httpx.Response:
    return httpx.Response(200, content=encode({"id": 1, "result": result}))


def rpc_error(error: Any) -> httpx.Response:
    return httpx.Response(200, content=encode({"id": 1, "error": error}))


def html(status: int, text: str, **headers: str) -> httpx.Response:
    page = f"<!doctype html>\n<title>{status}</title>\n<p>{text}</p>\n"
    return httpx.Response(status, text=page, headers={"Content-Type": "text/html", **headers})


def failing_call(answer: httpx.Response | Exception) -> pytest.ExceptionInfo[ErpError]:
    """The error a call raises when Tryton gives ``answer`` (or the transport raises it)."""

    def handler(body: dict[str, Any]) -> httpx.Response:
        if isinstance(answer, Exception):
            raise answer
        return answer

    client = ScriptedTryton(handler).client()
    with pytest.raises(ErpError) as caught:
        client.call("model.sale.sale.create", [{}])
    return caught


def test_calls_carry_the_session_and_the_context_last() -> None:
    tryton = ScriptedTryton(lambda body: rpc_result([1]))
    client = tryton.client()

    client.call("model.sale.sale.create", [{"unit_price": Decimal("11.00")}])

    call = tryton.requests[-1]
    assert call["params"] == [[{"unit_price": Decimal("11.00")}], {"company": 3, "language": "en"}]
    assert tryton.logins == 1


def test_an_expired_session_is_renewed_once_and_the_call_replayed() -> None:
    answers = iter([httpx.Response(401), rpc_result([5])])
    tryton = ScriptedTryton(lambda body: next(answers))

    assert tryton.client().call("model.sale.sale.create", [{}]) == [5]
    assert tryton.logins == 2


def test_a_session_refused_again_after_relogin_is_unavailable_not_rejected() -> None:
    tryton = ScriptedTryton(lambda body: httpx.Response(401))

    with pytest.raises(ErpUnavailable) as caught:
        tryton.client().call("model.sale.sale.create", [{}])

    assert caught.value.status == 401
    assert tryton.logins == 2


def test_a_refused_login_is_unavailable_since_it_is_no_order_s_fault() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        return html(401, "Unauthorized")

    client = TrytonClient("http://tryton.test/", "erp", "weir", "bad", transport=httpx.MockTransport(refuse))
    with pytest.raises(ErpUnavailable) as caught:
        client.call("model.sale.sale.search", [])

    assert not caught.value.permanent
    assert caught.value.status == 401


def test_a_locked_sqlite_database_throttles() -> None:
    caught = failing_call(html(503, "database is locked"))

    assert isinstance(caught.value, ErpThrottled)
    assert caught.value.status == 503
    assert "database is locked" in (caught.value.excerpt or "")


def test_too_many_requests_throttles_for_as_long_as_the_erp_asks() -> None:
    caught = failing_call(html(429, "Try again later.", **{"Retry-After": "7"}))

    assert isinstance(caught.value, ErpThrottled)
    assert caught.value.retry_after == 7.0


def test_too_many_requests_without_retry_after_throttles_for_an_unsaid_time() -> None:
    caught = failing_call(html(429, "Try again later."))

    assert isinstance(caught.value, ErpThrottled)
    assert caught.value.retry_after is None


@pytest.mark.parametrize("status", [502, 503, 504])
def test_a_gateway_or_unavailable_answer_means_the_erp_is_down(status: int) -> None:
    caught = failing_call(html(status, "Bad Gateway"))

    assert type(caught.value) is ErpUnavailable
    assert caught.value.deferral
    assert caught.value.status == status


def test_an_internal_server_error_is_a_real_failure_of_the_call() -> None:
    caught = failing_call(html(500, "Internal Server Error"))

    assert type(caught.value) is ErpServerError
    assert not caught.value.deferral
    assert caught.value.status == 500


def test_a_forbidden_method_is_rejected() -> None:
    caught = failing_call(html(403, "Forbidden"))

    assert type(caught.value) is ErpRejected
    assert caught.value.status == 403


def test_a_user_error_is_rejected_with_tryton_s_message() -> None:
    message = 'A value is required for field "Party" in record "[X-2]" of "Sale".'
    caught = failing_call(rpc_error(["UserError", [message, "", None]]))

    assert type(caught.value) is ErpRejected
    assert str(caught.value) == message
    assert caught.value.status == 200
    assert message.replace('"', '\\"') in (caught.value.excerpt or "")


def test_a_user_warning_is_rejected_since_only_a_human_can_accept_it() -> None:
    caught = failing_call(rpc_error(["UserWarning", ["stock.quantity", "Not enough stock", ""]]))

    assert type(caught.value) is ErpRejected
    assert "Not enough stock" in str(caught.value)


def test_a_concurrent_modification_is_transient() -> None:
    caught = failing_call(rpc_error(["ConcurrencyException", "Records were modified in the meanwhile"]))

    assert type(caught.value) is ErpServerError


@pytest.mark.parametrize(
    "error",
    [
        ["UNIQUE constraint failed: sale_sale.reference", ""],
        ['duplicate key value violates unique constraint "weir_sale_reference_uniq"', ""],
        ["UserError", ["The code on party must be unique.", "", None]],
    ],
)
def test_a_unique_constraint_is_a_duplicate_key(error: list[Any]) -> None:
    caught = failing_call(rpc_error(error))

    assert isinstance(caught.value, DuplicateKey)
    assert caught.value.permanent


def test_any_other_raw_server_error_is_rejected_as_an_internal_error() -> None:
    caught = failing_call(rpc_error(["'bogus'", ""]))

    assert type(caught.value) is ErpRejected
    assert "ERP internal error" in str(caught.value)
    assert "'bogus'" in str(caught.value)


@pytest.mark.parametrize(
    "exc",
    [httpx.ConnectError("Connection refused"), httpx.ReadTimeout("timed out"), httpx.RemoteProtocolError("eof")],
)
def test_transport_failures_are_unavailable_and_never_leak_httpx(exc: Exception) -> None:
    caught = failing_call(exc)

    assert type(caught.value) is ErpUnavailable
    assert caught.value.status is None
    assert caught.value.__cause__ is exc


def test_an_answer_that_is_not_json_is_unavailable() -> None:
    caught = failing_call(httpx.Response(200, text="<html>proxy error</html>"))

    assert type(caught.value) is ErpUnavailable
    assert caught.value.excerpt == "<html>proxy error</html>"


def test_an_excerpt_never_holds_a_whole_page() -> None:
    caught = failing_call(html(500, "x" * 10_000))

    assert caught.value.excerpt is not None
    assert len(caught.value.excerpt) == 300
