"""``python -m console``: run the on-call web console."""

import sys

from console.server import main

sys.exit(main())
