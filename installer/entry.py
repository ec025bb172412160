"""Entry point of the frozen build: the same ``main`` as the ``tatami-kiosk`` console script."""

import sys

from kiosk.launch import main

if __name__ == "__main__":
    sys.exit(main())
