"""``python -m reconcile``: reconcile every channel's orders with the ERP, every few minutes."""

import sys

from reconcile.process import main

sys.exit(main())
