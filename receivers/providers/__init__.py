"""The webhook providers Weir verifies and reads, by the name channels use for them."""

from receivers.providers.base import Delivery, Provider
from receivers.providers.shopify import ShopifyProvider
from receivers.providers.standard import StandardWebhooksProvider

__all__ = ["Delivery", "Provider", "ShopifyProvider", "StandardWebhooksProvider"]
