"""How workers reach the channels' own APIs (to fetch what thin payloads name)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["ChannelApiSettings"]

_DEFAULT_CHANNELS_FILE = Path(__file__).resolve().parent.parent / "channels.toml"


class ChannelApiSettings(BaseSettings):
    """``WEIR_CHANNELS_FILE``: the channels file the receivers read (its Shopify, BigCommerce,
    Square and Amazon channels' ``api_base_url`` and token are used). ``WEIR_CHANNEL_API_RATE_PER_SECOND``:
    resources fetched per second per channel, fleet-wide (one BigCommerce order is three calls, and
    a standard store allows about 5 calls/s; one Square order is one call; one Amazon order is a
    getOrder and a getOrderItems per page of items, each allowed 0.5 calls/s after a burst of 30 by
    SP-API's default usage plan; one Shopify inventory item or order is one call, and Shopify's
    REST bucket leaks 2 calls/s). ``WEIR_CHANNEL_API_TIMEOUT_SECONDS``: one call's bound.
    ``WEIR_CHANNEL_API_CACHE_SECONDS``: how long a Shopify inventory item's SKU, or an order's
    line items' SKUs, are kept in Redis once looked up (a SKU edited in Shopify reaches Weir
    within it).
    """

    model_config = SettingsConfigDict(env_prefix="WEIR_", extra="ignore")

    channels_file: Path = _DEFAULT_CHANNELS_FILE
    channel_api_rate_per_second: float = Field(default=1.5, gt=0)
    channel_api_timeout_seconds: float = Field(default=10.0, gt=0)
    channel_api_cache_seconds: int = Field(default=600, gt=0)
