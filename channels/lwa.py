"""Login with Amazon credentials as channel options: what a worker exchanges for SP-API access
tokens for as long as it runs (a fixed access token lasts an hour)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pydantic import SecretStr, field_validator, model_validator

from channels.options import AccessTokenOptions, value_from

__all__ = ["LWA_TOKEN_URL", "LwaLogin", "LwaOptions"]

#: Login with Amazon's token endpoint, the same for every SP-API region.
LWA_TOKEN_URL = "https://api.amazon.com/auth/o2/token"

_CREDENTIALS = ("lwa_client_id", "lwa_client_secret", "refresh_token")


@dataclass(frozen=True)
class LwaLogin:
    """A seller's authorization of the app, which LWA's endpoint at ``token_url`` exchanges for
    access tokens."""

    client_id: str
    client_secret: str = field(repr=False)
    refresh_token: str = field(repr=False)
    token_url: str


class LwaOptions(AccessTokenOptions):
    """A fixed access token (see :class:`AccessTokenOptions`), or the Login with Amazon
    credentials the worker exchanges for fresh ones: ``lwa_client_id`` and ``lwa_client_secret``
    (the app's), and ``refresh_token`` (the seller's authorization of it), each inline or, better
    for the last two, read from the environment variable named by its ``_env`` twin.
    ``lwa_token_url`` is LWA's token endpoint. Give all three credentials or none, and not with
    an access token.
    """

    lwa_client_id: str | None = None
    lwa_client_id_env: str | None = None
    lwa_client_secret: SecretStr | None = None
    lwa_client_secret_env: str | None = None
    refresh_token: SecretStr | None = None
    refresh_token_env: str | None = None
    lwa_token_url: str = LWA_TOKEN_URL

    @field_validator("lwa_token_url")
    @classmethod
    def _an_lwa_url(cls, url: str) -> str:
        if not url.startswith(("https://", "http://")):
            raise ValueError("must be an http(s) URL")
        return url

    @model_validator(mode="after")
    def _all_credentials_or_none(self) -> LwaOptions:
        for name in _CREDENTIALS:
            if getattr(self, name) is not None and getattr(self, f"{name}_env") is not None:
                raise ValueError(f"give either {name} or {name}_env, not both")
        missing = [name for name in _CREDENTIALS if not self._given(name)]
        if len(missing) == len(_CREDENTIALS):
            return self
        if missing:
            raise ValueError(f"Login with Amazon needs {', '.join(_CREDENTIALS)}; missing {', '.join(missing)}")
        if self.access_token is not None or self.access_token_env is not None:
            raise ValueError("give either an access token or Login with Amazon credentials, not both")
        return self

    def _given(self, name: str) -> bool:
        return getattr(self, name) is not None or getattr(self, f"{name}_env") is not None

    def inline_secrets(self) -> tuple[str, ...]:
        given = (secret.get_secret_value() for secret in (self.lwa_client_secret, self.refresh_token) if secret)
        return (*super().inline_secrets(), *given)

    def lwa_from(self, environ: Mapping[str, str]) -> LwaLogin | None:
        """The LWA credentials, inline or from ``environ``: ``None`` when none are given, or a
        variable they name is unset or empty."""
        client_id = value_from(self.lwa_client_id, self.lwa_client_id_env, environ)
        secret = value_from(self.lwa_client_secret, self.lwa_client_secret_env, environ)
        refresh_token = value_from(self.refresh_token, self.refresh_token_env, environ)
        if client_id is None or secret is None or refresh_token is None:
            return None
        return LwaLogin(client_id, secret, refresh_token, self.lwa_token_url)
