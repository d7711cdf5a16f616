"""A worker stopped the way process supervisors stop a whole group: SIGTERM to every process."""

from __future__ import annotations

from tests.end_to_end.conftest import Fleet
from tests.support.net import eventually


def test_a_stop_sent_to_the_whole_process_group_lets_the_worker_shut_down_gracefully(fleet: Fleet) -> None:
    # Given a worker process that is consuming its lane,
    worker = fleet.worker("bulk", threads=1)
    eventually(lambda: "Worker process is ready for action" in worker.log(), what="the worker process to boot")

    # when SIGTERM reaches its supervisor and its worker process at once (and the supervisor
    # forwards it to the worker process again),
    worker.stop()

    # then the worker process shuts down as asked once, instead of being killed by the repeat.
    log = worker.log()
    assert "Killing worker process" not in log
    assert "Worker has been shut down" in log
    assert worker.wait(1) == 0
