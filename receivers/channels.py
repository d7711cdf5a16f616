"""Channels as the receivers serve them: each configured channel of the channels file
(:mod:`channels.file`) paired with the provider that verifies and reads its webhooks, and the
keys its secrets stand for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from channels.file import ChannelTable, read_channels_file, validated_options
from channels.options import NoOptions, ProviderOptions
from queues.routing import LaneRouter
from receivers.providers import PROVIDER_KINDS, Provider
from weir.errors import ConfigError
from weir.settings import reject_demo_secret

__all__ = ["Channel", "load_channels"]


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
    parsed = read_channels_file(path)
    if production and parsed.demo:
        raise ConfigError(f"WEIR_CHANNELS_FILE: {path} holds demo secrets (demo = true); not in production")
    return {
        name: _build(name, table, _provider(name, table, tolerance_seconds), environ, production)
        for name, table in parsed.channels.items()
    }


def _provider(name: str, table: ChannelTable, tolerance_seconds: int) -> tuple[ProviderOptions, Provider]:
    options = validated_options(name, table)
    try:
        return options, PROVIDER_KINDS[table.provider].build(options, tolerance_seconds)
    except ValueError as exc:
        raise ConfigError(f"WEIR_CHANNELS_FILE: channel {name} has invalid options: {exc}") from None


def _build(
    name: str,
    table: ChannelTable,
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


def _secrets(name: str, table: ChannelTable, provider: Provider, environ: Mapping[str, str]) -> list[str]:
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
