"""What each lane is doing right now, for ``weir status``, the console and the metrics.

Per lane, in Redis (:class:`~queues.activity.ActivityKeys`): the messages being processed (with
leases, so a worker that died stops counting), the messages waiting out a delay (Dramatiq's
workers hold those unacknowledged, so RabbitMQ's ready count misses them), how many finished in
each of the last two minutes' seconds, and the enqueue time of the last message to start,
which is how old the head of the lane is (a lane is consumed in order). Written through the
background writes: a message never waits for its own bookkeeping.
"""

from __future__ import annotations

import time
from typing import Any

from dramatiq import Broker, Middleware
from dramatiq.broker import MessageProxy
from dramatiq.message import Message

from queues.activity import activity_keys
from queues.topology import lane_of
from throttling.background import BackgroundWrites
from throttling.lean_redis import LuaScript

__all__ = ["LaneActivity"]

# KEYS[1] the lane's in-flight set; KEYS[2] the hash of head times; KEYS[3] the lane's delayed
# set. ARGV: message id, lease expiry (ms), lane, enqueue time (ms), now (ms). Leases that ran
# out (their workers died) are dropped here.
_STARTED = LuaScript(
    'redis.call("ZREMRANGEBYSCORE", KEYS[1], "-inf", ARGV[5])\n'
    'redis.call("ZADD", KEYS[1], ARGV[2], ARGV[1])\n'
    'redis.call("HSET", KEYS[2], ARGV[3], ARGV[4])\n'
    'redis.call("ZREM", KEYS[3], ARGV[1])\n'
    "return 1\n"
)

# KEYS[1] the lane's in-flight set; KEYS[2] its finishes per Unix second (hash). ARGV: message
# id, the second it finished in, 1 if it left the lane (applied or dead-lettered; a deferred or
# retried message comes back). Seconds older than two minutes are dropped as new ones come (all
# at once after an idle spell: the hash expires three minutes after the last finish).
_FINISHED = LuaScript(
    'redis.call("ZREM", KEYS[1], ARGV[1])\n'
    'if ARGV[3] == "1" then\n'
    '  redis.call("HINCRBY", KEYS[2], ARGV[2], 1)\n'
    '  redis.call("HDEL", KEYS[2], tostring(tonumber(ARGV[2]) - 120))\n'
    '  redis.call("EXPIRE", KEYS[2], 180)\n'
    "end\n"
    "return 1\n"
)

# KEYS[1] the lane's delayed set. ARGV: message id, when it is due (ms), the oldest due time
# still worth keeping (ms): ids due long ago are messages that never came back to start (purged
# or dead-lettered while waiting), and would otherwise stay in the set for ever.
_DELAYED = LuaScript(
    'redis.call("ZREMRANGEBYSCORE", KEYS[1], "-inf", "(" .. ARGV[3])\n'
    'redis.call("ZADD", KEYS[1], ARGV[2], ARGV[1])\n'
    "return 1\n"
)

# KEYS[1] the lane's delayed set. ARGV: message id (its delay is over: it is back in the lane).
_UNDELAYED = LuaScript('redis.call("ZREM", KEYS[1], ARGV[1])\nreturn 1\n')

#: How long past its due time a delayed id is kept, in milliseconds.
STALE_DELAY_MS = 3_600_000


class LaneActivity(Middleware):
    """Records starts, delays and finishes per lane; ``lease_ms`` bounds how long a started
    message counts as in flight if its worker dies.

    Put it before the retry policy: after-hooks run in reverse, so it then sees whether the
    policy dead-lettered the message.
    """

    def __init__(self, writes: BackgroundWrites, namespace: str, *, lease_ms: int) -> None:
        self._writes = writes
        self._namespace = namespace
        self._lease_ms = lease_ms

    def after_enqueue(self, broker: Broker, message: Message[Any], delay: int | None) -> None:
        lane = lane_of(message.queue_name)
        if lane is None:
            return
        delayed = activity_keys(self._namespace, lane).delayed
        if not delay:
            # Dramatiq's consumer moved a message whose delay is over back into the lane's queue:
            # it waits there as ready now, and must not count as delayed too.
            self._writes.submit(_UNDELAYED, [delayed], [message.message_id])
            return
        now = int(time.time() * 1000)
        self._writes.submit(_DELAYED, [delayed], [message.message_id, now + delay, now - STALE_DELAY_MS])

    def before_process_message(self, broker: Broker, message: MessageProxy) -> None:
        lane = lane_of(message.queue_name)
        if lane is None:
            return
        keys = activity_keys(self._namespace, lane)
        now = int(time.time() * 1000)
        self._writes.submit(
            _STARTED,
            [keys.inflight, keys.heads, keys.delayed],
            [message.message_id, now + self._lease_ms, lane.value, message.message_timestamp, now],
        )

    def after_process_message(
        self, broker: Broker, message: MessageProxy, *, result: Any = None, exception: BaseException | None = None
    ) -> None:
        self._finished(message, left=exception is None or message.failed)

    def after_skip_message(self, broker: Broker, message: MessageProxy) -> None:
        # A skipped message (a stale state event) is acknowledged: it left the lane.
        self._finished(message, left=True)

    def _finished(self, message: MessageProxy, *, left: bool) -> None:
        lane = lane_of(message.queue_name)
        if lane is None:
            return
        keys = activity_keys(self._namespace, lane)
        self._writes.submit(_FINISHED, [keys.inflight, keys.done], [message.message_id, int(time.time()), int(left)])
