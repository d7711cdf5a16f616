"""Weir's own canonical JSON, which in-house systems send through Standard Webhooks or generic HMAC.

A Standard Webhooks body is ``{"type": <canonical topic>, "timestamp": ..., "data": <subject>}``;
a generic HMAC body is the subject itself, its topic in a header. The subject of each topic is
a model of :mod:`events` (their JSON Schema is what ``weir schema export`` writes):

==========================================  =================================================
``order.created``, ``order.updated``,       :class:`~events.order.Order`
``order.paid``
``order.cancelled``                         :class:`~events.cancellation.Cancellation`
``refund.created``, ``refund.updated``      :class:`~events.refund.Refund`
``fulfillment.created``, ``.updated``       :class:`~events.fulfillment.Fulfillment`
``inventory.updated``, ``product.*``        :class:`~events.stock.StockLevels`
``customer.created``, ``customer.updated``  :class:`~events.order.Customer`
==========================================  =================================================
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

from events import topics
from events.cancellation import Cancellation
from events.canonical import (
    CanonicalEvent,
    CustomerUpdated,
    FulfillmentCreated,
    InventoryUpdated,
    OrderCancelled,
    OrderCreated,
    OrderUpdated,
    RefundCreated,
)
from events.errors import UnsupportedEvent
from events.fulfillment import Fulfillment
from events.mapping.delivered import Delivered
from events.mapping.fields import mapping
from events.order import Customer, Order
from events.refund import Refund
from events.stock import StockLevels

__all__ = ["hmac_events", "standard_events"]


def standard_events(delivered: Delivered) -> tuple[CanonicalEvent, ...]:
    """The event in a Standard Webhooks body's ``data``.

    Raises:
        PayloadError: ``data`` is not an object.
        pydantic.ValidationError: ``data`` is not the topic's subject.
        UnsupportedEvent: the topic has no canonical family.
    """
    return _events(delivered.topic, mapping(delivered.payload.get("data"), "data"), delivered.version)


def hmac_events(delivered: Delivered) -> tuple[CanonicalEvent, ...]:
    """The event a generic HMAC body is (raises as :func:`standard_events`)."""
    return _events(delivered.topic, delivered.payload, delivered.version)


def _events(topic: str, subject: dict[str, Any], version: datetime) -> tuple[CanonicalEvent, ...]:
    build = _BY_TOPIC.get(topic)
    if build is None:
        raise UnsupportedEvent(f"topic {topic!r} has no canonical family")
    return (build(subject, version),)


def _created(subject: dict[str, Any], version: datetime) -> CanonicalEvent:
    return OrderCreated(source_version=version, order=Order.model_validate(subject))


def _updated(subject: dict[str, Any], version: datetime) -> CanonicalEvent:
    return OrderUpdated(source_version=version, order=Order.model_validate(subject))


def _cancelled(subject: dict[str, Any], version: datetime) -> CanonicalEvent:
    return OrderCancelled(source_version=version, cancellation=Cancellation.model_validate(subject))


def _refund(subject: dict[str, Any], version: datetime) -> CanonicalEvent:
    return RefundCreated(source_version=version, refund=Refund.model_validate(subject))


def _fulfillment(subject: dict[str, Any], version: datetime) -> CanonicalEvent:
    return FulfillmentCreated(source_version=version, fulfillment=Fulfillment.model_validate(subject))


def _stock(subject: dict[str, Any], version: datetime) -> CanonicalEvent:
    return InventoryUpdated(source_version=version, levels=StockLevels.model_validate(subject).levels)


def _customer(subject: dict[str, Any], version: datetime) -> CanonicalEvent:
    return CustomerUpdated(source_version=version, customer=Customer.model_validate(subject))


_BY_TOPIC: Mapping[str, Callable[[dict[str, Any], datetime], CanonicalEvent]] = MappingProxyType(
    {
        topics.ORDER_CREATED: _created,
        topics.ORDER_UPDATED: _updated,
        topics.ORDER_PAID: _updated,
        topics.ORDER_CANCELLED: _cancelled,
        topics.REFUND_CREATED: _refund,
        topics.REFUND_UPDATED: _refund,
        topics.FULFILLMENT_CREATED: _fulfillment,
        topics.FULFILLMENT_UPDATED: _fulfillment,
        topics.INVENTORY_UPDATED: _stock,
        topics.PRODUCT_CREATED: _stock,
        topics.PRODUCT_UPDATED: _stock,
        topics.CUSTOMER_CREATED: _customer,
        topics.CUSTOMER_UPDATED: _customer,
    }
)
