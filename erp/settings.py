"""How Weir reaches its ERP. Defaults point at the embedded Tryton that ``make run`` starts."""

from __future__ import annotations

from typing import Literal

from pydantic import AnyHttpUrl, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["ErpSettings"]


class ErpSettings(BaseSettings):
    """``WEIR_ERP_*``: which ERP, where, and as whom.

    ``timeout_seconds`` bounds one HTTP call to the ERP, connection included.
    """

    model_config = SettingsConfigDict(env_prefix="WEIR_ERP_", extra="ignore")

    kind: Literal["tryton"] = "tryton"
    url: AnyHttpUrl = AnyHttpUrl("http://127.0.0.1:8100/")
    database: str = "erp"
    user: str = "weir"
    password: SecretStr = SecretStr("weir-demo-erp-password")
    timeout_seconds: float = Field(default=30.0, gt=0)
