"""``python -m facilitator``: same as the ``facilitator`` command."""

import sys

from facilitator.cli import main

sys.exit(main())
