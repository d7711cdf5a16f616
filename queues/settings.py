"""How Weir reaches RabbitMQ."""

from __future__ import annotations

from pydantic import AmqpDsn, TypeAdapter, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["BrokerSettings", "split_urls"]

_AMQP_URL = TypeAdapter(AmqpDsn)


def split_urls(url: str) -> list[str]:
    """The URLs in ``url``: one, or several separated by commas (the nodes of a cluster)."""
    urls = [part.strip() for part in url.split(",") if part.strip()]
    if not urls:
        raise ValueError("no RabbitMQ URL given")
    return urls


class BrokerSettings(BaseSettings):
    """``WEIR_BROKER_URL``: the RabbitMQ every process talks to, or the nodes of a RabbitMQ
    cluster as several URLs separated by commas, tried in that order (docs/multi-host.md)."""

    model_config = SettingsConfigDict(env_prefix="WEIR_BROKER_", extra="ignore")

    url: str = "amqp://guest:guest@127.0.0.1:5672/%2F"

    @field_validator("url")
    @classmethod
    def _amqp_urls(cls, value: str) -> str:
        for url in split_urls(value):
            _AMQP_URL.validate_python(url)
        return value

    @property
    def urls(self) -> list[str]:
        """Each node's URL, in the order this process tries them."""
        return split_urls(self.url)
