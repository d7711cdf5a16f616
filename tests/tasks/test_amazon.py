"""SP-API's Orders API as the worker reads it, from a real local server standing in for Amazon:
the order and every page of its items, with a fixed access token or tokens exchanged with a real
local server standing in for Login with Amazon, how failures are classified, and the channel's
own rate limit (a real fleet gate in Redis)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
import redis

from events.mapping import AmazonResource, SquareResource
from samples.payloads import sp_api_order, sp_api_order_item
from tasks import ChannelApiDeferred, ChannelApiRejected, ChannelApiTransient, ChannelResources
from tasks.amazon import AmazonApi
from tasks.lwa import FixedToken, LwaTokens
from tests.support.lwa import LWA_CLIENT_ID, LWA_CLIENT_SECRET, LWA_REFRESH_TOKEN, FakeLwa
from tests.support.net import free_port
from tests.support.sp_api import SP_API_TOKEN, FakeSpApi, SpApiCall
from throttling import FleetGate, GatePolicy

ORDER = AmazonResource("order", "902-1")


Api = Callable[..., AmazonApi]


@pytest.fixture
def api(sp_api: FakeSpApi) -> Iterator[Api]:
    """Builds AmazonApis on the fake SP-API (by default with the token it accepts), closed after the test."""
    built: list[AmazonApi] = []

    def build(token: str = SP_API_TOKEN, timeout_seconds: float = 5, url: str = sp_api.url) -> AmazonApi:
        built.append(AmazonApi(url, FixedToken(token), timeout_seconds=timeout_seconds))
        return built[-1]

    yield build
    for amazon in built:
        amazon.close()


def test_an_order_is_fetched_with_the_access_token_then_its_items(sp_api: FakeSpApi, api: Api) -> None:
    order = sp_api_order("902-1")
    items = [sp_api_order_item("SKU-0001", 2, "22.00")]
    sp_api.add(order, items)

    fetched = api().fetch(ORDER)

    assert fetched == {"order": order, "items": items}
    assert sp_api.calls == [
        SpApiCall("/orders/v0/orders/902-1", None, SP_API_TOKEN),
        SpApiCall("/orders/v0/orders/902-1/orderItems", None, SP_API_TOKEN),
    ]


def test_the_items_are_fetched_page_after_page_while_sp_api_gives_a_next_token(sp_api: FakeSpApi, api: Api) -> None:
    # Given an order of five items, which the fake pages two at a time
    items = [sp_api_order_item(f"SKU-000{n}", 1, f"{n}.00") for n in range(1, 6)]
    sp_api.add(sp_api_order("902-1"), items)

    fetched = api().fetch(ORDER)

    assert fetched["items"] == items
    assert [call.next_token for call in sp_api.calls[1:]] == [None, "page-2", "page-4"]


@pytest.mark.parametrize(
    ("status", "headers", "error"),
    [
        (404, {}, ChannelApiRejected),
        (400, {}, ChannelApiRejected),
        (500, {}, ChannelApiTransient),
        (503, {}, ChannelApiTransient),
        (429, {"x-amzn-RateLimit-Limit": "0.5"}, ChannelApiDeferred),
    ],
)
def test_sp_api_s_failures_are_classified_once(
    sp_api: FakeSpApi, api: Api, status: int, headers: dict[str, str], error: type[Exception]
) -> None:
    sp_api.add(sp_api_order("902-1"), [sp_api_order_item("SKU-0001", 1, "1.00")])
    sp_api.answer_next(status, headers=headers)

    with pytest.raises(error) as caught:
        api().fetch(ORDER)

    if status == 404:
        assert "no such order" in str(caught.value) and getattr(caught.value, "permanent", False)
    if status == 429:
        # One interval of the operation's rate: 0.5 calls a second.
        assert getattr(caught.value, "delay_ms", None) == 2000
        assert getattr(caught.value, "deferral", False)


def test_an_order_amazon_does_not_know_is_refused_permanently_saying_so(sp_api: FakeSpApi, api: Api) -> None:
    with pytest.raises(ChannelApiRejected, match=r"Amazon has no such order.*NotFound") as caught:
        api().fetch(ORDER)

    assert caught.value.permanent


def test_a_refused_fixed_access_token_is_permanent_and_not_tried_again(sp_api: FakeSpApi, api: Api) -> None:
    sp_api.add(sp_api_order("902-1"), [])

    with pytest.raises(ChannelApiRejected, match="HTTP 403"):
        api(token="Atza|expired").fetch(ORDER)

    assert len(sp_api.order_calls("902-1")) == 1


def test_a_retry_after_says_how_long_to_wait(sp_api: FakeSpApi, api: Api) -> None:
    sp_api.answer_next(429, headers={"Retry-After": "3"})

    with pytest.raises(ChannelApiDeferred) as caught:
        api().fetch(ORDER)

    assert caught.value.delay_ms == 3000


def test_a_failure_on_a_later_page_fails_the_whole_fetch(sp_api: FakeSpApi, api: Api) -> None:
    sp_api.add(sp_api_order("902-1"), [sp_api_order_item(f"SKU-000{n}", 1, "1.00") for n in range(1, 4)])
    resources = api()
    resources.fetch(ORDER)
    sp_api.calls.clear()

    # When the second page of items fails on SP-API's side
    sp_api.answer_next(200, body={"payload": sp_api_order("902-1")})
    sp_api.answer_next(200, body={"payload": {"OrderItems": [], "NextToken": "page-2"}})
    sp_api.answer_next(502)

    with pytest.raises(ChannelApiTransient, match="HTTP 502 to GET orders/v0/orders/902-1/orderItems"):
        resources.fetch(ORDER)


@pytest.mark.parametrize(
    "body",
    [{}, {"payload": None}, {"errors": []}],
    ids=["empty", "null-payload", "errors-only"],
)
def test_an_answer_without_a_payload_is_refused(sp_api: FakeSpApi, api: Api, body: object) -> None:
    sp_api.answer_next(200, body=body)

    with pytest.raises(ChannelApiRejected, match="without a payload"):
        api().fetch(ORDER)


def test_items_without_their_list_are_refused(sp_api: FakeSpApi, api: Api) -> None:
    sp_api.answer_next(200, body={"payload": sp_api_order("902-1")})
    sp_api.answer_next(200, body={"payload": {"AmazonOrderId": "902-1"}})

    with pytest.raises(ChannelApiRejected, match="without OrderItems"):
        api().fetch(ORDER)


def test_an_sp_api_that_does_not_answer_in_time_is_transient(sp_api: FakeSpApi, api: Api) -> None:
    sp_api.add(sp_api_order("902-1"), [])
    sp_api.stall(1)

    with pytest.raises(ChannelApiTransient, match="failed before an answer"):
        api(timeout_seconds=0.2).fetch(ORDER)


def test_an_sp_api_nobody_listens_on_is_transient(api: Api) -> None:
    silent = api(url=f"http://127.0.0.1:{free_port()}", timeout_seconds=1)

    with pytest.raises(ChannelApiTransient):
        silent.fetch(ORDER)


def test_an_amazon_channel_refuses_to_fetch_another_provider_s_resource(sp_api: FakeSpApi, api: Api) -> None:
    with pytest.raises(ChannelApiRejected, match="another provider's order O-1"):
        api().fetch(SquareResource("order", "O-1"))

    assert sp_api.calls == []


def test_the_channel_s_rate_limit_defers_fetches_beyond_it(
    sp_api: FakeSpApi, api: Api, redis_client: redis.Redis
) -> None:
    # Given a gate allowing one fetch per minute, shared through Redis
    prefix = f"test:channel-api:{uuid.uuid4().hex}:"
    gate = FleetGate(redis_client, prefix=prefix, policy=GatePolicy(rate_per_second=1 / 60, concurrency=0))
    sp_api.add(sp_api_order("902-1"), [sp_api_order_item("SKU-0001", 1, "1.00")])
    resources = ChannelResources({"amazon-us": api()}, {"amazon-us": gate})

    resources.fetch("amazon-us", ORDER)
    with pytest.raises(ChannelApiDeferred) as caught:
        resources.fetch("amazon-us", ORDER)

    assert caught.value.delay_ms and caught.value.delay_ms > 0
    assert len(sp_api.order_calls("902-1")) == 1
    redis_client.delete(*redis_client.keys(f"{prefix}*"))


def test_a_429_from_sp_api_settles_the_gate_as_throttled_and_defers(
    sp_api: FakeSpApi, api: Api, redis_client: redis.Redis
) -> None:
    prefix = f"test:channel-api:{uuid.uuid4().hex}:"
    gate = FleetGate(redis_client, prefix=prefix, policy=GatePolicy(rate_per_second=10, concurrency=0))
    resources = ChannelResources({"amazon-us": api()}, {"amazon-us": gate})
    sp_api.answer_next(429)

    with pytest.raises(ChannelApiDeferred) as caught:
        resources.fetch("amazon-us", ORDER)

    assert caught.value.deferral
    assert gate.counters().outcomes.get("throttled") == 1
    redis_client.delete(*redis_client.keys(f"{prefix}*"))


class Clock:
    """Monotonic seconds that move only when the test says."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def lwa_api(sp_api: FakeSpApi, lwa: FakeLwa, clock: Clock) -> Iterator[AmazonApi]:
    """An AmazonApi on the fake SP-API whose tokens the fake LWA issues, on the test's clock."""
    tokens = LwaTokens(
        LWA_CLIENT_ID, LWA_CLIENT_SECRET, LWA_REFRESH_TOKEN, channel="amz-test", token_url=lwa.url, clock=clock
    )
    amazon = AmazonApi(sp_api.url, tokens, timeout_seconds=5)
    yield amazon
    amazon.close()


