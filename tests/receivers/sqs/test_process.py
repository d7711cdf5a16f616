"""``python -m receivers.sqs`` as a real process, as the Procfile runs it."""

from __future__ import annotations

from pathlib import Path

from queues.lanes import Lane
from queues.topology import lane_queues
from samples.payloads import amazon_order_change, encode
from tests.support.net import eventually
from tests.support.rabbit import RabbitProbe
from tests.support.servers import ServiceProcess
from tests.support.sqs import SqsProbe

SQS_RECEIVER = ["-m", "receivers.sqs"]


def test_the_sqs_receiver_moves_a_notification_into_its_lane_and_deletes_it(
    tmp_path: Path,
    channels_file: Path,
    sqs_probe: SqsProbe,
    aws_env: dict[str, str],
    rabbit: RabbitProbe,
    namespace: str,
) -> None:
    env = {**aws_env, "WEIR_CHANNELS_FILE": str(channels_file), "WEIR_NAMESPACE": namespace}
    process = ServiceProcess(SQS_RECEIVER, env, tmp_path / "sqs.log").start()
    try:
        sqs_probe.send(encode(amazon_order_change("903-9")))

        ready = lane_queues(namespace, Lane.STANDARD).ready
        eventually(lambda: rabbit.count(ready) == 1, timeout=20, interval=0.2, what=f"the event in {ready}")
        eventually(lambda: sqs_probe.left() == 0, timeout=20, interval=0.2, what="the message to be deleted")
    finally:
        process.stop(timeout=30)

    assert process.wait(1) == 0, process.log()


def test_with_no_amazon_channel_the_sqs_receiver_idles_until_stopped(tmp_path: Path, namespace: str) -> None:
    # honcho stops the whole fleet when one process exits: an idle receiver must stay up.
    channels = tmp_path / "channels.toml"
    channels.write_text('[channels.shop]\nprovider = "shopify"\nsecrets = ["s"]\n')
    env = {"WEIR_CHANNELS_FILE": str(channels), "WEIR_NAMESPACE": namespace}
    process = ServiceProcess(SQS_RECEIVER, env, tmp_path / "sqs.log").start()
    try:
        eventually(lambda: "idle until stopped" in process.log(), timeout=20, what="the idle notice")
        assert process.alive()
    finally:
        process.stop(timeout=10)

    assert process.wait(1) == 0, process.log()
