"""Choosing a provider's mapping, and what any mapping failure becomes."""

from __future__ import annotations

import pytest

from channels import PROVIDER_OPTIONS
from events import PayloadError, UnsupportedEvent
from events.mapping import MAPPINGS, canonical_events, thin_resource
from tests.events.mapping.envelopes import envelope


def test_every_provider_a_channel_may_name_has_a_mapping() -> None:
    assert set(MAPPINGS) == set(PROVIDER_OPTIONS)


def test_a_provider_without_a_mapping_is_unsupported() -> None:
    with pytest.raises(UnsupportedEvent):
        canonical_events(envelope({}, provider="carrier-pigeon", topic="order.created"))


def test_a_topic_without_a_family_is_unsupported_and_permanent() -> None:
    with pytest.raises(UnsupportedEvent) as failure:
        canonical_events(envelope({"id": 1}, provider="shopify", topic="order.deleted", source_topic="orders/delete"))
    assert failure.value.permanent


@pytest.mark.parametrize("payload", ["not json", "[1, 2]"], ids=["not-json", "not-an-object"])
def test_a_body_that_is_not_a_json_object_fails_permanently(payload: str) -> None:
    with pytest.raises(PayloadError):
        canonical_events(envelope(payload, provider="shopify", topic="order.created"))


def test_a_thin_bigcommerce_payload_names_a_resource_to_fetch_and_a_whole_payload_none() -> None:
    bigcommerce = envelope(
        {"scope": "store/order/created", "data": {"type": "order", "id": 250}},
        provider="bigcommerce",
        topic="order.created",
    )
    shopify = envelope({"id": 1}, provider="shopify", topic="order.created")

    resource = thin_resource(bigcommerce)

    assert resource is not None and (resource.kind, resource.id) == ("order", "250")
    assert thin_resource(shopify) is None
