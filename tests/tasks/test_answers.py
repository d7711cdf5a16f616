"""What a channel API's answer means for the event that asked for it."""

from __future__ import annotations

import httpx
import pytest

from tasks.answers import json_or_error, raise_for_refusal, retry_after_ms
from tasks.errors import ChannelApiDeferred, ChannelApiRejected, ChannelApiTransient


def answer(status: int, content: bytes = b"", headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, content=content, headers=headers)


def test_a_successful_answer_is_its_json() -> None:
    assert json_or_error(answer(200, b'{"id": 7}'), "GET /orders/7") == {"id": 7}


def test_a_429_defers_for_as_long_as_the_api_said() -> None:
    with pytest.raises(ChannelApiDeferred) as caught:
        json_or_error(answer(429, headers={"Retry-After": "3"}), "GET /orders/7")

    assert caught.value.delay_ms == 3_000


@pytest.mark.parametrize("status", [408, 500, 502, 503, 504])
def test_a_failure_of_the_apis_own_is_transient(status: int) -> None:
    with pytest.raises(ChannelApiTransient):
        json_or_error(answer(status), "GET /orders/7")


@pytest.mark.parametrize("status", [204, 400, 401, 403, 404])
def test_a_refusal_or_an_empty_answer_is_permanent(status: int) -> None:
    with pytest.raises(ChannelApiRejected):
        json_or_error(answer(status), "GET /orders/7")


def test_a_missing_resource_says_so_first() -> None:
    with pytest.raises(ChannelApiRejected, match=r"^No such order\. GET /orders/7$"):
        json_or_error(answer(404), "GET /orders/7", missing="No such order.")


def test_an_answer_that_is_not_json_is_transient() -> None:
    with pytest.raises(ChannelApiTransient, match="not JSON"):
        json_or_error(answer(200, b"<html>"), "GET /orders/7")


def test_a_retry_after_given_as_a_date_is_unsaid() -> None:
    assert retry_after_ms(httpx.Headers({"Retry-After": "Wed, 02 Dec 2026 07:00:00 GMT"})) is None


def test_a_write_answered_with_nothing_is_no_refusal() -> None:
    raise_for_refusal(answer(204), "POST /shipments")


@pytest.mark.parametrize(
    ("status", "error"), [(429, ChannelApiDeferred), (503, ChannelApiTransient), (400, ChannelApiRejected)]
)
def test_a_refusal_without_a_body_is_classified_as_a_json_answer_is(status: int, error: type[Exception]) -> None:
    with pytest.raises(error):
        raise_for_refusal(answer(status), "POST /shipments")
