"""Which order listing reads a channel, from its options and the environment its secrets are in."""

from __future__ import annotations

from collections.abc import Mapping

from channels import AmazonOptions, BigCommerceOptions, ProviderOptions, ShopifyOptions, SquareOptions
from channels.woocommerce import WooCommerceOptions
from reconcile.amazon import AmazonOrders
from reconcile.bigcommerce import BigCommerceOrders
from reconcile.listing import OrderLister
from reconcile.shopify import ShopifyOrders
from reconcile.square import SquareOrders
from reconcile.woocommerce import WooCommerceOrders
from tasks.lwa import tokens_for

__all__ = ["lister_for"]


def lister_for(
    name: str, options: ProviderOptions, environ: Mapping[str, str], *, timeout_seconds: float
) -> OrderLister | None:
    """The listing of channel ``name``'s orders, or ``None`` when its options give no API root
    and credentials (or name a variable unset in ``environ``). ``timeout_seconds`` bounds each call."""
    if isinstance(options, WooCommerceOptions):
        credentials = options.token_from(environ)
        if options.api_base_url is None or credentials is None:
            return None
        key, _, secret = credentials.partition(":")
        return WooCommerceOrders(options.api_base_url, key, secret, timeout_seconds=timeout_seconds)
    if isinstance(options, AmazonOptions):
        tokens = tokens_for(options, environ, channel=name, timeout_seconds=timeout_seconds)
        return None if tokens is None else AmazonOrders(options.api_base_url, tokens, timeout_seconds=timeout_seconds)
    if isinstance(options, ShopifyOptions | BigCommerceOptions | SquareOptions):
        return _token_lister(options, environ, timeout_seconds)
    return None


def _token_lister(
    options: ShopifyOptions | BigCommerceOptions | SquareOptions, environ: Mapping[str, str], timeout_seconds: float
) -> OrderLister | None:
    token = options.token_from(environ)
    if options.api_base_url is None or token is None:
        return None
    if isinstance(options, BigCommerceOptions):
        return BigCommerceOrders(options.api_base_url, token, timeout_seconds=timeout_seconds)
    if isinstance(options, SquareOptions):
        return SquareOrders(options.api_base_url, token, timeout_seconds=timeout_seconds)
    return ShopifyOrders(options.api_base_url, token, version=options.api_version, timeout_seconds=timeout_seconds)
