"""``python -m kiosk``: same as the ``tatami-kiosk`` command."""

import sys

from kiosk.app import main

sys.exit(main())
