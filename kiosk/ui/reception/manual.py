"""Check in by name: for a student without a phone or card, offline too."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.services.checkin import ScanResult
from kiosk.services.reception import StudentMatch
from kiosk.ui.dialogs import muted
from kiosk.ui.icons import belt_icon
from kiosk.ui.operations import DialogOp, LatestOnly
from kiosk.ui.ports import KioskServices
from kiosk.ui.reception.common import show_result_line
from kiosk.ui.tasks import TaskManager

log = logging.getLogger(__name__)
translate = QCoreApplication.translate


class ManualCheckIn(QWidget):
    """Search the roster by name and check the chosen student in (``source=manual``).

    Signals:
        result_made(object): The check-in's :class:`ScanResult`.
    """

    result_made = Signal(object)

    def __init__(self, services: KioskServices, tasks: TaskManager, staff_id: str) -> None:
        super().__init__()
        self._services = services
        self._tasks = tasks
        self._staff_id = staff_id
        self._searching = LatestOnly()
        layout = QVBoxLayout(self)
        layout.addWidget(
            muted(
                translate(
                    "Reception",
                    "For a student without a phone or card. Works offline; recorded as a "
                    "manual check-in with your staff id.",
                )
            )
        )
        self.name_search = QLineEdit()
        self.name_search.setPlaceholderText(translate("Reception", "Type part of a name"))
        self.name_search.setAccessibleName(translate("Reception", "Student name"))
        self.name_search.setClearButtonEnabled(True)
        self.name_search.textChanged.connect(self._on_name_search_text_changed)
        self.name_search.returnPressed.connect(self._on_checkin_button_clicked)
        self.matches = QListWidget()
        self.matches.setAccessibleName(translate("Reception", "Matching students"))
        self.matches.itemActivated.connect(self._on_matches_item_activated)
        self.matches.setIconSize(QSize(44, 22))
        self.checkin_button = QPushButton(translate("Reception", "Check in"))
        self.checkin_button.setProperty("role", "primary")
        self.checkin_button.setAccessibleName(
            translate("Reception", "Check in the selected student")
        )
        self.checkin_button.clicked.connect(self._on_checkin_button_clicked)
        self.result = QLabel()
        self.result.setWordWrap(True)
        layout.addWidget(self.name_search)
        layout.addWidget(self.matches, 1)
        row = QHBoxLayout()
        row.addWidget(self.result, 1)
        row.addWidget(self.checkin_button)
        layout.addLayout(row)
        # A search per pause in typing, not per key.
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(120)
        self._search_timer.timeout.connect(self._on_search_timer_timeout)

    @Slot(str)
    def _on_name_search_text_changed(self, _text: str) -> None:
        self._search_timer.start()

    @Slot()
    def _on_search_timer_timeout(self) -> None:
        text, reception = self.name_search.text(), self._services.reception
        DialogOp(self._tasks, self, lambda: reception.search(text), self._show_matches).latest(
            self._searching
        ).run()

    def _show_matches(self, matches: list[StudentMatch]) -> None:
        self.matches.clear()
        for match in matches:
            item = QListWidgetItem(f"{match.student.display_name}  ·  {match.rank.name}")
            item.setData(Qt.ItemDataRole.UserRole, match.student.id)
            item.setIcon(belt_icon(match.rank.color))
            self.matches.addItem(item)
        if matches:
            self.matches.setCurrentRow(0)

    @Slot(QListWidgetItem)
    def _on_matches_item_activated(self, _item: QListWidgetItem) -> None:
        self._on_checkin_button_clicked()

    @Slot()
    def _on_checkin_button_clicked(self) -> None:
        item = self.matches.currentItem()
        if item is None:
            self.result.setText(translate("Reception", "Pick a student first."))
            return
        student_id = str(item.data(Qt.ItemDataRole.UserRole))
        checkin, staff = self._services.checkin, self._staff_id
        DialogOp(
            self._tasks, self, lambda: checkin.manual_checkin(student_id, staff), self._on_done
        ).busy(self.checkin_button).on_failure(self._on_failed).run()

    def _on_done(self, result: ScanResult) -> None:
        show_result_line(self.result, result)
        self.result_made.emit(result)

    def _on_failed(self, error: BaseException) -> None:
        log.error("manual check-in failed: %s", type(error).__name__)
        self.result.setText(translate("Reception", "Check-in failed: see the health tab."))
