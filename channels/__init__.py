"""The retailer's configured sales channels: the channels file and each provider's options."""

from channels.amazon import SP_API_NORTH_AMERICA, AmazonOptions
from channels.bigcommerce import BigCommerceOptions
from channels.file import ChannelsFile, ChannelTable, channel_options, read_channels_file, validated_options
from channels.generic_hmac import GenericHmacOptions
from channels.kinds import PROVIDER_OPTIONS, ProviderName
from channels.lwa import LWA_TOKEN_URL, LwaLogin, LwaOptions
from channels.options import AccessTokenOptions, NoOptions, ProviderOptions
from channels.shopify import SHOPIFY_API_VERSION, ShopifyOptions
from channels.square import SquareOptions
from channels.woocommerce import WooCommerceOptions

__all__ = [
    "LWA_TOKEN_URL",
    "PROVIDER_OPTIONS",
    "SHOPIFY_API_VERSION",
    "SP_API_NORTH_AMERICA",
    "AccessTokenOptions",
    "AmazonOptions",
    "BigCommerceOptions",
    "ChannelTable",
    "ChannelsFile",
    "GenericHmacOptions",
    "LwaLogin",
    "LwaOptions",
    "NoOptions",
    "ProviderName",
    "ProviderOptions",
    "ShopifyOptions",
    "SquareOptions",
    "WooCommerceOptions",
    "channel_options",
    "read_channels_file",
    "validated_options",
]
