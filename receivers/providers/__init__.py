"""The webhook providers Weir verifies and reads, by the name channels use for them."""

from receivers.providers.amazon import AmazonProvider
from receivers.providers.base import Delivery, Provider
from receivers.providers.bigcommerce import BigCommerceProvider
from receivers.providers.generic_hmac import GenericHmacProvider
from receivers.providers.registry import PROVIDER_KINDS, ProviderKind
from receivers.providers.shopify import ShopifyProvider
from receivers.providers.square import SquareProvider
from receivers.providers.standard import StandardWebhooksProvider
from receivers.providers.stripe import StripeProvider
from receivers.providers.woocommerce import WooCommerceProvider

__all__ = [
    "PROVIDER_KINDS",
    "AmazonProvider",
    "BigCommerceProvider",
    "Delivery",
    "GenericHmacProvider",
    "Provider",
    "ProviderKind",
    "ShopifyProvider",
    "SquareProvider",
    "StandardWebhooksProvider",
    "StripeProvider",
    "WooCommerceProvider",
]
