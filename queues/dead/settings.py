"""How long dead letters are kept and how often one may be replayed."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from queues.dead.store import DEFAULT_MAX_ENTRIES

__all__ = ["DeadLetterSettings"]


class DeadLetterSettings(BaseSettings):
    """``WEIR_DEAD_LETTER_MAX_ENTRIES``: how many dead-letter reasons Redis keeps (the oldest go
    first; their messages stay in RabbitMQ). ``WEIR_DEAD_LETTER_REPLAY_LIMIT``: how many times a
    dead letter may be replayed; one that dies again after that is quarantined instead.
    """

    model_config = SettingsConfigDict(env_prefix="WEIR_DEAD_LETTER_", extra="ignore")

    max_entries: int = Field(default=DEFAULT_MAX_ENTRIES, ge=100)
    replay_limit: int = Field(default=3, ge=1)
