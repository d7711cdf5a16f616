"""How the console listens, and the token that guards it."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from oncall.fleet import OnCallConfig, load_config
from weir.errors import ConfigError
from weir.settings import load, reject_demo_secret

__all__ = ["MIN_TOKEN_LENGTH", "ConsoleConfig", "ConsoleSettings", "build_config"]

#: A shorter token could be guessed through the login form, which does not slow guesses down.
MIN_TOKEN_LENGTH = 16


class ConsoleSettings(BaseSettings):
    """``WEIR_CONSOLE_HOST`` and ``WEIR_CONSOLE_PORT``: where the console listens.

    ``WEIR_CONSOLE_TOKEN``: the secret every page and API call must present (required, at least
    16 characters). ``WEIR_CONSOLE_SESSION_HOURS``: how long a login lasts, in hours.

    ``WEIR_CONSOLE_FORWARDED_ALLOW_IPS``: the addresses of the TLS proxy in front of the console,
    comma-separated (empty: no proxy is trusted). Requests from them are taken as the proxy's
    ``X-Forwarded-Proto`` and ``X-Forwarded-For`` say, so the login cookie is marked ``Secure``
    behind TLS and the audit log names the real peer.
    """

    model_config = SettingsConfigDict(env_prefix="WEIR_CONSOLE_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8010, ge=1, le=65535)
    #: Empty means unset; :func:`build_config` refuses it.
    token: SecretStr = SecretStr("")
    session_hours: float = Field(default=12.0, gt=0, le=24 * 30)
    forwarded_allow_ips: str = ""


@dataclass(frozen=True)
class ConsoleConfig:
    """Everything the console process needs, built once at its entry point."""

    console: ConsoleSettings
    oncall: OnCallConfig

    @property
    def token(self) -> str:
        """The token (:func:`build_config` checked it)."""
        return self.console.token.get_secret_value().strip()


def build_config() -> ConsoleConfig:
    """Read the console's settings and on-call's from the environment.

    Raises:
        ConfigError: naming the bad setting; ``WEIR_CONSOLE_TOKEN`` when it is unset, empty, too
            short, or the demo token in production.
    """
    oncall = load_config()
    console = load(ConsoleSettings)
    _check_token(console.token, production=oncall.service.production)
    return ConsoleConfig(console=console, oncall=oncall)


def _check_token(token: SecretStr, *, production: bool) -> None:
    value = token.get_secret_value().strip()
    if not value:
        raise ConfigError(
            "WEIR_CONSOLE_TOKEN: required, the console serves nothing without it "
            "(set a long random secret, e.g. `openssl rand -hex 32`)"
        )
    if len(value) < MIN_TOKEN_LENGTH:
        raise ConfigError(f"WEIR_CONSOLE_TOKEN: at least {MIN_TOKEN_LENGTH} characters (got {len(value)})")
    if production:
        reject_demo_secret("WEIR_CONSOLE_TOKEN", value)
