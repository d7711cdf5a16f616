"""Signed sample webhooks as each provider sends them, for `weir send-sample`, the tests and the benchmarks."""

__all__: list[str] = []
