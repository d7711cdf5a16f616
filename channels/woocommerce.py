"""A WooCommerce channel's options: the store's REST API, which reconciliation reads to find the
orders no webhook brought."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import SecretStr, model_validator

from channels.options import ProviderOptions, value_from

__all__ = ["WooCommerceOptions"]


class WooCommerceOptions(ProviderOptions):
    """``api_base_url`` is the store's root (``https://shop.example``, under which
    ``wp-json/wc/v3`` lives), read with a REST API key: ``consumer_key`` and ``consumer_secret``
    (``ck_...``, ``cs_...``), each given inline or, better, in the environment variable named by
    ``consumer_key_env`` / ``consumer_secret_env``. All are optional for receiving; without them
    the store's orders are not reconciled.
    """

    api_base_url: str | None = None
    consumer_key: str | None = None
    consumer_key_env: str | None = None
    consumer_secret: SecretStr | None = None
    consumer_secret_env: str | None = None

    @model_validator(mode="after")
    def _one_source_each(self) -> WooCommerceOptions:
        if self.consumer_key is not None and self.consumer_key_env is not None:
            raise ValueError("give either consumer_key or consumer_key_env, not both")
        if self.consumer_secret is not None and self.consumer_secret_env is not None:
            raise ValueError("give either consumer_secret or consumer_secret_env, not both")
        if self.api_base_url is not None and not self.api_base_url.startswith(("https://", "http://")):
            raise ValueError("api_base_url must be an http(s) URL")
        return self

    def inline_secrets(self) -> tuple[str, ...]:
        return () if self.consumer_secret is None else (self.consumer_secret.get_secret_value(),)

    def key_from(self, environ: Mapping[str, str]) -> tuple[str, str] | None:
        """The REST API key (consumer key, consumer secret), or ``None`` unless both are set."""
        key = value_from(self.consumer_key, self.consumer_key_env, environ)
        secret = value_from(self.consumer_secret, self.consumer_secret_env, environ)
        return None if key is None or secret is None else (key, secret)
