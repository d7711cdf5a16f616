"""How the ERP simulator starts: ``WEIR_SIM_*``, overridden by ``python -m simulator`` options."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["SimulatorSettings"]


class SimulatorSettings(BaseSettings):
    """``WEIR_SIM_*``: where the simulator listens, and the seed of its random draws.

    ``port`` is the public ERP port (the one outages can close); ``admin_port`` serves the same
    application and stays open during every outage, so the admin API is always reachable.
    ``seed`` makes latencies and injected errors repeatable; ``None`` draws from the OS.
    """

    model_config = SettingsConfigDict(env_prefix="WEIR_SIM_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8200, ge=1, le=65535)
    admin_port: int = Field(default=8201, ge=1, le=65535)
    seed: int | None = None
