"""Process-wide settings: the deployment environment, error reporting and logging.

Every concern has its own settings class next to the code it configures (``BrokerSettings`` in
:mod:`queues.settings`, ``ErpSettings`` in :mod:`erp.settings`, ...). Entry points build them
once, through :func:`load`, and pass them down; nothing reads the environment at import.
"""

from __future__ import annotations

import re
from typing import Any, Literal, TypeVar

from pydantic import AliasChoices, Field, RedisDsn, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from weir.errors import ConfigError

__all__ = ["DEMO_MARKER", "RedisSettings", "ServiceSettings", "load", "reject_demo_secret"]

#: Every demo secret shipped in this repository contains this marker, so production can refuse it.
DEMO_MARKER = "weir-demo"

S = TypeVar("S", bound=BaseSettings)


class ServiceSettings(BaseSettings):
    """``WEIR_ENVIRONMENT``: ``production`` refuses the demo secrets this repository ships.

    ``WEIR_NAMESPACE``: prefixes every queue name and Redis key, so several Weirs (or test runs)
    can share one RabbitMQ and one Redis.

    ``WEIR_SENTRY_DSN``: where errors are reported; unset means no reporting.
    ``WEIR_LOG_LEVEL``: the root log level.
    ``WEIR_LOG_FORMAT``: ``text`` (a sentence per line, for people) or ``json`` (an object per line,
    for log pipelines); both carry the correlation id and the event's ids when known.
    """

    model_config = SettingsConfigDict(env_prefix="WEIR_", extra="ignore")

    environment: Literal["development", "production"] = "development"
    namespace: str = Field(default="weir", pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")
    sentry_dsn: SecretStr | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"

    @property
    def production(self) -> bool:
        return self.environment == "production"


class RedisSettings(BaseSettings):
    """``WEIR_REDIS_URL``: the Redis that holds dedupe marks, locks, budgets and dead-letter reasons.

    ``WEIR_REDIS_TIMEOUT_SECONDS`` bounds each Redis command, connection included.

    ``WEIR_REDIS_SENTINELS``: Redis Sentinels as ``host:port`` separated by commas; when set,
    every client asks them for the master of ``WEIR_REDIS_SENTINEL_MASTER`` and follows its
    failovers, and ``WEIR_REDIS_URL`` gives only the password and the database number.
    ``WEIR_REDIS_SENTINEL_PASSWORD``: the Sentinels' own ``requirepass``, when they have one.
    """

    model_config = SettingsConfigDict(env_prefix="WEIR_REDIS_", extra="ignore")

    url: RedisDsn = RedisDsn("redis://127.0.0.1:6379/0")
    timeout_seconds: float = Field(default=2.0, gt=0)
    sentinels: str = ""
    sentinel_master: str = Field(default="weir", min_length=1)
    sentinel_password: SecretStr | None = None

    @field_validator("sentinels")
    @classmethod
    def _host_ports(cls, value: str) -> str:
        _addresses(value)
        return value

    @property
    def sentinel_addresses(self) -> list[tuple[str, int]]:
        """Each Sentinel's (host, port); empty when Redis is reached directly at ``url``."""
        return _addresses(self.sentinels)


def _addresses(value: str) -> list[tuple[str, int]]:
    addresses = []
    for part in value.split(","):
        host, colon, port = part.strip().rpartition(":")
        if not part.strip():
            continue
        if not colon or not host or not port.isdigit():
            raise ValueError(f"expected host:port, got {part.strip()!r}")
        addresses.append((host, int(port)))
    return addresses


def load(settings_class: type[S], **overrides: Any) -> S:
    """Build a settings class from the environment, naming the variable of any bad setting.

    Raises:
        ConfigError: with one line per invalid variable, e.g. ``WEIR_BROKER_URL: ...``.
    """
    try:
        return settings_class(**overrides)
    except ValidationError as exc:
        raise ConfigError(_describe(settings_class, exc)) from None


def reject_demo_secret(variable: str, value: str) -> None:
    """Refuse a secret that this repository ships as a demo value.

    Raises:
        ConfigError: naming ``variable``.
    """
    if DEMO_MARKER in value:
        raise ConfigError(f"{variable}: the demo secret is not allowed when WEIR_ENVIRONMENT=production")


_URL_PASSWORD = re.compile(r"(://[^:/@\s]*:)[^@\s]*@")


def _describe(settings_class: type[BaseSettings], exc: ValidationError) -> str:
    prefix = settings_class.model_config.get("env_prefix", "")
    lines = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "?"
        variable = _variable_name(settings_class, field, prefix)
        shown = "a secret, not shown" if _secret(settings_class, field) else _masked(error.get("input"))
        lines.append(f"{variable}: {error['msg']} (got {shown})")
    return "invalid settings:\n  " + "\n  ".join(lines)


def _secret(settings_class: type[BaseSettings], field: str) -> bool:
    """Whether ``field`` holds a secret (a password, a DSN with its key) that errors must not echo."""
    info = settings_class.model_fields.get(field)
    return info is not None and "SecretStr" in str(info.annotation)


def _masked(value: object) -> str:
    """``value`` as an error shows it, the password of a URL (``amqp://user:password@host``) masked."""
    return _URL_PASSWORD.sub(r"\1***@", repr(value))


def _variable_name(settings_class: type[BaseSettings], field: str, prefix: str) -> str:
    info = settings_class.model_fields.get(field)
    alias = info.validation_alias if info is not None else None
    if isinstance(alias, AliasChoices):
        alias = alias.choices[0]
    if isinstance(alias, str):
        return alias.upper()
    return f"{prefix}{field}".upper()
