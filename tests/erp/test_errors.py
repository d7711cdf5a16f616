"""ERP errors keep what they say when copied (a batch hands each order its own copy) or pickled."""

from __future__ import annotations

import copy
import pickle

from erp.errors import UnknownSku


def test_an_unknown_sku_copied_or_pickled_keeps_its_skus_and_its_message() -> None:
    error = UnknownSku(["SKU-B", "SKU-A"], status=200)

    for again in (copy.copy(error), pickle.loads(pickle.dumps(error))):
        assert (str(again), again.skus, again.status) == (str(error), ("SKU-A", "SKU-B"), 200)
