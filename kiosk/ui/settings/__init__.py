"""Settings behind the staff PIN: camera, sound and display, check-in window, PINs, connection.

One module per tab; :mod:`.dialog` holds them together and :mod:`.preferences` the preferences
they share.
"""

from kiosk.ui.settings.dialog import SettingsDialog

__all__ = ["SettingsDialog"]
