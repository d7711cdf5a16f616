"""The connections a receiver process shares (Redis for dedupe, RabbitMQ for publishing) and the
intake over them, for the HTTP receiver and the SQS receiver alike."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from typing import Any

from queues.lanes import Lane
from queues.publisher import ConfirmedPublisher
from queues.tally import tally_key
from queues.topology import lane_queues
from queues.upgrade import check_lanes
from receivers.channels import Channel
from receivers.config import ReceiverConfig
from receivers.dedupe import DeliveryLedger
from receivers.intake import Intake
from receivers.pipelined_redis import PipelinedRedis
from weir.stores import async_master_locator

__all__ = ["IntakeRuntime"]

logger = logging.getLogger(__name__)


class IntakeRuntime:
    """An :class:`Intake` for ``channels`` with its own connections.

    Nothing connects here: Redis connects on first use and RabbitMQ in :meth:`start` (or the
    first publish). ``clock`` (Unix seconds) replaces the wall clock for timestamp checks, in tests.
    """

    def __init__(
        self, config: ReceiverConfig, channels: Mapping[str, Channel], clock: Callable[[], float] | None = None
    ) -> None:
        namespace = config.service.namespace
        self._broker_url, self._namespace = str(config.broker.url), namespace
        lanes = {lane: lane_queues(namespace, lane) for lane in Lane}
        deadline = config.receiver.enqueue_timeout_seconds
        self._ledger = DeliveryLedger(
            PipelinedRedis(
                str(config.redis.url),
                timeout=config.redis.timeout_seconds,
                locate=async_master_locator(config.redis),
            ),
            prefix=f"{namespace}:delivery:",
            tally_key=tally_key(namespace),
            seen_ttl_ms=config.receiver.dedupe_ttl_seconds * 1000,
            claim_ttl_ms=config.receiver.claim_ttl_seconds * 1000,
            # A claim is retried while Redis fails over, until the webhook's deadline.
            retry_seconds=deadline,
        )
        # A publish is retried (on another node of a cluster) until the webhook's deadline.
        self._publisher = ConfirmedPublisher(
            config.broker.url, tuple(lanes.values()), connect_timeout=deadline, retry_seconds=deadline
        )
        kwargs: dict[str, Any] = {} if clock is None else {"clock": clock}
        self.intake = Intake(channels, lanes, self._ledger, self._publisher, deadline_seconds=deadline, **kwargs)

    async def start(self) -> None:
        """Replace lanes an earlier Weir left as empty classic queues, then open the RabbitMQ
        connection, warning (not failing) when RabbitMQ is unreachable.

        Raises:
            LaneUpgradeNeeded: a lane is still an earlier Weir's classic queue with work in it.
        """
        await asyncio.to_thread(check_lanes, self._broker_url, self._namespace)
        if not await self._publisher.check():
            logger.warning("RabbitMQ is unreachable at start-up; nothing is enqueued until it is back.")

    async def checks(self) -> dict[str, bool]:
        """Whether RabbitMQ (``broker``) and Redis (``redis``) are reachable now."""
        return {"broker": await self._publisher.check(), "redis": await self._ledger.check()}

    async def close(self) -> None:
        """Wait for pending Redis writes, then close both connections."""
        await self._ledger.close()
        await self._publisher.close()