def test_an_access_token_from_lwa_is_exchanged_once_and_carried_by_every_call(
    sp_api: FakeSpApi, lwa: FakeLwa, lwa_api: AmazonApi
) -> None:
    sp_api.add(sp_api_order("902-1"), [sp_api_order_item(f"SKU-000{n}", 1, "1.00") for n in range(1, 4)])

    lwa_api.fetch(ORDER)
    lwa_api.fetch(ORDER)

    [token] = lwa.issued
    assert len(sp_api.calls) == 6
    assert {call.token for call in sp_api.calls} == {token}


def test_an_access_token_past_its_hour_is_replaced_before_the_next_call(
    sp_api: FakeSpApi, lwa: FakeLwa, lwa_api: AmazonApi, clock: Clock
) -> None:
    sp_api.add(sp_api_order("902-1"), [sp_api_order_item("SKU-0001", 1, "1.00")])
    lwa_api.fetch(ORDER)

    # When the hour LWA gave the token is (all but a minute) over
    clock.now += 3600 - 60
    lwa_api.fetch(ORDER)

    first, renewed = lwa.issued
    assert [call.token for call in sp_api.order_calls("902-1")] == [first, renewed]


def test_a_token_sp_api_refuses_is_renewed_once_and_the_call_made_again(
    sp_api: FakeSpApi, lwa: FakeLwa, lwa_api: AmazonApi
) -> None:
    # Given a token SP-API stops accepting before the hour LWA gave it is over
    sp_api.add(sp_api_order("902-1"), [sp_api_order_item("SKU-0001", 1, "1.00")])
    lwa_api.fetch(ORDER)
    first = lwa.issued[0]
    sp_api.refuse(first)
    sp_api.calls.clear()

    fetched = lwa_api.fetch(ORDER)

    # Then the refused call is made again with a new token, and the next call carries that too
    assert fetched["order"]["AmazonOrderId"] == "902-1"
    renewed = lwa.issued[1]
    assert [(call.path, call.token) for call in sp_api.calls] == [
        ("/orders/v0/orders/902-1", first),
        ("/orders/v0/orders/902-1", renewed),
        ("/orders/v0/orders/902-1/orderItems", renewed),
    ]


def test_a_renewed_token_refused_again_is_permanent(sp_api: FakeSpApi, lwa: FakeLwa, lwa_api: AmazonApi) -> None:
    sp_api.add(sp_api_order("902-1"), [])
    sp_api.answer_next(403, times=2)

    with pytest.raises(ChannelApiRejected, match="HTTP 403"):
        lwa_api.fetch(ORDER)

    assert len(lwa.issued) == 2
    assert len(sp_api.order_calls("902-1")) == 2


def test_credentials_lwa_refuses_fail_the_fetch_permanently_before_sp_api_is_called(
    sp_api: FakeSpApi, lwa: FakeLwa, lwa_api: AmazonApi
) -> None:
    lwa.answer_next(400, body={"error": "invalid_grant", "error_description": "The refresh token was revoked"})

    with pytest.raises(ChannelApiRejected, match=r"refused channel amz-test's credentials.*invalid_grant") as caught:
        lwa_api.fetch(ORDER)

    assert caught.value.permanent
    assert sp_api.calls == []
