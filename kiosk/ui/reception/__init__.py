"""Reception tools: check in by name, recent scans and overrides, parked uploads, health.

Everything works offline. A manual check-in or an override goes through the same check-in
service as a scan (``source=manual``, staff id recorded, audited and synced) and shows on the
scan screen like any other result. One module per tab; :mod:`.dialog` holds them together.
"""

from kiosk.ui.reception.dialog import ReceptionDialog

__all__ = ["ReceptionDialog"]
