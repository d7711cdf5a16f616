"""Weir's kernel: what every other package shares and nothing of Weir's domain.

The root of the error tree (:mod:`weir.errors`), the process-wide settings (:mod:`weir.settings`),
logging, error reporting, the Redis clients and the metrics endpoint. It imports no other Weir
package (``tests/test_layers.py`` holds it to that); the command line lives in :mod:`cli`.
"""
