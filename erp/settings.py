"""How Weir reaches its ERP. Defaults point at the embedded Tryton that ``make run`` starts."""

from __future__ import annotations

from typing import Literal

from pydantic import AnyHttpUrl, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from erp.health import ThrottleSignature

__all__ = ["ErpSettings"]


class ErpSettings(BaseSettings):
    """``WEIR_ERP_*``: which ERP, where, and as whom.

    ``kind`` is ``tryton`` (the embedded ERP) or ``simulator`` (``python -m simulator``, for load
    tests and benchmarks; it ignores ``database``, ``user`` and ``password``).

    ``timeout_seconds`` bounds one HTTP call to the ERP, connection included.
    ``batch_max`` is the most new orders a worker process writes to the ERP in one call (its
    threads hand them to one writer while a backlog waits; 1 writes each order on its own).
    ``resume_after_seconds`` is how long after a sale's last write another worker leaves it to
    the worker that wrote it: an order whose unsettled sale was written more recently is retried
    later instead of driven on alongside that worker (on SQLite two workers driving one sale can
    ship it twice); a sale left longer than this is taken to be an interrupted attempt's, and
    driven on. It compares Tryton's timestamps with this host's clock.
    ``throttle_signatures`` are the answers (``<status>:<text in the body>``) by which this ERP
    says it is overloaded, besides 429: they pause the fleet instead of counting as failures.
    """

    model_config = SettingsConfigDict(env_prefix="WEIR_ERP_", extra="ignore")

    kind: Literal["tryton", "simulator"] = "tryton"
    url: AnyHttpUrl = AnyHttpUrl("http://127.0.0.1:8100/")
    database: str = "erp"
    user: str = "weir"
    password: SecretStr = SecretStr("weir-demo-erp-password")
    timeout_seconds: float = Field(default=30.0, gt=0)
    batch_max: int = Field(default=20, ge=1)
    resume_after_seconds: float = Field(default=30.0, ge=0)
    throttle_signatures: list[str] = Field(
        default_factory=lambda: ["400:SSS_REQUEST_LIMIT_EXCEEDED", "503:database is locked"]
    )

    @field_validator("throttle_signatures")
    @classmethod
    def _readable(cls, value: list[str]) -> list[str]:
        for text in value:
            ThrottleSignature.parse(text)
        return value

    def signatures(self) -> tuple[ThrottleSignature, ...]:
        """The throttle signatures, parsed."""
        return tuple(ThrottleSignature.parse(text) for text in self.throttle_signatures)
