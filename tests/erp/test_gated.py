"""Every ERP request passes the gate, and the gate hears how each went."""

from __future__ import annotations

import httpx
import pytest

from erp.errors import ErpGateClosed
from erp.gated import GatedTransport
from erp.health import Health, ThrottleSignature


class RecordingGate:
    def __init__(self, refuse: bool = False) -> None:
        self.refuse = refuse
        self.entered = 0
        self.exits: list[tuple[Health, int]] = []

    def enter(self) -> object:
        if self.refuse:
            raise ErpGateClosed("closed", delay_ms=5_000)
        self.entered += 1
        return self.entered

    def exit(self, ticket: object, health: Health, pause_ms: int, latency_ms: float | None = None) -> None:
        self.exits.append((health, pause_ms))


def client(gate: RecordingGate, handler: httpx.MockTransport, resends: int = 10) -> httpx.Client:
    signatures = [ThrottleSignature.parse("400:SSS_REQUEST_LIMIT_EXCEEDED")]
    transport = GatedTransport(handler, gate, signatures, throttle_resends=resends)
    return httpx.Client(transport=transport, base_url="http://erp")


def test_each_request_enters_and_exits_the_gate_with_its_health() -> None:
    answers = iter(
        [
            httpx.Response(200, json={}),
            httpx.Response(429, headers={"Retry-After": "3"}),
            httpx.Response(400, text="SSS_REQUEST_LIMIT_EXCEEDED"),
            httpx.Response(502),
        ]
    )
    gate = RecordingGate()
    with client(gate, httpx.MockTransport(lambda request: next(answers)), resends=0) as http:
        statuses = [http.get("/x").status_code for _ in range(4)]

    assert statuses == [200, 429, 400, 502]
    assert gate.exits == [("ok", 0), ("throttled", 3000), ("throttled", 0), ("failure", 0)]


def test_a_request_that_never_got_an_answer_is_a_failure() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    gate = RecordingGate()
    with client(gate, httpx.MockTransport(refuse)) as http, pytest.raises(httpx.ConnectError):
        http.get("/x")

    assert gate.exits == [("failure", 0)]


def test_a_closed_gate_sends_nothing() -> None:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200)

    gate = RecordingGate(refuse=True)
    with client(gate, httpx.MockTransport(answer)) as http, pytest.raises(ErpGateClosed):
        http.get("/x")

    assert sent == []


def test_a_throttled_request_is_sent_again_through_the_gate() -> None:
    answers = iter([httpx.Response(429, headers={"Retry-After": "1"}), httpx.Response(200, json={"ok": True})])
    gate = RecordingGate()
    with client(gate, httpx.MockTransport(lambda request: next(answers))) as http:
        response = http.put("/orders/1", json={"id": 1})

    assert response.json() == {"ok": True}
    assert gate.exits == [("throttled", 1000), ("ok", 0)]


def test_a_request_throttled_every_time_comes_back_throttled_after_a_bounded_number_of_tries() -> None:
    gate = RecordingGate()
    with client(gate, httpx.MockTransport(lambda request: httpx.Response(429))) as http:
        response = http.get("/x")

    assert response.status_code == 429
    assert len(gate.exits) == 11
