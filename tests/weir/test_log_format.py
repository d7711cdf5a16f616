"""Log lines as people and machines read them, through the handler ``configure_logging`` installs."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from weir import log_context
from weir.logs import LogFormat, configure_logging


@pytest.fixture
def configured() -> Iterator[None]:
    root = logging.getLogger()
    saved = (root.level, list(root.handlers), logging.getLogRecordFactory())
    yield
    root.setLevel(saved[0])
    root.handlers[:] = saved[1]
    logging.setLogRecordFactory(saved[2])


def lines(log_format: LogFormat, write: object) -> list[str]:
    configure_logging("INFO", log_format)
    stream = io.StringIO()
    logging.getLogger().handlers[0].setStream(stream)  # type: ignore[attr-defined]
    write()  # type: ignore[operator]
    return stream.getvalue().splitlines()


def test_json_lines_carry_the_time_level_logger_message_and_bound_ids(configured: object) -> None:
    def write() -> None:
        with log_context.bound(correlation_id="c-9", channel="shop-us", event_id="e-9", erp_reference="shop-us:9"):
            logging.getLogger("tasks.orders").info("Order %s is sale %s.", 9, "S-9")

    [line] = lines("json", write)

    entry = json.loads(line)
    assert entry["level"] == "INFO"
    assert entry["logger"] == "tasks.orders"
    assert entry["message"] == "Order 9 is sale S-9."
    assert entry["ts"].endswith("+00:00")
    assert {key: entry[key] for key in ("correlation_id", "channel", "event_id", "erp_reference")} == {
        "correlation_id": "c-9",
        "channel": "shop-us",
        "event_id": "e-9",
        "erp_reference": "shop-us:9",
    }


def test_a_json_line_keeps_its_traceback_in_one_line(configured: object) -> None:
    def write() -> None:
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            logging.getLogger("workers").exception("It broke.")

    [line] = lines("json", write)

    entry = json.loads(line)
    assert "RuntimeError: boom" in entry["exception"]
    assert "correlation_id" not in entry


def test_text_lines_end_with_the_bound_ids(configured: object) -> None:
    def write() -> None:
        logging.getLogger("receivers.intake").info("Nothing bound.")
        with log_context.bound(correlation_id="c-7", event_id="e-7"):
            logging.getLogger("receivers.intake").info("Accepted event %s.", "e-7")

    plain, tagged = lines("text", write)

    assert plain.endswith("receivers.intake: Nothing bound.")
    assert tagged.endswith("receivers.intake: Accepted event e-7. [correlation_id=c-7 event_id=e-7]")
