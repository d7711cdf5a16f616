"""A WooCommerce channel's options: the store's REST API, which reconciliation reads to find the
orders no webhook brought."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import SecretStr, field_validator, model_validator

from channels.options import ProviderOptions, value_from

__all__ = ["WooCommerceOptions"]


class WooCommerceOptions(ProviderOptions):
    """``api_base_url``: the store's site root (``https://shop.example``; the REST API is under
    ``wp-json/wc/v3``), read with a REST API key: ``consumer_key`` and ``consumer_secret`` (or,
    better, ``consumer_secret_env``, the variable holding it). All optional for receiving;
    reconciliation lists the store's orders with them.
    """

    api_base_url: str | None = None
    consumer_key: str | None = None
    consumer_secret: SecretStr | None = None
    consumer_secret_env: str | None = None

    @field_validator("api_base_url")
    @classmethod
    def _an_http_url(cls, url: str | None) -> str | None:
        if url is not None and not url.startswith(("https://", "http://")):
            raise ValueError("api_base_url must be an http(s) URL")
        return url

    @model_validator(mode="after")
    def _one_source_of_secret(self) -> WooCommerceOptions:
        if self.consumer_secret is not None and self.consumer_secret_env is not None:
            raise ValueError("give either consumer_secret or consumer_secret_env, not both")
        return self

    def inline_secrets(self) -> tuple[str, ...]:
        return () if self.consumer_secret is None else (self.consumer_secret.get_secret_value(),)

    def token_from(self, environ: Mapping[str, str]) -> str | None:
        """``<consumer key>:<consumer secret>`` (HTTP Basic's credentials), or ``None`` when
        either is missing."""
        secret = value_from(self.consumer_secret, self.consumer_secret_env, environ)
        return None if self.consumer_key is None or secret is None else f"{self.consumer_key}:{secret}"
