"""Stripe events as canonical events: refunds and customers.

Stripe knows payments, not orders: a charge, refund or PaymentIntent names the order it pays
only through metadata the merchant's checkout sets, ``metadata.order_id`` (and
``metadata.order_channel`` when the order lives on another Weir channel, such as the storefront
that took it). Amounts are integers of minor units, currencies lower case.

``payment_intent.succeeded`` (``order.paid``) carries no order lines: the storefront's own events
make the sale, so a payment maps to no ERP change. Subscribe an endpoint to ``charge.refunded``
or to ``refund.created``, not both: both would name the same refund, which applies once anyway.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

from events.canonical import CanonicalEvent, CustomerUpdated, RefundCreated
from events.errors import PayloadError, UnsupportedEvent
from events.mapping.delivered import Delivered
from events.mapping.fields import array, field, mapping, object_or_empty, optional_text, text_of
from events.mapping.money import from_minor_units
from events.order import Address, Customer
from events.refund import Refund

__all__ = ["stripe_events"]

logger = logging.getLogger(__name__)

_FAILED_REFUNDS = frozenset({"failed", "canceled"})


def stripe_events(delivered: Delivered) -> tuple[CanonicalEvent, ...]:
    """The canonical events of a Stripe event.

    Raises:
        PayloadError: a required field is missing, or a refund names no order.
        UnsupportedEvent: the event type has no canonical family.
    """
    mapper = _BY_TYPE.get(delivered.source_topic)
    if mapper is None:
        raise UnsupportedEvent(f"Stripe's {delivered.source_topic} has no canonical family")
    data = mapping(delivered.payload.get("data"), "data")
    return mapper(mapping(data.get("object"), "data.object"), delivered.version)


def _charge_refunded(charge: dict[str, Any], version: datetime) -> tuple[CanonicalEvent, ...]:
    refunds = charge.get("refunds")
    latest = array(refunds, "data") if isinstance(refunds, dict) else ()
    # Each charge.refunded names the charge; its newest refund is the one that fired it.
    if latest:
        refund = mapping(latest[0], "data.object.refunds.data[0]")
        return _refund({**refund, "metadata": refund.get("metadata") or charge.get("metadata")}, version)
    currency = text_of(field(charge, "currency"), "charge.currency").upper()
    canonical = Refund(
        **_order_of(charge),
        refund_id=text_of(field(charge, "id"), "charge.id"),
        currency=currency,
        amount=from_minor_units(charge.get("amount_refunded"), currency, "charge.amount_refunded"),
    )
    return (RefundCreated(source_version=version, refund=canonical),)


def _refund(refund: dict[str, Any], version: datetime) -> tuple[CanonicalEvent, ...]:
    refund_id = text_of(field(refund, "id"), "refund.id")
    if refund.get("status") in _FAILED_REFUNDS:
        logger.info("Stripe refund %s is %s: nothing was given back.", refund_id, refund.get("status"))
        return ()
    currency = text_of(field(refund, "currency"), "refund.currency").upper()
    canonical = Refund(
        **_order_of(refund),
        refund_id=refund_id,
        currency=currency,
        amount=from_minor_units(refund.get("amount"), currency, "refund.amount"),
        reason=optional_text(refund.get("reason")),
    )
    return (RefundCreated(source_version=version, refund=canonical),)


def _order_of(stripe_object: dict[str, Any]) -> dict[str, str | None]:
    metadata = object_or_empty(stripe_object.get("metadata"))
    order_id = optional_text(metadata.get("order_id"))
    if order_id is None:
        raise PayloadError(
            f"Stripe object {stripe_object.get('id')} names no order: the checkout must set metadata.order_id"
        )
    return {"order_id": order_id, "order_channel": optional_text(metadata.get("order_channel"))}


def _payment(intent: dict[str, Any], version: datetime) -> tuple[CanonicalEvent, ...]:
    logger.info("Stripe payment %s carries no order lines; the order's own channel makes the sale.", intent.get("id"))
    return ()


def _customer(customer: dict[str, Any], version: datetime) -> tuple[CanonicalEvent, ...]:
    customer_id = text_of(field(customer, "id"), "customer.id")
    email = optional_text(customer.get("email"))
    name = optional_text(customer.get("name"))
    canonical = Customer(
        id=customer_id,
        name=name or email or f"Customer {customer_id}",
        email=email,
        address=_address(customer.get("address"), name),
    )
    return (CustomerUpdated(source_version=version, customer=canonical),)


def _address(value: object, name: str | None) -> Address | None:
    if not isinstance(value, dict) or not any(value.values()):
        return None
    street = " ".join(part for part in (value.get("line1"), value.get("line2")) if part)
    return Address(
        name=name,
        street=street or None,
        city=value.get("city") or None,
        postal_code=value.get("postal_code") or None,
        region=value.get("state") or None,
        country_code=value.get("country") or None,
    )


_BY_TYPE: Mapping[str, Callable[[dict[str, Any], datetime], tuple[CanonicalEvent, ...]]] = MappingProxyType(
    {
        "charge.refunded": _charge_refunded,
        "refund.created": _refund,
        "refund.updated": _refund,
        "charge.refund.updated": _refund,
        "payment_intent.succeeded": _payment,
        "customer.created": _customer,
        "customer.updated": _customer,
    }
)
