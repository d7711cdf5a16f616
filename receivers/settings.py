"""How the receiver listens and what it accepts."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["DEFAULT_CHANNELS_FILE", "ReceiverSettings"]

#: The demo channels shipped with the repository.
DEFAULT_CHANNELS_FILE = Path(__file__).resolve().parent.parent / "channels.toml"


class ReceiverSettings(BaseSettings):
    """``PORT`` and ``WEIR_HOST``: where the receiver listens. ``WEIR_WEB_PROCESSES``: how many
    server processes share the port.

    ``WEIR_ENQUEUE_TIMEOUT_SECONDS``: how long a webhook may wait for Redis and RabbitMQ's
    confirm before the answer is 503 (providers give up after about 5 s in all).

    ``WEIR_CHANNELS_FILE``: the channels that may post. ``WEIR_MAX_BODY_BYTES``: larger bodies
    get 413. ``WEIR_DEDUPE_TTL_SECONDS``: how long a delivery id is remembered (providers retry
    for up to 72 h). ``WEIR_CLAIM_TTL_SECONDS``: how long an in-flight claim outlives a receiver
    that died. ``WEIR_TIMESTAMP_TOLERANCE_SECONDS``: how far a signed timestamp may be from now.
    """

    model_config = SettingsConfigDict(env_prefix="WEIR_", extra="ignore")

    port: int = Field(default=8000, ge=1, le=65535, validation_alias=AliasChoices("PORT", "WEIR_PORT"))
    host: str = "127.0.0.1"
    web_processes: int = Field(default=1, ge=1, le=64)
    channels_file: Path = DEFAULT_CHANNELS_FILE
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    enqueue_timeout_seconds: float = Field(default=3.0, gt=0)
    dedupe_ttl_seconds: int = Field(default=72 * 3600, ge=24 * 3600)
    claim_ttl_seconds: int = Field(default=30, ge=1)
    timestamp_tolerance_seconds: int = Field(default=300, ge=1)
