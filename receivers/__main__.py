"""``python -m receivers``: run the webhook receiver."""

import sys

from receivers.server import main

sys.exit(main())
