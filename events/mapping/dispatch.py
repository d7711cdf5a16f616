"""Picks the mapping for an envelope's provider and turns every mapping failure into a PayloadError."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, TypeVar

from pydantic import ValidationError

from events.canonical import CanonicalEvent
from events.envelope import EventEnvelope
from events.errors import PayloadError, UnsupportedEvent, validation_summary
from events.mapping import amazon, bigcommerce, shopify_lookups, square
from events.mapping.amazon import AmazonResource, amazon_events
from events.mapping.bigcommerce import BigCommerceResource, bigcommerce_events
from events.mapping.canonical import hmac_events, standard_events
from events.mapping.delivered import Delivered
from events.mapping.fields import mapping
from events.mapping.shopify import shopify_events
from events.mapping.shopify_lookups import ShopifyResource
from events.mapping.square import SquareResource, square_events
from events.mapping.stripe import stripe_events
from events.mapping.woocommerce import woocommerce_events

__all__ = ["MAPPINGS", "ThinResource", "canonical_events", "thin_resource"]

T = TypeVar("T")

#: What the worker fetches from a channel's API before a thin payload can be mapped.
ThinResource = BigCommerceResource | SquareResource | AmazonResource | ShopifyResource

Mapping_ = Callable[[Delivered], tuple[CanonicalEvent, ...]]

#: The mapping of every provider, by the name channels give it.
MAPPINGS: Mapping[str, Mapping_] = MappingProxyType(
    {
        "shopify": shopify_events,
        "standard": standard_events,
        "woocommerce": woocommerce_events,
        "bigcommerce": bigcommerce_events,
        "square": square_events,
        "stripe": stripe_events,
        "hmac": hmac_events,
        "amazon": amazon_events,
    }
)


def canonical_events(event: EventEnvelope, resource: dict[str, Any] | None = None) -> tuple[CanonicalEvent, ...]:
    """The canonical events an envelope carries, in the order they apply (most carry one; none
    when the event changes nothing the ERP keeps). ``resource`` is the full resource a thin
    payload names, fetched (see :func:`thin_resource`). Each event's ``source_version`` is the
    envelope's ``occurred_at``.

    Raises:
        PayloadError: the payload does not map, with the reason.
        UnsupportedEvent: the provider or topic has no mapping.
    """
    mapper = MAPPINGS.get(event.provider)
    if mapper is None:
        raise UnsupportedEvent(f"no mapping for provider {event.provider!r}")
    return _guarded(lambda: mapper(_delivered(event, resource)))


def thin_resource(event: EventEnvelope) -> ThinResource | None:
    """What the worker must fetch before :func:`canonical_events` can map ``event``, or ``None``
    when its payload is whole (every BigCommerce payload is thin; of Square's, only an order
    summary that is not a cancellation; of Amazon's, only an ``ORDER_CHANGE`` that is neither a
    cancellation nor an order awaiting payment; of Shopify's, an inventory level and a refund
    whose lines name only line item ids). Raises as :func:`canonical_events`."""
    if event.provider == "shopify":
        return _guarded(lambda: shopify_lookups.resource_of(event.topic, _delivered(event, None).payload))
    if event.provider == "bigcommerce":
        return _guarded(lambda: bigcommerce.resource_of(event.topic, _delivered(event, None).payload))
    if event.provider == "square":
        return _guarded(lambda: square.resource_of(event.topic, _delivered(event, None).payload))
    if event.provider == "amazon":
        return _guarded(lambda: amazon.resource_of(event.topic, _delivered(event, None).payload))
    return None


def _delivered(event: EventEnvelope, resource: dict[str, Any] | None) -> Delivered:
    try:
        payload = mapping(event.payload_data(), "the payload")
    except ValueError as exc:
        raise PayloadError(f"the payload is not valid JSON: {exc}") from exc
    return Delivered(event.topic, event.source_topic, payload, event.occurred_at, resource)


def _guarded(build: Callable[[], T]) -> T:
    try:
        return build()
    except ValidationError as exc:
        raise PayloadError(f"the payload does not map to the canonical model: {validation_summary(exc)}") from exc
    except (ArithmeticError, AttributeError, IndexError, KeyError, TypeError) as exc:
        # A field of a shape no mapping anticipated: the same payload would fail the same way
        # on every retry, so it is the payload's fault, told with what was found.
        raise PayloadError(f"the payload has a field of an unexpected shape: {exc!r}") from exc
