"""``python -m kiosk.server``: the ``tatami-server`` command."""

from kiosk.server.cli import main

raise SystemExit(main())
