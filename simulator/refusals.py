"""The answers the simulator gives instead of doing the work, shaped like real ERPs give them.

* 503 during an outage;
* 429 with ``Retry-After`` (integer seconds) when the rate limit or a throttle storm refuses;
* 400 whose body names ``SSS_REQUEST_LIMIT_EXCEEDED`` over the concurrency limit, as NetSuite
  answers (it sends no ``Retry-After``);
* 500 for an injected random failure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from starlette.responses import Response

from simulator.answers import json_response

__all__ = ["LIMIT_CODE", "Reason", "Refusal", "over_concurrency", "server_error", "throttled", "unavailable"]

#: NetSuite's error code for "too many concurrent requests".
LIMIT_CODE = "SSS_REQUEST_LIMIT_EXCEEDED"


#: Why a request was refused, as the stats count it.
Reason = Literal["outage", "storm", "rate_limit", "concurrency", "failure"]


@dataclass(frozen=True)
class Refusal:
    """An answer that replaces the ERP's work, and why."""

    reason: Reason
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)

    def response(self) -> Response:
        return json_response(self.body, self.status, self.headers)


def unavailable() -> Refusal:
    return Refusal("outage", 503, {"error": "unavailable", "message": "the ERP is down (simulated outage)"})


def throttled(wait_seconds: float, reason: Reason = "rate_limit") -> Refusal:
    """429 asking to come back in ``wait_seconds``, rounded up to whole seconds, at least 1."""
    retry_after = max(1, math.ceil(wait_seconds))
    body = {"error": "rate_limited", "message": f"too many requests; retry in {retry_after} s"}
    return Refusal(reason, 429, body, {"Retry-After": str(retry_after)})


def over_concurrency(limit: int) -> Refusal:
    message = f"Only {limit} concurrent request(s) are allowed; wait for one to finish."
    return Refusal("concurrency", 400, {"error": {"code": LIMIT_CODE, "message": message}})


def server_error() -> Refusal:
    return Refusal("failure", 500, {"error": "internal", "message": "unexpected error (simulated failure)"})
