"""Signed samples of what a channel sends besides orders (``weir send-sample --event``): its test
notification, and Shopify's payloads that name items by id alone.

* ``ping``: GitHub's ping on a generic HMAC channel (with the channel's header names), Square's
  ``webhooks.test_notification``, WooCommerce's unsigned ping; the receiver acknowledges them.
* ``inventory-level``: Shopify's ``inventory_levels/update`` for an inventory item's id.
* ``refund``: Shopify's ``refunds/create`` of a sample order's lines, named by line item id alone
  (the sample order numbers its lines ``order_id * 10 + n``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Literal

from channels import GenericHmacOptions, SquareOptions
from samples import payloads as samples
from samples.orders import Lines, NoSale, SampleChannel, SignedSample

__all__ = ["SampleEvent", "SampleKind", "signed_sample_event"]

#: A test notification is acknowledged by the receiver and never enqueued.
_PING = NoSale("a test notification is acknowledged by the receiver and never enqueued", dead_letter=False)

SampleKind = Literal["ping", "inventory-level", "refund"]


@dataclass(frozen=True)
class SampleEvent:
    """What to sample: a ``kind`` of event, with the ids it names. ``order_id`` and ``lines``
    are a refund's order and its lines; ``inventory_item_id`` and ``available`` an inventory level's."""

    kind: SampleKind
    order_id: int = 1001
    lines: Lines = samples.DEMO_LINES
    inventory_item_id: int = 808950810
    available: int = 10


def signed_sample_event(channel: SampleChannel, event: SampleEvent) -> SignedSample:
    """``event`` as ``channel``'s provider would post it, signed with its first secret (the
    WooCommerce ping is unsigned, as Woo sends it). ``order_key`` is the order a refund names,
    else the event's entity.

    Raises:
        ValueError: the channel's provider sends no such event.
    """
    build = _BUILDERS.get((event.kind, channel.provider))
    if build is None:
        raise ValueError(f"{channel.provider} channels send no {event.kind} sample")
    return build(channel, event)


def _hmac_ping(channel: SampleChannel, event: SampleEvent) -> SignedSample:
    options = channel.options if isinstance(channel.options, GenericHmacOptions) else GenericHmacOptions()
    names = (options.signature_header, options.delivery_header, options.topic_header)
    body = samples.encode(samples.github_ping())
    headers = samples.hmac_headers(body, channel.secrets[0], topic="ping", names=names)
    return SignedSample(body, headers, "ping", _PING)


def _square_ping(channel: SampleChannel, event: SampleEvent) -> SignedSample:
    if not isinstance(channel.options, SquareOptions):
        raise ValueError(f"channel {channel.name} has no SquareOptions")
    body = samples.encode(samples.square_test_notification())
    headers = samples.square_headers(body, channel.secrets[0], channel.options.notification_url)
    return SignedSample(body, headers, "ping", _PING)


def _woocommerce_ping(channel: SampleChannel, event: SampleEvent) -> SignedSample:
    body, headers = samples.woocommerce_ping()
    return SignedSample(body, headers, "ping", _PING)


def _shopify_level(channel: SampleChannel, event: SampleEvent) -> SignedSample:
    body = samples.encode(samples.shopify_inventory_level(event.inventory_item_id, event.available))
    headers = samples.shopify_headers(body, channel.secrets[0], topic="inventory_levels/update")
    why = f"an inventory level sets the stock of inventory item {event.inventory_item_id}'s SKU, and makes no sale"
    return SignedSample(body, headers, str(event.inventory_item_id), NoSale(why, dead_letter=False))


def _shopify_refund(channel: SampleChannel, event: SampleEvent) -> SignedSample:
    refunded = [
        (event.order_id * 10 + n, quantity, str(Decimal(price) * quantity))
        for n, (_, quantity, price) in enumerate(event.lines)
    ]
    body = samples.encode(samples.shopify_refund(event.order_id, event.order_id + 1, refunded))
    headers = samples.shopify_headers(body, channel.secrets[0], topic="refunds/create")
    return SignedSample(body, headers, str(event.order_id))


_BUILDERS: Mapping[tuple[str, str], Callable[[SampleChannel, SampleEvent], SignedSample]] = MappingProxyType(
    {
        ("ping", "hmac"): _hmac_ping,
        ("ping", "square"): _square_ping,
        ("ping", "woocommerce"): _woocommerce_ping,
        ("inventory-level", "shopify"): _shopify_level,
        ("refund", "shopify"): _shopify_refund,
    }
)
