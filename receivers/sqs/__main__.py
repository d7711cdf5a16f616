"""``python -m receivers.sqs``: poll the Amazon channels' SQS queues into the lanes."""

import sys

from receivers.sqs.process import main

sys.exit(main())
