"""``weir send-sample``'s orders: each demo channel's sample is what its provider would sign."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from events import OrderCreated
from events.mapping import canonical_events
from receivers.channels import Channel, load_channels
from receivers.settings import DEFAULT_CHANNELS_FILE
from samples.orders import SampleChannel, signed_sample_order
from samples.payloads import DEMO_LINES
from tests.events.mapping.envelopes import envelope

CHANNELS = load_channels(DEFAULT_CHANNELS_FILE, environ={}, tolerance_seconds=300, production=False)
HTTP_CHANNELS = [channel for channel in CHANNELS.values() if channel.provider.transport == "http"]
# The channels whose sample is a whole order (BigCommerce's and Square's name one to fetch; Stripe's is a payment).
WHOLE_ORDERS = [
    channel for channel in HTTP_CHANNELS if channel.provider.name in ("shopify", "woocommerce", "standard", "hmac")
]


def sample_channel(channel: Channel) -> SampleChannel:
    return SampleChannel(channel.name, channel.provider.name, channel.secrets, channel.options)


@pytest.mark.parametrize("channel", HTTP_CHANNELS, ids=[channel.name for channel in HTTP_CHANNELS])
def test_every_http_demo_channel_gets_a_sample_its_provider_verifies_and_reads(channel: Channel) -> None:
    sample = signed_sample_order(sample_channel(channel), 1001, DEMO_LINES)
    headers = {name.lower(): value for name, value in sample.headers.items()}

    channel.provider.verify(headers, sample.body, channel.keys, time.time())
    delivery = channel.provider.parse(headers, sample.body, datetime.now(UTC))

    assert delivery.entity_id == sample.order_key


def test_an_amazon_channel_has_no_sample_to_post() -> None:
    with pytest.raises(ValueError, match="queue"):
        signed_sample_order(sample_channel(CHANNELS["amazon-us"]), 1001, DEMO_LINES)


@pytest.mark.parametrize("channel", WHOLE_ORDERS, ids=[channel.name for channel in WHOLE_ORDERS])
def test_every_whole_sample_order_carries_shipping_tax_and_a_total_its_parts_add_up_to(channel: Channel) -> None:
    sample = signed_sample_order(sample_channel(channel), 1001, DEMO_LINES)

    (event,) = canonical_events(envelope(sample.body.decode(), provider=channel.provider.name, topic="order.created"))

    assert isinstance(event, OrderCreated)
    assert event.order.shipping and event.order.taxes and event.order.total is not None
    assert event.order.reconciles()
