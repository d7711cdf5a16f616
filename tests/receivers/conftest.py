"""A real receiver for the tests in this folder: uvicorn, real Redis and real RabbitMQ."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
import pytest

from queues.settings import BrokerSettings
from receivers.app import ReceiverConfig, create_app
from receivers.channels import load_channels
from receivers.server import SERVER_OPTIONS
from receivers.settings import DEFAULT_CHANNELS_FILE, ReceiverSettings
from tests.support.servers import AppServer
from weir.settings import RedisSettings, ServiceSettings

SHOP_SECRET = "weir-demo-shopify-secret-shop-us"
POS_SECRET = "whsec_d2Vpci1kZW1vLXN0YW5kYXJkLWtleS1wb3MtZXUtMzJi"


@pytest.fixture
def receiver_config(
    service: ServiceSettings, broker_settings: BrokerSettings, redis_settings: RedisSettings
) -> ReceiverConfig:
    receiver = ReceiverSettings(max_body_bytes=64 * 1024)
    channels = load_channels(DEFAULT_CHANNELS_FILE, environ={}, tolerance_seconds=300, production=False)
    return ReceiverConfig(
        service=service, receiver=receiver, broker=broker_settings, redis=redis_settings, channels=channels
    )


@pytest.fixture
def start_receiver(receiver_config: ReceiverConfig) -> Callable[..., object]:
    """Start a receiver (optionally with other settings or a fixed clock) as a context manager
    yielding an httpx client pointed at it."""

    @contextmanager
    def start(
        config: ReceiverConfig = receiver_config, clock: Callable[[], float] | None = None
    ) -> Iterator[httpx.Client]:
        with (
            AppServer(create_app(config, clock=clock), **SERVER_OPTIONS) as server,
            httpx.Client(base_url=server.url, timeout=10) as client,
        ):
            yield client

    return start


@pytest.fixture
def receiver(start_receiver: Callable[..., object]) -> Iterator[httpx.Client]:
    with start_receiver() as client:  # type: ignore[attr-defined]
        yield client
