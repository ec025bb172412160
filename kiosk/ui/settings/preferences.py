"""The preferences a settings screen edits, saved from any of its tabs."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QLabel, QWidget

from kiosk.services.preferences import KioskPreferences
from kiosk.ui.operations import DialogOp
from kiosk.ui.ports import KioskServices
from kiosk.ui.tasks import TaskManager

translate = QCoreApplication.translate


class PreferencesEditor(QObject):
    """The settings' current preferences; each tab changes its part and saves.

    Signals:
        saved(object): The stored :class:`KioskPreferences`.
    """

    saved = Signal(object)

    def __init__(
        self,
        services: KioskServices,
        tasks: TaskManager,
        preferences: KioskPreferences,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._tasks = tasks
        self.current = preferences

    def save(
        self,
        screen: QWidget,
        change: Callable[[KioskPreferences], KioskPreferences],
        label: QLabel | None = None,
    ) -> None:
        """Store ``change(current)`` on a worker; ``label`` says "Saved." when it is."""
        service, wanted = self._services.preferences, change(self.current)

        def stored(preferences: KioskPreferences) -> None:
            self.current = preferences
            if label is not None:
                label.setText(translate("Settings", "Saved."))
            self.saved.emit(preferences)

        DialogOp(self._tasks, screen, lambda: service.save(wanted), stored).run()
