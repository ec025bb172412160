"""The instructor board: every student's progress to the next belt, filtered and explained.

Works from the cached roster (offline too); counts follow the same exact rule as the scan
screen. When the backend is reachable, "Check with TatamiTech" asks for its own evaluation.
:mod:`.filters` and :mod:`.detail` are the two panels; :mod:`.dialog` holds them together.
"""

from kiosk.ui.board.dialog import InstructorBoard

__all__ = ["InstructorBoard"]
