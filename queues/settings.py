"""How Weir reaches RabbitMQ."""

from __future__ import annotations

from pydantic import AmqpDsn, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["BrokerSettings"]


class BrokerSettings(BaseSettings):
    """``WEIR_BROKER_URL``: the RabbitMQ every process talks to.

    ``WEIR_BROKER_CONFIRM_TIMEOUT_SECONDS`` bounds how long a publish waits for RabbitMQ's
    confirm before the receiver answers 503 (providers wait about 5 s in all).
    """

    model_config = SettingsConfigDict(env_prefix="WEIR_BROKER_", extra="ignore")

    url: AmqpDsn = AmqpDsn("amqp://guest:guest@127.0.0.1:5672/%2F")
    confirm_timeout_seconds: float = Field(default=3.0, gt=0)
