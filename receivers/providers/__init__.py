"""The webhook providers Weir verifies and reads, by the name channels use for them."""

from receivers.providers.amazon import AmazonOptions, AmazonProvider
from receivers.providers.base import Delivery, Provider
from receivers.providers.bigcommerce import BigCommerceOptions, BigCommerceProvider
from receivers.providers.generic_hmac import GenericHmacOptions, GenericHmacProvider
from receivers.providers.options import AccessTokenOptions, NoOptions, ProviderOptions
from receivers.providers.registry import PROVIDER_KINDS, ProviderKind, ProviderName
from receivers.providers.shopify import ShopifyProvider
from receivers.providers.square import SquareOptions, SquareProvider
from receivers.providers.standard import StandardWebhooksProvider
from receivers.providers.stripe import StripeProvider
from receivers.providers.woocommerce import WooCommerceProvider

__all__ = [
    "PROVIDER_KINDS",
    "AccessTokenOptions",
    "AmazonOptions",
    "AmazonProvider",
    "BigCommerceOptions",
    "BigCommerceProvider",
    "Delivery",
    "GenericHmacOptions",
    "GenericHmacProvider",
    "NoOptions",
    "Provider",
    "ProviderKind",
    "ProviderName",
    "ProviderOptions",
    "ShopifyProvider",
    "SquareOptions",
    "SquareProvider",
    "StandardWebhooksProvider",
    "StripeProvider",
    "WooCommerceProvider",
]
