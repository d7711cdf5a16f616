"""The channel APIs a worker builds from the channels file: BigCommerce stores, Square sellers
and Amazon sellers with a base URL and a token (or, for Amazon, Login with Amazon credentials,
exchanged with a real local server standing in for LWA), each behind its own fleet gate in the
real Redis; and Amazon's order changes through real workers on the real RabbitMQ, fetched from a
real local server standing in for SP-API, into the ERP simulator."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import redis
from dramatiq import Worker

from channels import SP_API_NORTH_AMERICA, AmazonOptions, channel_options
from erp.adapter import SaleRecord, sale_reference
from erp.simulator import SimulatorErp
from events.mapping import AmazonResource, SquareResource
from queues.broker import LaneBroker
from queues.dead import dead_letter_store
from queues.lanes import Lane
from queues.tally import OutcomeTally, tally_key
from queues.topology import lane_queues
from samples.payloads import sp_api_order, sp_api_order_item
from tasks import ChannelApiRejected, ChannelApiTransient
from tasks.settings import ChannelApiSettings
from tests.support.events import amazon_change_envelope, publish
from tests.support.lwa import LWA_CLIENT_ID, LWA_CLIENT_SECRET, LWA_REFRESH_TOKEN, FakeLwa
from tests.support.net import eventually
from tests.support.rabbit import RabbitProbe
from tests.support.sp_api import SP_API_TOKEN, FakeSpApi
from workers.app import WorkerConfig, build, channel_resources

CHANNELS = """
[channels.sq-api]
provider = "square"
secrets = ["k"]

[channels.sq-api.options]
notification_url = "https://w.example/webhooks/sq-api"
api_base_url = "http://127.0.0.1:9"
access_token_env = "SQ_API_TOKEN"

