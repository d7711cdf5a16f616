"""Per-channel provider options: a channel's ``[channels.<name>.options]`` table.

Each provider that takes options declares them as a subclass of :class:`ProviderOptions`; the
channels file is checked against it at start-up, so a misspelt or misplaced option stops the
process instead of being ignored.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, SecretStr, model_validator

__all__ = ["AccessTokenOptions", "NoOptions", "ProviderOptions", "value_from"]


class ProviderOptions(BaseModel):
    """One provider's options for one channel. Unknown keys are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def inline_secrets(self) -> tuple[str, ...]:
        """Secrets written in the options themselves (not the signing secrets), which production
        refuses when they are this repository's demo values."""
        return ()


class NoOptions(ProviderOptions):
    """The options of providers that take none: any key is refused."""


class AccessTokenOptions(ProviderOptions):
    """Options of a provider whose API the worker reads with an access token, given inline as
    ``access_token`` or, better, read from the environment variable named by
    ``access_token_env`` (one or the other, or neither: the API is then not read)."""

    access_token: SecretStr | None = None
    access_token_env: str | None = None

    @model_validator(mode="after")
    def _one_source_of_token(self) -> AccessTokenOptions:
        if self.access_token is not None and self.access_token_env is not None:
            raise ValueError("give either access_token or access_token_env, not both")
        return self

    def inline_secrets(self) -> tuple[str, ...]:
        return () if self.access_token is None else (self.access_token.get_secret_value(),)

    def token_from(self, environ: Mapping[str, str]) -> str | None:
        """The access token: inline, or from ``access_token_env`` in ``environ`` (``None`` if neither is set)."""
        return value_from(self.access_token, self.access_token_env, environ)


def value_from(inline: str | SecretStr | None, variable: str | None, environ: Mapping[str, str]) -> str | None:
    """An option given ``inline`` or in the environment variable named ``variable``: ``None``
    when neither is given, or the variable is unset or empty."""
    if isinstance(inline, SecretStr):
        return inline.get_secret_value()
    if inline is not None:
        return inline
    return None if variable is None else environ.get(variable) or None
