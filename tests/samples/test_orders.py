"""``weir send-sample``'s orders: each demo channel's sample is what its provider would sign, and
what it promises (a sale, or why none) is what the workers' mapping makes of it."""

from __future__ import annotations

import dataclasses
import time
from datetime import UTC, datetime

import pytest

from channels import GenericHmacOptions
from events.canonical import OrderCreated
from events.envelope import EventEnvelope
from events.mapping.dispatch import canonical_events, thin_resource
from events.topics import entity_type
from receivers.channels import Channel, load_channels
from receivers.providers.generic_hmac import GenericHmacProvider
from receivers.settings import DEFAULT_CHANNELS_FILE
from samples.orders import SampleChannel, SignedSample, signed_sample_order
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


def as_received(channel: SampleChannel, sample: SignedSample) -> EventEnvelope:
    """The envelope the receiver would queue for ``sample``."""
    options = channel.options
    provider = (
        GenericHmacProvider(options) if isinstance(options, GenericHmacOptions) else CHANNELS[channel.name].provider
    )
    headers = {name.lower(): value for name, value in sample.headers.items()}
    delivery = provider.parse(headers, sample.body, datetime.now(UTC))
    return EventEnvelope(
        event_id="e-1",
        delivery_id=delivery.delivery_id,
        channel=channel.name,
        provider=channel.provider,
        topic=delivery.topic,
        source_topic=delivery.source_topic,
        entity_type=entity_type(delivery.topic),
        entity_id=delivery.entity_id,
        occurred_at=delivery.occurred_at,
        received_at=datetime.now(UTC),
        correlation_id="e-1",
        lane="critical",
        payload=sample.body.decode(),
    )


def promise(channel: SampleChannel) -> str:
    """What the sample promises, checked against what the mapping makes of it."""
    sample = signed_sample_order(channel, 1001, DEMO_LINES)
    event = as_received(channel, sample)
    if sample.no_sale is None:
        [created] = canonical_events(event)
        assert isinstance(created, OrderCreated) and created.order.id == sample.order_key
        return "sale"
    if sample.no_sale.dead_letter:
        # A thin payload: the order must be fetched from the store, which holds no sample order.
        assert thin_resource(event) is not None
        return "dead letter"
    assert thin_resource(event) is None and canonical_events(event) == ()
    return "nothing"


def test_each_demo_channel_s_sample_says_whether_it_makes_a_sale() -> None:
    promises = {channel.name: promise(sample_channel(channel)) for channel in HTTP_CHANNELS}

    assert promises == {
        "shop-us": "sale",
        "pos-eu": "sale",
        "woo-eu": "sale",
        "wms-eu": "sale",
        "bigc-us": "dead letter",
        "square-us": "dead letter",
        "stripe-us": "nothing",
    }


def test_a_stripe_sample_says_a_payment_makes_no_sale() -> None:
    sample = signed_sample_order(sample_channel(CHANNELS["stripe-us"]), 1001, DEMO_LINES)

    assert sample.no_sale is not None
    assert "payment" in sample.no_sale.why and "order's own channel makes the sale" in sample.no_sale.why


def test_an_hmac_channel_gets_its_sample_under_the_topic_it_reads_as_a_new_order() -> None:
    options = GenericHmacOptions(topic_header="X-Wms-Event", topics={"order.placed": "order.created"})
    channel = dataclasses.replace(sample_channel(CHANNELS["wms-eu"]), options=options)

    sample = signed_sample_order(channel, 1001, DEMO_LINES)

    assert sample.headers["X-Wms-Event"] == "order.placed"
    assert promise(channel) == "sale"


def test_an_hmac_channel_reading_no_topic_as_a_new_order_is_promised_no_sale() -> None:
    options = GenericHmacOptions(topic_header="X-Wms-Event", topics={"order.created": "order.cancelled"})
    channel = dataclasses.replace(sample_channel(CHANNELS["wms-eu"]), options=options)

    sample = signed_sample_order(channel, 1001, DEMO_LINES)

    assert sample.no_sale is not None
    assert "turns the sample's order.created into order.cancelled" in sample.no_sale.why
