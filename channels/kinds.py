"""Every provider a channel may name, with the class of the options it takes.

>>> PROVIDER_OPTIONS["square"].__name__
'SquareOptions'
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

from channels.amazon import AmazonOptions
from channels.bigcommerce import BigCommerceOptions
from channels.generic_hmac import GenericHmacOptions
from channels.options import NoOptions, ProviderOptions
from channels.shopify import ShopifyOptions
from channels.square import SquareOptions
from channels.woocommerce import WooCommerceOptions

__all__ = ["PROVIDER_OPTIONS", "ProviderName"]

ProviderName = Literal["shopify", "standard", "woocommerce", "bigcommerce", "square", "stripe", "hmac", "amazon"]

PROVIDER_OPTIONS: Mapping[str, type[ProviderOptions]] = MappingProxyType(
    {
        "shopify": ShopifyOptions,
        "standard": NoOptions,
        "woocommerce": WooCommerceOptions,
        "bigcommerce": BigCommerceOptions,
        "square": SquareOptions,
        "stripe": NoOptions,
        "hmac": GenericHmacOptions,
        "amazon": AmazonOptions,
    }
)
