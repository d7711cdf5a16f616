"""The SQS receiver process: ``python -m receivers.sqs`` polls every Amazon channel's queue.

With no Amazon channel configured it idles until stopped instead of exiting, so it can stay in
the Procfile: honcho stops the whole fleet when any process exits.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Mapping

from channels.amazon import AmazonOptions
from receivers.channels import Channel
from receivers.config import ReceiverConfig, build_config
from receivers.runtime import IntakeRuntime
from receivers.sqs.poller import SqsPoller
from receivers.sqs.queue import SqsQueue
from weir.errors import ConfigError
from weir.logs import configure_logging
from weir.reporting import init_reporting

__all__ = ["main", "serve"]

logger = logging.getLogger(__name__)


def main() -> int:
    """Check the settings, then poll until SIGTERM or SIGINT. Returns the process exit status."""
    try:
        config = build_config()
        queues = _queues(config.channels_on("sqs"))
    except ConfigError as exc:
        print(f"weir sqs: {exc}", file=sys.stderr)
        return 2
    configure_logging(config.service.log_level, config.service.log_format)
    init_reporting(config.service)
    asyncio.run(_until_signalled(config, queues))
    return 0


async def serve(config: ReceiverConfig, queues: Mapping[str, SqsQueue], stopping: asyncio.Event) -> None:
    """Poll ``queues`` (by channel name) into the lanes until ``stopping`` is set."""
    if not queues:
        await stopping.wait()
        return
    runtime = IntakeRuntime(config, {name: config.channels[name] for name in queues})
    await runtime.start()
    pollers = [SqsPoller(name, queue, runtime.intake) for name, queue in queues.items()]
    try:
        await asyncio.gather(*(poller.run(stopping) for poller in pollers))
    finally:
        await runtime.close()
    logger.info("Stopped polling %d SQS queues.", len(pollers))


async def _until_signalled(config: ReceiverConfig, queues: Mapping[str, SqsQueue]) -> None:
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    # Announced once a SIGTERM would stop it cleanly: one sent on seeing this line (as a
    # supervisor or a test may) must not meet Python's default handler and kill the process.
    if queues:
        print(f"weir sqs: polling {', '.join(queue.url for queue in queues.values())}", flush=True)
    else:
        print(f"weir sqs: no Amazon channel in {config.receiver.channels_file}; idle until stopped", flush=True)
    await serve(config, queues, stopping)


def _queues(channels: Mapping[str, Channel]) -> dict[str, SqsQueue]:
    queues = {}
    for name, channel in channels.items():
        if not isinstance(channel.options, AmazonOptions):
            raise ConfigError(f"WEIR_CHANNELS_FILE: channel {name} has no SQS queue options")
        try:
            queues[name] = SqsQueue(channel.options)
        except ConfigError as exc:
            raise ConfigError(f"WEIR_CHANNELS_FILE: channel {name}: {exc}") from None
    return queues
