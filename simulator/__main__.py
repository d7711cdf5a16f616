"""``python -m simulator``: run the ERP simulator."""

import sys

from simulator.server import main

sys.exit(main())
