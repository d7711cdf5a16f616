"""The channels file: the named sales channels that may post webhooks, in TOML.

::

    demo = true                       # a file of demo secrets; refused in production

    [channels.shop-us]
    provider = "shopify"              # see channels.kinds for every provider
    secrets = ["..."]                 # several for rotation; or secrets_env = "SHOP_US_SECRETS"
    lanes = { "inventory.updated" = "standard" }   # optional per-topic lane overrides

    [channels.square-us]
    provider = "square"
    secrets_env = "SQUARE_US_SIGNATURE_KEYS"
    options = { notification_url = "https://weir.example.com/webhooks/square-us" }

``secrets_env`` names an environment variable holding comma-separated secrets. ``options`` (a
table, inline or ``[channels.<name>.options]``) holds what one provider needs besides secrets;
each provider declares and validates its own (:class:`~channels.options.ProviderOptions`),
and a provider that takes none refuses any. Amazon channels have no secrets (IAM protects their
SQS queue) and are never served over HTTP.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator

from channels.kinds import PROVIDER_OPTIONS, ProviderName
from channels.options import ProviderOptions
from queues.lanes import Lane
from weir.errors import ConfigError

__all__ = ["ChannelTable", "ChannelsFile", "channel_options", "read_channels_file", "validated_options"]

_NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"


class ChannelTable(BaseModel):
    """One ``[channels.<name>]`` table, its options not yet validated against its provider's."""

    model_config = ConfigDict(extra="forbid")

    provider: ProviderName
    secrets: list[SecretStr] = Field(default_factory=list)
    secrets_env: str | None = None
    lanes: dict[str, Lane] = Field(default_factory=dict)
    options: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_source_of_secrets(self) -> ChannelTable:
        if self.secrets and self.secrets_env:
            raise ValueError("give either secrets or secrets_env, not both")
        return self


class ChannelsFile(BaseModel):
    """The whole file: its channel tables by name, and whether it holds demo secrets."""

    model_config = ConfigDict(extra="forbid")

    demo: bool = False
    channels: dict[str, ChannelTable]

    @model_validator(mode="after")
    def _names_fit_urls(self) -> ChannelsFile:
        for name in self.channels:
            if not re.fullmatch(_NAME_PATTERN, name):
                raise ValueError(f"channel name {name!r} must match {_NAME_PATTERN}")
        return self


def read_channels_file(path: Path) -> ChannelsFile:
    """The channels file at ``path``, checked against the schema above.

    Raises:
        ConfigError: naming WEIR_CHANNELS_FILE, when the file is missing, not TOML, or invalid.
    """
    try:
        return ChannelsFile.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except OSError as exc:
        raise ConfigError(f"WEIR_CHANNELS_FILE: cannot read {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"WEIR_CHANNELS_FILE: {path} is not valid TOML: {exc}") from None
    except ValidationError as exc:
        raise ConfigError(f"WEIR_CHANNELS_FILE: {path} is invalid: {problems(exc)}") from None


def validated_options(name: str, table: ChannelTable) -> ProviderOptions:
    """Channel ``name``'s options, validated against its provider's options class.

    Raises:
        ConfigError: naming WEIR_CHANNELS_FILE and the channel, when an option is unknown or invalid.
    """
    try:
        return PROVIDER_OPTIONS[table.provider].model_validate(dict(table.options))
    except ValidationError as exc:
        raise ConfigError(f"WEIR_CHANNELS_FILE: channel {name} has invalid options: {problems(exc)}") from None


def channel_options(path: Path, provider: ProviderName) -> dict[str, ProviderOptions]:
    """The validated options of every channel of ``provider`` in the file at ``path``, by name,
    without their secrets (what a worker needs to reach a channel's API).

    Raises:
        ConfigError: as :func:`read_channels_file` and :func:`validated_options` do.
    """
    parsed = read_channels_file(path)
    return {
        name: validated_options(name, table) for name, table in parsed.channels.items() if table.provider == provider
    }


def problems(exc: ValidationError) -> str:
    """What is wrong, field by field, without the values given: a channel's options hold secrets."""
    return "; ".join(f"{'.'.join(str(part) for part in error['loc']) or '?'}: {error['msg']}" for error in exc.errors())
