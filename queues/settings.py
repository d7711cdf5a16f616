"""How Weir reaches RabbitMQ."""

from __future__ import annotations

from pydantic import AmqpDsn
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["BrokerSettings"]


class BrokerSettings(BaseSettings):
    """``WEIR_BROKER_URL``: the RabbitMQ every process talks to."""

    model_config = SettingsConfigDict(env_prefix="WEIR_BROKER_", extra="ignore")

    url: AmqpDsn = AmqpDsn("amqp://guest:guest@127.0.0.1:5672/%2F")
