"""A BigCommerce channel's options: the store API the worker fetches thin payloads' resources from."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import Field, SecretStr, model_validator

from channels.options import ProviderOptions

__all__ = ["BigCommerceOptions"]


class BigCommerceOptions(ProviderOptions):
    """Where the worker fetches the full resource a thin payload names.

    ``api_base_url`` is the store's API root (``https://api.bigcommerce.com/stores/<hash>/``);
    the access token is given inline as ``api_token`` or, better, read from the environment
    variable named by ``api_token_env``. All three are optional for receiving.

    ``location_id`` is the inventory location the ERP's stock levels are written to (a store's
    first location is 1, the default).
    """

    api_base_url: str | None = None
    api_token: SecretStr | None = None
    api_token_env: str | None = None
    location_id: int = Field(default=1, ge=1)

    @model_validator(mode="after")
    def _one_source_of_token(self) -> BigCommerceOptions:
        if self.api_token is not None and self.api_token_env is not None:
            raise ValueError("give either api_token or api_token_env, not both")
        if self.api_base_url is not None and not self.api_base_url.startswith(("https://", "http://")):
            raise ValueError("api_base_url must be an http(s) URL")
        return self

    def inline_secrets(self) -> tuple[str, ...]:
        return () if self.api_token is None else (self.api_token.get_secret_value(),)

    def token_from(self, environ: Mapping[str, str]) -> str | None:
        """The API token: inline, or from ``api_token_env`` in ``environ`` (``None`` if neither is set)."""
        if self.api_token is not None:
            return self.api_token.get_secret_value()
        if self.api_token_env is None:
            return None
        return environ.get(self.api_token_env) or None
