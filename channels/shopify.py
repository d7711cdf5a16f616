"""A Shopify channel's options: the shop's Admin API, where the worker looks up what a payload
names only by id (an inventory level's item, a refund's line items)."""

from __future__ import annotations

import re

from pydantic import field_validator

from channels.options import AccessTokenOptions

__all__ = ["SHOPIFY_API_VERSION", "ShopifyOptions"]

#: The Admin API version Weir's Shopify lookups were written against (Shopify's ``YYYY-MM``).
SHOPIFY_API_VERSION = "2025-01"

_VERSION = re.compile(r"^(?:[0-9]{4}-(?:0[1-9]|1[0-2])|unstable)$")


class ShopifyOptions(AccessTokenOptions):
    """``api_base_url`` is the shop's root (``https://<shop>.myshopify.com``), read with the app's
    Admin API access token (see :class:`AccessTokenOptions`; sent as ``X-Shopify-Access-Token``)
    at ``api_version``. All are optional for receiving; without them, inventory levels and
    refunds that name their line items only by id cannot be mapped and are dead-lettered saying so.

    ``location_id`` is the Shopify location whose available quantities the ERP's stock sets
    (the outbound leg); without it, the shop's primary location.
    """

    api_base_url: str | None = None
    api_version: str = SHOPIFY_API_VERSION
    location_id: int | None = None

    @field_validator("api_base_url")
    @classmethod
    def _an_http_url(cls, url: str | None) -> str | None:
        if url is not None and not url.startswith(("https://", "http://")):
            raise ValueError("api_base_url must be an http(s) URL")
        return url

    @field_validator("api_version")
    @classmethod
    def _a_shopify_version(cls, version: str) -> str:
        if not _VERSION.fullmatch(version):
            raise ValueError("api_version must be Shopify's YYYY-MM (or unstable)")
        return version