[channels.sq-bare]
provider = "square"
secrets = ["k"]
options = { notification_url = "https://w.example/webhooks/sq-bare" }
"""


def test_a_square_channel_with_an_api_fetches_and_one_without_refuses(
    tmp_path: Path, redis_client: redis.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given one Square channel with a base URL and a token (nothing listens there) and one without
    path = tmp_path / "channels.toml"
    path.write_text(CHANNELS)
    monkeypatch.setenv("SQ_API_TOKEN", "t0k3n")
    namespace = f"test-{uuid.uuid4().hex[:8]}"
    settings = ChannelApiSettings(channels_file=path, channel_api_timeout_seconds=1)
    resources = channel_resources(settings, redis_client, namespace)

    # Then the first is called (and fails for want of an answer), the second refused outright
    with pytest.raises(ChannelApiTransient):
        resources.fetch("sq-api", SquareResource("order", "O-1"))
    with pytest.raises(ChannelApiRejected, match="no API base URL"):
        resources.fetch("sq-bare", SquareResource("order", "O-1"))
    resources.close()
    redis_client.delete(*redis_client.keys(f"{namespace}:*"))


def amazon_channels(tmp_path: Path, sp_api_url: str) -> Path:
    """A channels file with one Amazon seller whose SP-API is at ``sp_api_url`` (its token in
    ``AMZ_TOKEN``), and one with neither base URL nor token."""
    sqs = 'queue_url = "http://127.0.0.1:9/000000000000/q"'
    path = tmp_path / "channels.toml"
    path.write_text(
        f'[channels.amz-api]\nprovider = "amazon"\n[channels.amz-api.options]\n{sqs}\n'
        f'api_base_url = "{sp_api_url}"\naccess_token_env = "AMZ_TOKEN"\n'
        f'[channels.amz-bare]\nprovider = "amazon"\noptions = {{ {sqs} }}\n'
    )
    return path


def test_an_amazon_channel_reads_north_america_s_sp_api_unless_told_otherwise(tmp_path: Path) -> None:
    options = channel_options(amazon_channels(tmp_path, "https://sellingpartnerapi-eu.amazon.com"), "amazon")

    assert isinstance(options["amz-bare"], AmazonOptions) and options["amz-bare"].api_base_url == SP_API_NORTH_AMERICA
    assert isinstance(options["amz-api"], AmazonOptions)
    assert options["amz-api"].api_base_url == "https://sellingpartnerapi-eu.amazon.com"


def test_an_amazon_channel_with_a_token_fetches_from_its_sp_api_and_one_without_refuses(
    tmp_path: Path, sp_api: FakeSpApi, redis_client: redis.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    sp_api.add(sp_api_order("902-1"), [sp_api_order_item("SKU-0001", 1, "1.00")])
    monkeypatch.setenv("AMZ_TOKEN", SP_API_TOKEN)
    namespace = f"test-{uuid.uuid4().hex[:8]}"
    settings = ChannelApiSettings(channels_file=amazon_channels(tmp_path, sp_api.url))
    resources = channel_resources(settings, redis_client, namespace)

    fetched = resources.fetch("amz-api", AmazonResource("order", "902-1"))

    assert fetched["order"]["AmazonOrderId"] == "902-1"
    with pytest.raises(ChannelApiRejected, match="channel amz-bare has no API base URL and token"):
        resources.fetch("amz-bare", AmazonResource("order", "902-1"))
    resources.close()
    redis_client.delete(*redis_client.keys(f"{namespace}:*"))


def lwa_channels(tmp_path: Path, sp_api_url: str, lwa_url: str) -> Path:
    """A channels file with one Amazon seller, ``amz-lwa``, whose SP-API is at ``sp_api_url``, read
    with tokens LWA at ``lwa_url`` issues for its credentials (the secret and refresh token in
    ``AMZ_LWA_SECRET`` and ``AMZ_REFRESH_TOKEN``)."""
    path = tmp_path / "channels.toml"
    path.write_text(
        '[channels.amz-lwa]\nprovider = "amazon"\n[channels.amz-lwa.options]\n'
        f'queue_url = "http://127.0.0.1:9/000000000000/q"\napi_base_url = "{sp_api_url}"\n'
        f'lwa_client_id = "{LWA_CLIENT_ID}"\nlwa_client_secret_env = "AMZ_LWA_SECRET"\n'
        f'refresh_token_env = "AMZ_REFRESH_TOKEN"\nlwa_token_url = "{lwa_url}"\n'
    )
    return path


def test_an_amazon_channel_with_lwa_credentials_fetches_with_the_tokens_lwa_issues(
    tmp_path: Path, sp_api: FakeSpApi, lwa: FakeLwa, redis_client: redis.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    sp_api.add(sp_api_order("902-1"), [sp_api_order_item("SKU-0001", 1, "1.00")])
    monkeypatch.setenv("AMZ_LWA_SECRET", LWA_CLIENT_SECRET)
    monkeypatch.setenv("AMZ_REFRESH_TOKEN", LWA_REFRESH_TOKEN)
    namespace = f"test-{uuid.uuid4().hex[:8]}"
    settings = ChannelApiSettings(channels_file=lwa_channels(tmp_path, sp_api.url, lwa.url))
    resources = channel_resources(settings, redis_client, namespace)

    fetched = resources.fetch("amz-lwa", AmazonResource("order", "902-1"))

    assert fetched["order"]["AmazonOrderId"] == "902-1"
    assert {call.token for call in sp_api.calls} == set(lwa.issued) and len(lwa.issued) == 1
    resources.close()
    redis_client.delete(*redis_client.keys(f"{namespace}:*"))


def test_an_amazon_channel_whose_lwa_variables_are_unset_refuses_to_fetch(
    tmp_path: Path, sp_api: FakeSpApi, lwa: FakeLwa, redis_client: redis.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AMZ_LWA_SECRET", LWA_CLIENT_SECRET)
    monkeypatch.delenv("AMZ_REFRESH_TOKEN", raising=False)
    namespace = f"test-{uuid.uuid4().hex[:8]}"
    settings = ChannelApiSettings(channels_file=lwa_channels(tmp_path, sp_api.url, lwa.url))
    resources = channel_resources(settings, redis_client, namespace)

    with pytest.raises(ChannelApiRejected, match="channel amz-lwa has no API base URL and token"):
        resources.fetch("amz-lwa", AmazonResource("order", "902-1"))

    assert lwa.forms == []
    resources.close()


@pytest.fixture
def amazon_workers(
    tmp_path: Path,
    sp_api: FakeSpApi,
    worker_config: WorkerConfig,
    simulator_erp: SimulatorErp,
    run_workers: Callable[[LaneBroker], Worker],
    redis_client: redis.Redis,
    namespace: str,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[None]:
    """The workers' own broker and middleware, with the channel APIs a worker builds from a
    channels file whose Amazon seller's SP-API is the fake, applying events to the ERP simulator."""
    monkeypatch.setenv("AMZ_TOKEN", SP_API_TOKEN)
    settings = ChannelApiSettings(channels_file=amazon_channels(tmp_path, sp_api.url))
    resources = channel_resources(settings, redis_client, namespace)
    run_workers(build(worker_config, erp=simulator_erp, resources=resources))
    yield
    resources.close()


