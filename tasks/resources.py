"""Fetching what a thin payload names, per channel, under each channel API's own rate limit.

BigCommerce's webhooks carry only a resource's type and id, Square's order webhooks only a
summary, Amazon's order changes no prices, Shopify's inventory levels (and some refunds) name
items only by id; the worker fetches the resource from the channel's API before mapping it.
Those calls count against the channel's API quota, not the ERP's, so they pass a fleet-wide
gate of their own (one per channel) and a call the gate holds back defers its message instead
of waiting in a worker thread. Shopify's lookups (an inventory item's SKU, an order's line items'
SKUs, which change rarely if ever) are kept in a :class:`~tasks.resource_cache.ResourceCache`:
asked again, they cost no call and no slot. Other channels' resources (orders whose state moves)
are fetched each time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from events.mapping import ShopifyResource, ThinResource
from tasks.channel_gate import call_admitted
from tasks.errors import ChannelApiDeferred, ChannelApiRejected
from tasks.resource_cache import ResourceCache
from throttling import FleetGate

__all__ = ["ChannelApi", "ChannelResources", "ResourceFetcher"]


class ResourceFetcher(Protocol):
    """Fetches a thin payload's resource from its channel's API."""

    def fetch(self, channel: str, wanted: ThinResource) -> dict[str, Any]:
        """The resource ``wanted`` of ``channel``. Raises only :mod:`tasks.errors` errors."""
        ...


class ChannelApi(Protocol):
    """One channel's API (:class:`~tasks.bigcommerce.BigCommerceApi`, :class:`~tasks.square.SquareApi`,
    :class:`~tasks.amazon.AmazonApi`)."""

    def fetch(self, wanted: ThinResource) -> dict[str, Any]:
        """The resource ``wanted``. Raises only :mod:`tasks.errors` errors."""
        ...

    def close(self) -> None:
        """Close the API's connections."""
        ...


class ChannelResources:
    """The API of each channel that sends thin payloads (none by default), each behind its gate.

    ``gates`` maps a channel to the gate its calls pass; a channel without one is not limited.
    ``cache`` keeps the answers to Shopify's lookups (none are kept without it).
    """

    def __init__(
        self,
        apis: Mapping[str, ChannelApi] | None = None,
        gates: Mapping[str, FleetGate] | None = None,
        *,
        cache: ResourceCache | None = None,
    ) -> None:
        self._apis = dict(apis or {})
        self._gates = dict(gates or {})
        self._cache = cache

    def fetch(self, channel: str, wanted: ThinResource) -> dict[str, Any]:
        """See :meth:`ResourceFetcher.fetch`.

        Raises:
            ChannelApiRejected: the channel has no API configured (its payloads cannot be mapped).
            ChannelApiDeferred: the channel's rate limit holds the call back.
        """
        api = self._apis.get(channel)
        if api is None:
            raise ChannelApiRejected(f"channel {channel} has no API base URL and token to fetch its {wanted.kind}")
        if self._cache is not None and isinstance(wanted, ShopifyResource):
            return self._kept(self._cache, channel, api, wanted)
        return self._fetch(channel, api, wanted)

    def _kept(self, cache: ResourceCache, channel: str, api: ChannelApi, wanted: ShopifyResource) -> dict[str, Any]:
        kept = cache.get(channel, wanted)
        if kept is None:
            kept = self._fetch(channel, api, wanted)
            cache.put(channel, wanted, kept)
        return kept

    def _fetch(self, channel: str, api: ChannelApi, wanted: ThinResource) -> dict[str, Any]:
        gate = self._gates.get(channel)
        if gate is None:
            return api.fetch(wanted)
        admission = gate.admit(tier=1)
        if not admission.granted:
            raise ChannelApiDeferred(f"channel {channel}'s API rate limit holds calls back", delay_ms=admission.wait_ms)
        return call_admitted(admission, lambda: api.fetch(wanted), gate.settle)

    def close(self) -> None:
        """Close every API's connections."""
        for api in self._apis.values():
            api.close()
