"""Picks the mapping for an envelope's provider and turns every mapping failure into a PayloadError."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, TypeVar

from pydantic import ValidationError

from events.envelope import EventEnvelope
from events.errors import PayloadError, UnsupportedEvent
from events.mapping.fields import mapping
from events.mapping.shopify import shopify_customer, shopify_order
from events.mapping.standard import standard_customer, standard_order
from events.order import Customer, Order

__all__ = ["customer_from", "order_from"]

T = TypeVar("T")

_ORDERS: Mapping[str, Callable[[dict[str, Any]], Order]] = MappingProxyType(
    {"shopify": shopify_order, "standard": standard_order}
)
_CUSTOMERS: Mapping[str, Callable[[dict[str, Any]], Customer]] = MappingProxyType(
    {"shopify": shopify_customer, "standard": standard_customer}
)


def order_from(event: EventEnvelope) -> Order:
    """The canonical order an order event carries.

    Raises:
        PayloadError: the payload does not map to an order, with the reason.
        UnsupportedEvent: no mapping exists for the event's provider.
    """
    return _map(event, _ORDERS, "order")


def customer_from(event: EventEnvelope) -> Customer:
    """The canonical customer a customer event carries (same errors as :func:`order_from`)."""
    return _map(event, _CUSTOMERS, "customer")


def _map(event: EventEnvelope, table: Mapping[str, Callable[[dict[str, Any]], T]], what: str) -> T:
    mapper = table.get(event.provider)
    if mapper is None:
        raise UnsupportedEvent(f"no {what} mapping for provider {event.provider!r}")
    try:
        return mapper(mapping(event.payload_data(), "the payload"))
    except ValidationError as exc:
        raise PayloadError(f"the payload is not a valid {what}: {_summary(exc)}") from exc
    except ValueError as exc:
        raise PayloadError(f"the payload is not valid JSON: {exc}") from exc


def _summary(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or '(root)'}: {error['msg']}" for error in exc.errors()[:5]
    )
