"""Square's Orders API as the worker reads it: the order a summary names, how failures are
classified, and the channel's own rate limit (a real fleet gate in Redis)."""

from __future__ import annotations

import uuid

import httpx
import pytest
import redis

from events.mapping import BigCommerceResource, SquareResource
from tasks import ChannelApiDeferred, ChannelApiRejected, ChannelApiTransient, ChannelResources
from tasks.square import SQUARE_VERSION, SquareApi
from throttling import FleetGate, GatePolicy


class Seller:
    """Answers every GET with ``{"order": {"id": <the path's last part>}}`` and records it."""

    def __init__(self, status: int = 200, headers: dict[str, str] | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self._status = status
        self._headers = headers or {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self._status != 200:
            return httpx.Response(self._status, headers=self._headers, json={"errors": [{"code": "X"}]})
        return httpx.Response(200, json={"order": {"id": request.url.path.rsplit("/", 1)[-1], "state": "OPEN"}})

    def api(self) -> SquareApi:
        return SquareApi("https://connect.example", "sq-token", transport=httpx.MockTransport(self))


def test_an_order_is_fetched_with_the_token_and_the_square_version() -> None:
    seller = Seller()

    fetched = seller.api().fetch(SquareResource("order", "O-1"))

    assert fetched == {"order": {"id": "O-1", "state": "OPEN"}}
    (request,) = seller.requests
    assert (request.method, request.url.path) == ("GET", "/v2/orders/O-1")
    assert request.headers["Authorization"] == "Bearer sq-token"
    assert request.headers["Square-Version"] == SQUARE_VERSION


@pytest.mark.parametrize(
    ("status", "headers", "error"),
    [
        (404, {}, ChannelApiRejected),
        (401, {}, ChannelApiRejected),
        (503, {}, ChannelApiTransient),
        (429, {"Retry-After": "2"}, ChannelApiDeferred),
    ],
)
def test_square_s_failures_are_classified_once(status: int, headers: dict[str, str], error: type[Exception]) -> None:
    with pytest.raises(error) as caught:
        Seller(status, headers).api().fetch(SquareResource("order", "O-1"))

    if status == 404:
        assert "no such order" in str(caught.value) and getattr(caught.value, "permanent", False)
    if status == 429:
        assert getattr(caught.value, "delay_ms", None) == 2000
        assert getattr(caught.value, "deferral", False)


def test_an_answer_without_an_order_is_refused() -> None:
    api = SquareApi(
        "https://connect.example", "t", transport=httpx.MockTransport(lambda _: httpx.Response(200, json={}))
    )

    with pytest.raises(ChannelApiRejected, match="without an order"):
        api.fetch(SquareResource("order", "O-1"))


def test_a_seller_that_never_answers_is_transient() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    api = SquareApi("https://connect.example", "t", transport=httpx.MockTransport(refuse))

    with pytest.raises(ChannelApiTransient):
        api.fetch(SquareResource("order", "O-1"))


def test_a_square_channel_refuses_to_fetch_a_bigcommerce_resource() -> None:
    seller = Seller()

    with pytest.raises(ChannelApiRejected):
        seller.api().fetch(BigCommerceResource("order", "9"))

    assert seller.requests == []


def test_a_square_channel_without_an_api_refuses_permanently() -> None:
    with pytest.raises(ChannelApiRejected, match="channel square-us has no API") as caught:
        ChannelResources().fetch("square-us", SquareResource("order", "O-1"))

    assert caught.value.permanent


def test_the_channel_s_rate_limit_defers_fetches_beyond_it(redis_client: redis.Redis) -> None:
    # Given a gate allowing one fetch per minute, shared through Redis
    prefix = f"test:channel-api:{uuid.uuid4().hex}:"
    gate = FleetGate(redis_client, prefix=prefix, policy=GatePolicy(rate_per_second=1 / 60, concurrency=0))
    seller = Seller()
    resources = ChannelResources({"square-us": seller.api()}, {"square-us": gate})

    resources.fetch("square-us", SquareResource("order", "O-1"))
    with pytest.raises(ChannelApiDeferred) as caught:
        resources.fetch("square-us", SquareResource("order", "O-2"))

    assert caught.value.delay_ms and caught.value.delay_ms > 0
    assert len(seller.requests) == 1
    redis_client.delete(*redis_client.keys(f"{prefix}*"))


def test_a_429_from_square_settles_the_gate_as_throttled_and_defers(redis_client: redis.Redis) -> None:
    prefix = f"test:channel-api:{uuid.uuid4().hex}:"
    gate = FleetGate(redis_client, prefix=prefix, policy=GatePolicy(rate_per_second=10, concurrency=0))
    resources = ChannelResources({"square-us": Seller(429).api()}, {"square-us": gate})

    with pytest.raises(ChannelApiDeferred) as caught:
        resources.fetch("square-us", SquareResource("order", "O-1"))

    assert caught.value.deferral
    redis_client.delete(*redis_client.keys(f"{prefix}*"))
