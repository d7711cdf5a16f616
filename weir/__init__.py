"""Weir: webhooks in, an ERP that never drowns out.

This package holds what every other package shares: the root of the error tree, the command line,
process-wide logging and error reporting. Nothing here imports Weir's domain packages at import time.
"""
