"""``python -m kiosk``: same as the ``tatami-kiosk`` command."""

import sys

from kiosk.launch import main

sys.exit(main())
