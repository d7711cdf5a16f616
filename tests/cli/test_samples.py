"""``weir send-sample`` against a real receiver: it promises a sale only for a sample that makes
one, and otherwise says what the event will do (a test notification, an inventory level)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from queues.lanes import Lane
from queues.settings import BrokerSettings
from queues.topology import lane_queues
from receivers.app import ReceiverConfig, create_app
from receivers.channels import load_channels
from receivers.server import SERVER_OPTIONS
from receivers.settings import DEFAULT_CHANNELS_FILE, ReceiverSettings
from tests.cli.conftest import Weir
from tests.support.rabbit import RabbitProbe
from tests.support.servers import AppServer
from weir.settings import RedisSettings, ServiceSettings


@pytest.fixture
def receiver_url(
    service: ServiceSettings, broker_settings: BrokerSettings, redis_settings: RedisSettings
) -> Iterator[str]:
    channels = load_channels(DEFAULT_CHANNELS_FILE, environ={}, tolerance_seconds=300, production=False)
    config = ReceiverConfig(
        service=service, receiver=ReceiverSettings(), broker=broker_settings, redis=redis_settings, channels=channels
    )
    with AppServer(create_app(config), **SERVER_OPTIONS) as server:
        yield server.url


def test_an_order_sample_names_its_sale_and_how_to_see_it(weir: Weir, receiver_url: str) -> None:
    result = weir("send-sample", "--channel", "shop-us", "--order-id", "4242", "--url", receiver_url)

    assert result.exit_code == 0, result.output
    assert "The sale's reference in the ERP will be shop-us:4242: weir sale 'shop-us:4242'" in result.output


def test_a_payment_sample_says_it_makes_no_sale_and_why(weir: Weir, receiver_url: str) -> None:
    result = weir("send-sample", "--channel", "stripe-us", "--order-id", "4242", "--url", receiver_url)

    assert result.exit_code == 0, result.output
    assert "weir sale" not in result.output
    assert "No sale will appear: the sample is a Stripe payment (pi_4242) for order 4242" in result.output
    assert "dead letters" not in result.output


def test_a_thin_sample_says_it_will_wait_in_the_dead_letters(weir: Weir, receiver_url: str) -> None:
    result = weir("send-sample", "--channel", "bigc-us", "--order-id", "4242", "--url", receiver_url, "--json")

    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert (printed["status"], printed["reference"]) == (202, None)
    assert "fetches order 4242 from the channel's store API" in printed["no_sale"]

    text = weir("send-sample", "--channel", "square-us", "--order-id", "4243", "--url", receiver_url)
    event_id = text.output.split('"event_id":"')[1].split('"')[0]
    assert f"The event will wait in the dead letters: weir dlq show {event_id}" in text.output


def test_a_sample_ping_is_acknowledged_and_names_no_sale(weir: Weir, receiver_url: str) -> None:
    result = weir("send-sample", "--channel", "square-us", "--event", "ping", "--url", receiver_url, "--json")

    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert (printed["status"], printed["answer"], printed["reference"]) == (200, {"status": "acknowledged"}, None)
    assert "never enqueued" in printed["no_sale"]


def test_a_sample_shopify_inventory_level_is_accepted_into_the_bulk_lane(
    weir: Weir, receiver_url: str, rabbit: RabbitProbe, namespace: str
) -> None:
    result = weir(
        "send-sample", "--event", "inventory-level", "--inventory-item", "77", "--url", receiver_url, "--json"
    )

    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert (printed["answer"]["status"], printed["answer"]["lane"], printed["reference"]) == ("accepted", "bulk", None)
    assert rabbit.count(lane_queues(namespace, Lane.BULK).ready) == 1


def test_an_event_the_channel_s_provider_does_not_send_is_refused_before_posting(weir: Weir, receiver_url: str) -> None:
    result = weir("send-sample", "--channel", "stripe-us", "--event", "ping", "--url", receiver_url)

    assert result.exit_code == 2
