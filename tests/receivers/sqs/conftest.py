"""An Amazon channel on a fresh local SQS queue, for the tests in this folder."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from receivers.channels import load_channels
from receivers.config import ReceiverConfig
from tests.support.sqs import SqsProbe

CHANNEL = "amazon-test"


@pytest.fixture
def channels_file(tmp_path: Path, sqs_endpoint: str, sqs_queue: str) -> Path:
    path = tmp_path / "channels.toml"
    path.write_text(
        f'[channels.{CHANNEL}]\nprovider = "amazon"\n'
        f'options = {{ queue_url = "{sqs_queue}", endpoint_url = "{sqs_endpoint}", wait_seconds = 1 }}\n'
    )
    return path


@pytest.fixture
def amazon_config(receiver_config: ReceiverConfig, channels_file: Path) -> ReceiverConfig:
    channels = load_channels(channels_file, environ={}, tolerance_seconds=300, production=False)
    return dataclasses.replace(receiver_config, channels=channels)


@pytest.fixture
def sqs_probe(sqs_endpoint: str, sqs_queue: str) -> SqsProbe:
    return SqsProbe(sqs_endpoint, sqs_queue)
