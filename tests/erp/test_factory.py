"""build_erp builds the adapter that settings name, over the transport it is given."""

from __future__ import annotations

import httpx
import pytest

from erp.errors import ErpUnavailable
from erp.factory import build_erp
from erp.settings import ErpSettings
from erp.simulator import SimulatorErp
from erp.tryton import TrytonErp


class Refusing:
    """A transport that answers 503 to everything and remembers what it was asked."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(str(request.url))
        return httpx.Response(503)


@pytest.mark.parametrize(
    ("settings", "adapter", "url"),
    [
        (ErpSettings(url="http://tryton.test/"), TrytonErp, "http://tryton.test/erp/rpc/"),
        (ErpSettings(kind="simulator", url="http://simulator.test/"), SimulatorErp, "http://simulator.test/orders/x:1"),
    ],
)
def test_each_kind_builds_its_adapter_and_calls_go_through_the_transport(
    settings: ErpSettings, adapter: type[object], url: str
) -> None:
    refusing = Refusing()
    erp = build_erp(settings, transport=httpx.MockTransport(refusing))
    try:
        with pytest.raises(ErpUnavailable):
            erp.find_sale("x:1")
    finally:
        erp.close()

    assert isinstance(erp, adapter)
    assert refusing.urls[0] == url
