"""How the provider of every kind a channel may name (:data:`channels.kinds.PROVIDER_OPTIONS`) is
built from its options.

>>> kind = PROVIDER_KINDS["square"]
>>> options, provider = kind.create({"notification_url": "https://weir.example/webhooks/sq"}, 300)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from channels.amazon import AmazonOptions
from channels.bigcommerce import BigCommerceOptions
from channels.generic_hmac import GenericHmacOptions
from channels.options import NoOptions, ProviderOptions
from channels.shopify import ShopifyOptions
from channels.square import SquareOptions
from channels.woocommerce import WooCommerceOptions
from receivers.providers.amazon import AmazonProvider
from receivers.providers.base import Provider
from receivers.providers.bigcommerce import BigCommerceProvider
from receivers.providers.generic_hmac import GenericHmacProvider
from receivers.providers.shopify import ShopifyProvider
from receivers.providers.square import SquareProvider
from receivers.providers.standard import StandardWebhooksProvider
from receivers.providers.stripe import StripeProvider
from receivers.providers.woocommerce import WooCommerceProvider

__all__ = ["PROVIDER_KINDS", "ProviderKind"]

OptionsT = TypeVar("OptionsT", bound=ProviderOptions)


@dataclass(frozen=True)
class ProviderKind(Generic[OptionsT]):
    """One provider as channels configure it: ``build`` makes the channel's provider from its
    validated options and the timestamp tolerance (seconds)."""

    options: type[OptionsT]
    build: Callable[[OptionsT, int], Provider]

    def create(self, raw: Mapping[str, Any], tolerance_seconds: int) -> tuple[OptionsT, Provider]:
        """The validated options and the provider they configure.

        Raises:
            ValueError: the options are invalid (a pydantic ``ValidationError``).
        """
        options = self.options.model_validate(dict(raw))
        return options, self.build(options, tolerance_seconds)


PROVIDER_KINDS: Mapping[str, ProviderKind[Any]] = MappingProxyType(
    {
        "shopify": ProviderKind(ShopifyOptions, lambda _, __: ShopifyProvider()),
        "standard": ProviderKind(NoOptions, lambda _, tolerance: StandardWebhooksProvider(tolerance)),
        "woocommerce": ProviderKind(WooCommerceOptions, lambda _, __: WooCommerceProvider()),
        "bigcommerce": ProviderKind(BigCommerceOptions, lambda _, tolerance: BigCommerceProvider(tolerance)),
        "square": ProviderKind(SquareOptions, lambda options, _: SquareProvider(options.notification_url)),
        "stripe": ProviderKind(NoOptions, lambda _, tolerance: StripeProvider(tolerance)),
        "hmac": ProviderKind(GenericHmacOptions, lambda options, _: GenericHmacProvider(options)),
        "amazon": ProviderKind(AmazonOptions, lambda _, __: AmazonProvider()),
    }
)
