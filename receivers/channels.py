"""Channels: the named sales channels that may post webhooks, read from a TOML file.

::

    demo = true                       # a file of demo secrets; refused in production

    [channels.shop-us]
    provider = "shopify"              # see receivers.providers.registry for every provider
    secrets = ["..."]                 # several for rotation; or secrets_env = "SHOP_US_SECRETS"
    lanes = { "inventory.updated" = "standard" }   # optional per-topic lane overrides

    [channels.square-us]
    provider = "square"
    secrets_env = "SQUARE_US_SIGNATURE_KEYS"
    options = { notification_url = "https://weir.example.com/webhooks/square-us" }

``secrets_env`` names an environment variable holding comma-separated secrets. ``options`` (a
table, inline or ``[channels.<name>.options]``) holds what one provider needs besides secrets;
each provider declares and validates its own (:class:`~receivers.providers.ProviderOptions`),
and a provider that takes none refuses any. Amazon channels have no secrets (IAM protects their
SQS queue) and are never served over HTTP.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator

from queues.lanes import Lane
from queues.routing import LaneRouter
from receivers.providers import PROVIDER_KINDS, NoOptions, Provider, ProviderName, ProviderOptions
from weir.errors import ConfigError
from weir.settings import reject_demo_secret

__all__ = ["Channel", "channel_options", "load_channels"]

_NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"


@dataclass(frozen=True)
class Channel:
    """A configured channel: its provider, its secrets and the HMAC keys they stand for, its
    routing, and its provider's options (e.g. where the worker fetches BigCommerce resources)."""

    name: str
    provider: Provider
    secrets: tuple[str, ...] = field(repr=False)
    keys: tuple[bytes, ...] = field(repr=False)
    router: LaneRouter
    options: ProviderOptions = field(default_factory=NoOptions, repr=False)


class _ChannelTable(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provider: ProviderName
    secrets: list[SecretStr] = Field(default_factory=list)
    secrets_env: str | None = None
    lanes: dict[str, Lane] = Field(default_factory=dict)
    options: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_source_of_secrets(self) -> _ChannelTable:
        if self.secrets and self.secrets_env:
            raise ValueError("give either secrets or secrets_env, not both")
        return self


class _ChannelsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    demo: bool = False
    channels: dict[str, _ChannelTable]

    @model_validator(mode="after")
    def _names_fit_urls(self) -> _ChannelsFile:
        for name in self.channels:
            if not re.fullmatch(_NAME_PATTERN, name):
                raise ValueError(f"channel name {name!r} must match {_NAME_PATTERN}")
        return self


def load_channels(
    path: Path,
    *,
    environ: Mapping[str, str],
    tolerance_seconds: int,
    production: bool,
) -> dict[str, Channel]:
    """Read the channels file at ``path`` into channels by name.

    Raises:
        ConfigError: naming WEIR_CHANNELS_FILE and the channel, when the file is missing or
            invalid, a secret is malformed or missing, or demo secrets are used in production.
    """
    parsed = _read(path)
    if production and parsed.demo:
        raise ConfigError(f"WEIR_CHANNELS_FILE: {path} holds demo secrets (demo = true); not in production")
    return {
        name: _build(name, table, _provider(name, table, tolerance_seconds), environ, production)
        for name, table in parsed.channels.items()
    }


def channel_options(path: Path, provider: ProviderName) -> dict[str, ProviderOptions]:
    """The validated options of every channel of ``provider`` in the file at ``path``, by name,
    without their secrets (what a worker needs to reach a channel's API).

    Raises:
        ConfigError: as :func:`load_channels` does for a missing or invalid file or options.
    """
    parsed = _read(path)
    return {
        name: _provider(name, table, 300)[0] for name, table in parsed.channels.items() if table.provider == provider
    }


def _provider(name: str, table: _ChannelTable, tolerance_seconds: int) -> tuple[ProviderOptions, Provider]:
    try:
        return PROVIDER_KINDS[table.provider].create(table.options, tolerance_seconds)
    except ValidationError as exc:
        raise ConfigError(f"WEIR_CHANNELS_FILE: channel {name} has invalid options: {_problems(exc)}") from None
    except ValueError as exc:
        raise ConfigError(f"WEIR_CHANNELS_FILE: channel {name} has invalid options: {exc}") from None


def _read(path: Path) -> _ChannelsFile:
    try:
        return _ChannelsFile.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except OSError as exc:
        raise ConfigError(f"WEIR_CHANNELS_FILE: cannot read {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"WEIR_CHANNELS_FILE: {path} is not valid TOML: {exc}") from None
    except ValidationError as exc:
        raise ConfigError(f"WEIR_CHANNELS_FILE: {path} is invalid: {_problems(exc)}") from None


def _problems(exc: ValidationError) -> str:
    """What is wrong, field by field, without the values given: a channel's options hold secrets."""
    return "; ".join(f"{'.'.join(str(part) for part in error['loc']) or '?'}: {error['msg']}" for error in exc.errors())


def _build(
    name: str,
    table: _ChannelTable,
    configured: tuple[ProviderOptions, Provider],
    environ: Mapping[str, str],
    production: bool,
) -> Channel:
    options, provider = configured
    secrets = _secrets(name, table, provider, environ)
    try:
        keys = tuple(provider.signing_key(secret) for secret in secrets)
    except ValueError as exc:
        raise ConfigError(f"WEIR_CHANNELS_FILE: channel {name} has a malformed secret: {exc}") from None
    if production:
        where = f"WEIR_CHANNELS_FILE: channel {name}"
        for value in (*secrets, *(key.decode("latin-1") for key in keys), *options.inline_secrets()):
            reject_demo_secret(where, value)
    return Channel(
        name=name,
        provider=provider,
        secrets=tuple(secrets),
        keys=keys,
        router=LaneRouter(table.lanes),
        options=options,
    )


def _secrets(name: str, table: _ChannelTable, provider: Provider, environ: Mapping[str, str]) -> list[str]:
    given = bool(table.secrets or table.secrets_env)
    if provider.transport != "http":
        if given:
            raise ConfigError(f"WEIR_CHANNELS_FILE: channel {name}: {provider.name} channels take no secrets")
        return []
    if not given:
        raise ConfigError(f"WEIR_CHANNELS_FILE: channel {name} needs secrets or secrets_env")
    if table.secrets:
        return [secret.get_secret_value() for secret in table.secrets]
    variable = table.secrets_env or ""
    secrets = [part.strip() for part in environ.get(variable, "").split(",") if part.strip()]
    if not secrets:
        raise ConfigError(f"WEIR_CHANNELS_FILE: channel {name} reads its secrets from {variable}, which is empty")
    return secrets
