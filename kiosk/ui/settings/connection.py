"""This kiosk's academy and backend: sync now, register again, or sign out and wipe.

Wiping refuses while check-ins wait for upload or sit parked (those facts exist nowhere else)
unless staff confirm a second time that they accept losing them.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.services.reception import RosterFacts
from kiosk.services.setup import SetupError
from kiosk.ui.dialogs import ConfirmDialog, heading
from kiosk.ui.i18n import setup_problem_text
from kiosk.ui.operations import DialogOp
from kiosk.ui.ports import KioskServices
from kiosk.ui.tasks import TaskManager

log = logging.getLogger(__name__)
translate = QCoreApplication.translate


class ConnectionTab(QWidget):
    """Who this kiosk is, and the three things staff do about it.

    Signals:
        reregister_requested(): Staff want to register the kiosk again.
        wiped(): The kiosk signed out and forgot its academy.
    """

    reregister_requested = Signal()
    wiped = Signal()

    def __init__(self, services: KioskServices, tasks: TaskManager) -> None:
        super().__init__()
        self._services = services
        self._tasks = tasks
        self.wipe_confirm: ConfirmDialog | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(heading(translate("Settings", "This kiosk")))
        self.identity_label = QLabel("…")
        self.identity_label.setWordWrap(True)
        self.identity_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.identity_label)
        buttons = QHBoxLayout()
        self.sync_button = QPushButton(translate("Settings", "Sync now"))
        self.sync_button.clicked.connect(self._on_sync_button_clicked)
        self.register_button = QPushButton(translate("Settings", "Register again…"))
        self.register_button.clicked.connect(self.reregister_requested)
        self.wipe_button = QPushButton(translate("Settings", "Sign out and wipe…"))
        self.wipe_button.setProperty("role", "danger")
        self.wipe_button.clicked.connect(self._on_wipe_button_clicked)
        for button in (self.sync_button, self.register_button, self.wipe_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.result = QLabel()
        self.result.setWordWrap(True)
        layout.addWidget(self.result)
        layout.addStretch(1)

    def show_facts(self, facts: RosterFacts) -> None:
        services = self._services
        identity = facts.identity
        lines = [
            translate("Settings", "Academy: %1").replace(
                "%1", identity.tenant_slug if identity else "—"
            ),
            translate("Settings", "Kiosk id: %1").replace(
                "%1", (identity.kiosk_id if identity else None) or "—"
            ),
            translate("Settings", "Server: %1").replace(
                "%1", (identity.api_url if identity else None) or "—"
            ),
            translate("Settings", "Device key: %1").replace(
                "%1",
                translate("Settings", "system keyring")
                if services.vault_persistent
                else translate("Settings", "memory only (sign in again after a restart)"),
            ),
        ]
        self.identity_label.setText("\n".join(lines))
        self.sync_button.setEnabled(services.sync.connected)

    @Slot()
    def _on_sync_button_clicked(self) -> None:
        self._services.sync.nudge()
        self._services.sync.pull_now()
        self.result.setText(translate("Settings", "Syncing…"))

    @Slot()
    def _on_wipe_button_clicked(self) -> None:
        self._confirm(
            translate("Settings", "Sign out and wipe"),
            translate(
                "Settings",
                "This kiosk forgets its academy, roster, PINs and settings, and its device key. "
                "It then needs a new set-up.",
            ),
            translate("Settings", "Sign out and wipe"),
        ).confirmed.connect(self._on_wipe_confirmed)

    def _confirm(self, title: str, question: str, answer: str) -> ConfirmDialog:
        confirm = ConfirmDialog(title, question, answer, self.window(), danger=True)
        confirm.open()
        self.wipe_confirm = confirm
        return confirm

    @Slot()
    def _on_wipe_confirmed(self) -> None:
        self._wipe(force=False)

    def _wipe(self, force: bool) -> None:
        services = self._services

        def wipe() -> None:
            services.sync.stop()
            services.setup.sign_out_and_wipe(force=force)

        DialogOp(self._tasks, self, wipe, self._on_wiped).on_failure(self._on_wipe_failed).run()

    def _on_wiped(self, _none: None) -> None:
        log.info("kiosk signed out and wiped")
        self.wiped.emit()

    def _on_wipe_failed(self, error: BaseException) -> None:
        # Whatever happened, the kiosk keeps syncing what it has.
        DialogOp(self._tasks, self, self._services.sync.restart).run()
        if not isinstance(error, SetupError):
            self.result.setText(translate("Settings", "Wiping failed."))
            return
        # Unsent check-ins: say how many, and let staff decide to lose them knowingly.
        self._confirm(
            translate("Settings", "Check-ins not uploaded"),
            translate("Settings", "%1\n\nWipe anyway and lose them?").replace(
                "%1", setup_problem_text(error)
            ),
            translate("Settings", "Wipe anyway"),
        ).confirmed.connect(self._on_force_confirmed)

    @Slot()
    def _on_force_confirmed(self) -> None:
        self._wipe(force=True)
