"""``python -m outbound``: see :mod:`outbound.process`."""

import sys

from outbound.process import main

sys.exit(main())
