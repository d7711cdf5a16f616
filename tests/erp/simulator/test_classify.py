"""Answers the simulator rarely gives, classified against httpx.MockTransport."""

from __future__ import annotations

import email.utils
import time

import httpx
import pytest

from erp.errors import EXCERPT_CHARS, ErpError, ErpRejected, ErpThrottled, ErpUnavailable, UnknownSku
from erp.simulator import SimulatorClient, SimulatorErp
from events.order import Customer


def failure(answer: httpx.Response | Exception) -> ErpError:
    """The error an adapter call raises when the ERP gives ``answer`` (or the transport raises it)."""

    def handler(request: httpx.Request) -> httpx.Response:
        if isinstance(answer, Exception):
            raise answer
        return answer

    erp = SimulatorErp(SimulatorClient("http://simulator.test/", transport=httpx.MockTransport(handler)))
    with pytest.raises(ErpError) as caught:
        erp.upsert_customer("test", Customer(id="1", name="Jane"))
    return caught.value


def test_retry_after_may_be_an_http_date() -> None:
    later = email.utils.formatdate(time.time() + 30, usegmt=True)

    error = failure(httpx.Response(429, headers={"Retry-After": later}))

    assert isinstance(error, ErpThrottled)
    assert error.retry_after is not None and 20 < error.retry_after <= 30


def test_an_unreadable_retry_after_is_no_retry_after() -> None:
    error = failure(httpx.Response(429, headers={"Retry-After": "soon"}))

    assert isinstance(error, ErpThrottled)
    assert error.retry_after is None


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(400, json={"error": "bad_request"}),
        httpx.Response(404, json={"error": "not_found"}),
        httpx.Response(422, json={"error": "invalid_body"}),
        httpx.Response(422, text="not json"),
    ],
)
def test_other_4xx_are_rejected(answer: httpx.Response) -> None:
    error = failure(answer)

    assert type(error) is ErpRejected
    assert error.permanent
    assert error.status == answer.status_code


def test_unknown_skus_are_read_from_the_answer() -> None:
    error = failure(httpx.Response(422, json={"error": "unknown_sku", "skus": ["B", "A"]}))

    assert isinstance(error, UnknownSku)
    assert error.skus == ("A", "B")


@pytest.mark.parametrize("status", [408, 423, 425, 502, 504])
def test_not_now_statuses_are_unavailable(status: int) -> None:
    assert type(failure(httpx.Response(status))) is ErpUnavailable


@pytest.mark.parametrize(
    "exception",
    [
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
        httpx.RemoteProtocolError("cut"),
        httpx.ReadError("reset"),
    ],
)
def test_no_answer_is_unavailable_and_no_httpx_error_escapes(exception: Exception) -> None:
    error = failure(exception)

    assert type(error) is ErpUnavailable
    assert error.status is None
    assert error.__cause__ is exception


def test_a_success_that_is_not_the_expected_answer_is_unavailable() -> None:
    error = failure(httpx.Response(200, text="<html>proxy login</html>"))

    assert type(error) is ErpUnavailable
    assert (error.status, error.excerpt) == (200, "<html>proxy login</html>")


def test_the_excerpt_is_the_start_of_a_long_answer() -> None:
    error = failure(httpx.Response(500, text="x" * 10_000))

    assert error.excerpt == "x" * EXCERPT_CHARS
