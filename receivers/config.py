"""What a receiver process needs, read once at its entry point: the HTTP receiver's and the SQS
receiver's settings, connections and channels."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from queues.settings import BrokerSettings
from receivers.channels import Channel, load_channels
from receivers.settings import ReceiverSettings
from weir.settings import RedisSettings, ServiceSettings, load

__all__ = ["ReceiverConfig", "build_config"]


@dataclass(frozen=True)
class ReceiverConfig:
    """Everything a receiver process needs, built once at its entry point."""

    service: ServiceSettings
    receiver: ReceiverSettings
    broker: BrokerSettings
    redis: RedisSettings
    channels: Mapping[str, Channel]

    def channels_on(self, transport: str) -> dict[str, Channel]:
        """The channels whose provider delivers over ``transport`` (``http`` or ``sqs``)."""
        return {name: channel for name, channel in self.channels.items() if channel.provider.transport == transport}


def build_config() -> ReceiverConfig:
    """Read every setting a receiver needs from the environment.

    Raises:
        ConfigError: naming the first bad setting.
    """
    service = load(ServiceSettings)
    receiver = load(ReceiverSettings)
    channels = load_channels(
        receiver.channels_file,
        environ=os.environ,
        tolerance_seconds=receiver.timestamp_tolerance_seconds,
        production=service.production,
    )
    return ReceiverConfig(
        service=service,
        receiver=receiver,
        broker=load(BrokerSettings),
        redis=load(RedisSettings),
        channels=channels,
    )
