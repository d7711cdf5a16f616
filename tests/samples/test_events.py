"""``weir send-sample --event``'s samples: each is what its provider would sign, and what the
receiver and the mappings make of it."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest

from events.mapping import ShopifyResource, thin_resource
from receivers.channels import Channel, load_channels
from receivers.settings import DEFAULT_CHANNELS_FILE
from samples.events import SampleEvent, signed_sample_event
from samples.orders import SampleChannel
from samples.payloads import encode
from tests.support.events import shopify_envelope

CHANNELS = load_channels(DEFAULT_CHANNELS_FILE, environ={}, tolerance_seconds=300, production=False)


def sample_channel(channel: Channel) -> SampleChannel:
    return SampleChannel(channel.name, channel.provider.name, channel.secrets, channel.options)


def lowered(headers: dict[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


@pytest.mark.parametrize("name", ["wms-eu", "square-us"])
def test_a_ping_sample_is_signed_and_recognised_as_a_test_notification(name: str) -> None:
    channel = CHANNELS[name]
    sample = signed_sample_event(sample_channel(channel), SampleEvent("ping"))
    headers = lowered(sample.headers)

    channel.provider.verify(headers, sample.body, channel.keys, time.time())
    assert channel.provider.is_ping(headers, sample.body)


def test_the_woocommerce_ping_sample_is_woo_s_unsigned_handshake() -> None:
    channel = CHANNELS["woo-eu"]
    sample = signed_sample_event(sample_channel(channel), SampleEvent("ping"))

    assert channel.provider.is_handshake(lowered(sample.headers), sample.body)


def test_a_shopify_inventory_level_sample_names_its_item_to_look_up() -> None:
    channel = CHANNELS["shop-us"]
    sample = signed_sample_event(sample_channel(channel), SampleEvent("inventory-level", inventory_item_id=77))
    headers = lowered(sample.headers)

    channel.provider.verify(headers, sample.body, channel.keys, time.time())
    delivery = channel.provider.parse(headers, sample.body, datetime.now(UTC))
    assert (delivery.topic, delivery.entity_id) == ("inventory.updated", "77@24826418")


def test_a_shopify_refund_sample_names_the_sample_order_s_lines_by_id_alone() -> None:
    channel = CHANNELS["shop-us"]
    sample = signed_sample_event(sample_channel(channel), SampleEvent("refund", order_id=1001))
    headers = lowered(sample.headers)

    channel.provider.verify(headers, sample.body, channel.keys, time.time())
    assert headers["x-shopify-topic"] == "refunds/create"
    event = shopify_envelope("shop-us", "refunds/create", json.loads(sample.body))
    assert thin_resource(event) == ShopifyResource("order", "1001", ("10010", "10011"))
    assert sample.order_key == "1001"


@pytest.mark.parametrize(("name", "kind"), [("shop-us", "ping"), ("stripe-us", "ping"), ("square-us", "refund")])
def test_an_event_a_provider_does_not_send_has_no_sample(name: str, kind: str) -> None:
    with pytest.raises(ValueError, match=f"send no {kind} sample"):
        signed_sample_event(sample_channel(CHANNELS[name]), SampleEvent(kind))  # type: ignore[arg-type]


def test_samples_are_compact_json_like_the_providers_send() -> None:
    sample = signed_sample_event(sample_channel(CHANNELS["square-us"]), SampleEvent("ping"))

    assert sample.body == encode(json.loads(sample.body))