def sale_of(erp: SimulatorErp, order_id: str) -> SaleRecord:
    return eventually(lambda: erp.find_sale(sale_reference("amz-api", order_id)), timeout=30, what="the sale")


@pytest.mark.usefixtures("amazon_workers")
def test_an_amazon_order_change_becomes_a_sale_through_the_workers(
    sp_api: FakeSpApi, simulator_erp: SimulatorErp, namespace: str
) -> None:
    # Given an order whose three items SP-API pages two at a time
    items = [
        sp_api_order_item("SKU-0001", 2, "22.00"),
        sp_api_order_item("SKU-0002", 1, "12.00"),
        sp_api_order_item("SKU-0003", 1, "13.50"),
    ]
    sp_api.add(sp_api_order("902-10"), items)

    publish(namespace, [amazon_change_envelope("amz-api", "902-10")])

    sale = sale_of(simulator_erp, "902-10")
    assert sale.total == Decimal("47.50")
    assert [(line.sku, line.quantity, line.unit_price) for line in sale.lines] == [
        ("SKU-0001", Decimal(2), Decimal("11.00")),
        ("SKU-0002", Decimal(1), Decimal("12.00")),
        ("SKU-0003", Decimal(1), Decimal("13.50")),
    ]
    assert len([call for call in sp_api.calls if call.path.endswith("/orderItems")]) == 2


@pytest.mark.usefixtures("amazon_workers")
def test_an_order_sp_api_does_not_know_is_dead_lettered_at_once_saying_so(
    sp_api: FakeSpApi, namespace: str, redis_client: redis.Redis, rabbit: RabbitProbe
) -> None:
    publish(namespace, [amazon_change_envelope("amz-api", "902-404")])

    dead = lane_queues(namespace, Lane.STANDARD).dead
    eventually(lambda: rabbit.count(dead) == 1, timeout=30, what="the dead letter")
    [reason] = dead_letter_store(redis_client, namespace).select()
    assert (reason.classification, reason.error_class, reason.attempts) == ("permanent", "ChannelApiRejected", 1)
    assert "Amazon has no such order" in reason.error_message
    assert (reason.channel, reason.entity_id) == ("amz-api", "902-404")
    assert len(sp_api.order_calls("902-404")) == 1


@pytest.mark.usefixtures("amazon_workers")
def test_a_failure_of_sp_api_s_own_is_retried_until_the_order_arrives(
    sp_api: FakeSpApi, simulator_erp: SimulatorErp, namespace: str, redis_client: redis.Redis
) -> None:
    # Given SP-API failing the first call with a 503
    sp_api.add(sp_api_order("902-11"), [sp_api_order_item("SKU-0001", 1, "11.00")])
    sp_api.answer_next(503)

    publish(namespace, [amazon_change_envelope("amz-api", "902-11")])

    # Then the event is retried (a real failure, spending one retry) and the sale made
    sale = sale_of(simulator_erp, "902-11")
    assert sale.total == Decimal("11.00")
    assert len(sp_api.order_calls("902-11")) == 2
    assert OutcomeTally(redis_client, tally_key(namespace)).read().get("retries") == 1
