"""Reception tools: check in by name, recent scans and overrides, parked uploads, health.

Everything works offline. A manual check-in or an override goes through the same check-in
service as a scan (``source=manual``, staff id recorded, audited and synced) and shows on the
scan screen like any other result.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.decision import OUTCOME_TONE
from kiosk.domain.ports import SyncState
from kiosk.services.checkin import OverrideError, ScanResult
from kiosk.services.reception import ScanRow, StudentMatch, diagnostics_files
from kiosk.services.sync import SyncStatus
from kiosk.ui.dialogs import StaffDialog, heading, muted
from kiosk.ui.i18n import (
    ago_text,
    camera_state_name,
    format_date_time,
    freshness_name,
    outcome_headline,
    override_problem_text,
    scan_reason,
    server_refusal,
    source_name,
    staff_needed_text,
    sync_state_name,
)
from kiosk.ui.icons import belt_icon, outcome_icon
from kiosk.ui.ports import KioskServices
from kiosk.ui.sounds import sound_status_text
from kiosk.ui.tasks import TaskManager
from kiosk.ui.theme import style_for

log = logging.getLogger(__name__)
translate = QCoreApplication.translate


def _table(headers: Sequence[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setIconSize(QSize(26, 26))
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(44)
    header = table.horizontalHeader()
    for column in range(len(headers)):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
    return table


def _when(instant: datetime, zone: ZoneInfo | None = None) -> str:
    """A time as staff read it: in the academy's time zone (like the status strip)."""
    return format_date_time(instant, zone, seconds=True)


def _reason(row: ScanRow) -> tuple[str, str]:
    """The reason column of a scan, for staff, and its technical hint (the raw code)."""
    record = row.record
    if record.sync_state is SyncState.PARKED and row.reason:
        return server_refusal(row.reason), _technical(row.reason)
    if not record.detail:
        return "", ""  # the result column says it all (expired, another academy...)
    # A code this version does not know falls back to the outcome: never a raw code as text.
    text = scan_reason(record.detail) or outcome_headline(record.outcome)
    return text, _technical(record.detail)


def _technical(detail: str) -> str:
    return translate("Reception", "Technical detail: %1").replace("%1", detail)


class ReceptionDialog(StaffDialog):
    """Staff tools for the front desk.

    Signals:
        result_made(object): A manual check-in or override produced a :class:`ScanResult`.
    """

    result_made = Signal(object)

    def __init__(
        self,
        services: KioskServices,
        tasks: TaskManager,
        staff_id: str,
        health_extra: Callable[[], Mapping[str, Any]],
        parent: QWidget | None,
        *,
        zone: ZoneInfo | None = None,
    ) -> None:
        super().__init__(translate("Reception", "Reception"), parent)
        self._zone = zone
        self._services = services
        self._tasks = tasks
        self._staff_id = staff_id
        self._health_extra = health_extra
        self._search_generation = 0
        self.health_values: dict[str, str] = {}
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(translate("Reception", "Reception tools"))
        self.tabs.addTab(self._build_manual(), translate("Reception", "Check in by name"))
        self.tabs.addTab(self._build_recent(), translate("Reception", "Recent scans"))
        self.tabs.addTab(self._build_parked(), translate("Reception", "Needs attention"))
        self.tabs.addTab(self._build_health(), translate("Reception", "Health"))
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.body.addWidget(self.tabs, 1)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(120)
        self._search_timer.timeout.connect(self._on_search_timer_timeout)
        self._health_timer = QTimer(self)
        self._health_timer.setInterval(2000)
        self._health_timer.timeout.connect(self._on_health_timer_timeout)
        self.name_search.setFocus()

    # -- check in by name -------------------------------------------------------------------

    def _build_manual(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
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
        self.manual_result = QLabel()
        self.manual_result.setWordWrap(True)
        layout.addWidget(self.name_search)
        layout.addWidget(self.matches, 1)
        row = QHBoxLayout()
        row.addWidget(self.manual_result, 1)
        row.addWidget(self.checkin_button)
        layout.addLayout(row)
        return page

    @Slot(str)
    def _on_name_search_text_changed(self, _text: str) -> None:
        self._search_timer.start()

    @Slot()
    def _on_search_timer_timeout(self) -> None:
        self._search_generation += 1
        generation = self._search_generation
        text = self.name_search.text()
        reception = self._services.reception

        def done(matches: list[StudentMatch]) -> None:
            if generation == self._search_generation:
                self._show_matches(matches)

        self._tasks.run(lambda: reception.search(text), done, owner=self)

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
            self.manual_result.setText(translate("Reception", "Pick a student first."))
            return
        student_id = str(item.data(Qt.ItemDataRole.UserRole))
        checkin, staff = self._services.checkin, self._staff_id
        self.checkin_button.setEnabled(False)
        self._tasks.run(
            lambda: checkin.manual_checkin(student_id, staff),
            self._on_manual_done,
            self._on_manual_failed,
        )

    def _on_manual_done(self, result: ScanResult) -> None:
        self.checkin_button.setEnabled(True)
        self._show_result_line(self.manual_result, result)
        self.result_made.emit(result)
        self.refresh_recent()

    def _on_manual_failed(self, error: BaseException) -> None:
        self.checkin_button.setEnabled(True)
        log.error("manual check-in failed: %s", type(error).__name__)
        self.manual_result.setText(translate("Reception", "Check-in failed: see the health tab."))

    @staticmethod
    def _show_result_line(label: QLabel, result: ScanResult) -> None:
        style = style_for(result.outcome, result.tone)
        name = result.display_name or ""
        label.setText(outcome_headline(result.outcome) + (f": {name}" if name else ""))
        label.setStyleSheet(
            f"background: {style.fill}; color: {style.ink}; border-radius: 10px;"
            " padding: 8px 14px; font-weight: 700;"
        )

    # -- recent scans and overrides ---------------------------------------------------------

    def _build_recent(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.recent_table = _table(
            [
                translate("Reception", "Time"),
                translate("Reception", "Result"),
                translate("Reception", "Student"),
                translate("Reception", "Source"),
                translate("Reception", "Upload"),
                translate("Reception", "Reason"),
            ],
            translate("Reception", "Recent scans"),
        )
        self.recent_table.itemSelectionChanged.connect(self._on_recent_table_selection_changed)
        layout.addWidget(self.recent_table, 1)
        layout.addWidget(heading(translate("Reception", "Check in anyway")))
        layout.addWidget(
            muted(
                translate(
                    "Reception",
                    "Pick a failed scan of a known student (e.g. an expired pass you checked by "
                    "hand), say why, and confirm. The override is audited and synced.",
                )
            )
        )
        row = QHBoxLayout()
        self.override_note = QLineEdit()
        self.override_note.setPlaceholderText(translate("Reception", "Note (required)"))
        self.override_note.setAccessibleName(translate("Reception", "Override note"))
        self.override_note.setMaxLength(500)
        self.override_button = QPushButton(translate("Reception", "Check in anyway"))
        self.override_button.setProperty("role", "primary")
        self.override_button.setEnabled(False)
        self.override_button.clicked.connect(self._on_override_button_clicked)
        refresh = QPushButton(translate("Reception", "Refresh"))
        refresh.clicked.connect(self._on_refresh_button_clicked)
        row.addWidget(self.override_note, 1)
        row.addWidget(self.override_button)
        row.addWidget(refresh)
        layout.addLayout(row)
        self.override_result = QLabel()
        self.override_result.setWordWrap(True)
        layout.addWidget(self.override_result)
        self._recent_rows: list[ScanRow] = []
        return page

    def refresh_recent(self) -> None:
        reception = self._services.reception
        self._tasks.run(lambda: reception.recent(100), self._show_recent)

    def _show_recent(self, rows: list[ScanRow]) -> None:
        self._recent_rows = rows
        table = self.recent_table
        table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            record = row.record
            style = style_for(record.outcome, OUTCOME_TONE[record.outcome])
            reason, hint = _reason(row)
            cells = (
                _when(record.scanned_at, self._zone),
                outcome_headline(record.outcome),
                row.display_name or "—",
                source_name(record.source),
                sync_state_name(record.sync_state),
                reason,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, record.scan_id)
                if column == 1:
                    item.setIcon(outcome_icon(style.shape, style.glyph, style.fill))
                if column == len(cells) - 1 and hint:
                    item.setToolTip(hint)
                table.setItem(index, column, item)

    def recent_outcomes(self) -> list[str]:
        return [row.record.outcome.value for row in self._recent_rows]

    def recent_cells(self, row: int) -> list[str]:
        """The texts of one row of the recent-scans table, as shown."""
        table = self.recent_table
        return [
            item.text() if (item := table.item(row, column)) else ""
            for column in range(table.columnCount())
        ]

    def _selected_recent(self) -> ScanRow | None:
        rows = {r.record.scan_id: r for r in self._recent_rows}
        items = self.recent_table.selectedItems()
        return rows.get(str(items[0].data(Qt.ItemDataRole.UserRole))) if items else None

    @Slot()
    def _on_recent_table_selection_changed(self) -> None:
        row = self._selected_recent()
        self.override_button.setEnabled(row is not None and row.overridable)

    def select_recent(self, scan_id: str) -> None:
        for index, row in enumerate(self._recent_rows):
            if row.record.scan_id == scan_id:
                self.recent_table.selectRow(index)

    @Slot()
    def _on_override_button_clicked(self) -> None:
        row = self._selected_recent()
        note = self.override_note.text().strip()
        if row is None or not row.overridable:
            return
        if not note:
            self.override_result.setText(translate("Reception", "An override needs a note."))
            self.override_note.setFocus()
            return
        checkin, staff, scan_id = self._services.checkin, self._staff_id, row.record.scan_id
        self.override_button.setEnabled(False)
        self._tasks.run(
            lambda: checkin.override_scan(scan_id, staff, note),
            self._on_override_done,
            self._on_override_failed,
        )

    def _on_override_done(self, result: ScanResult) -> None:
        self.override_note.clear()
        self._show_result_line(self.override_result, result)
        self.result_made.emit(result)
        self.refresh_recent()

    def _on_override_failed(self, error: BaseException) -> None:
        if isinstance(error, OverrideError):
            self.override_result.setText(
                translate("Reception", "Not possible: %1").replace(
                    "%1", override_problem_text(error)
                )
            )
        else:
            log.error("override failed: %s", type(error).__name__)
            self.override_result.setText(translate("Reception", "The override was not saved."))
        self._on_recent_table_selection_changed()

    @Slot()
    def _on_refresh_button_clicked(self) -> None:
        self.refresh_recent()

    # -- parked -----------------------------------------------------------------------------

    def _build_parked(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(
            muted(
                translate(
                    "Reception",
                    "Check-ins the TatamiTech server refused. They are kept here and never "
                    "block the others. Fix the cause in TatamiTech, then send them again.",
                )
            )
        )
        self.parked_table = _table(
            [
                translate("Reception", "Time"),
                translate("Reception", "Student"),
                translate("Reception", "Reason"),
            ],
            translate("Reception", "Parked check-ins"),
        )
        layout.addWidget(self.parked_table, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.requeue_button = QPushButton(translate("Reception", "Send again"))
        self.requeue_button.setProperty("role", "primary")
        self.requeue_button.clicked.connect(self._on_requeue_button_clicked)
        row.addWidget(self.requeue_button)
        layout.addLayout(row)
        self._parked_rows: list[ScanRow] = []
        return page

    def refresh_parked(self) -> None:
        self._tasks.run(self._services.reception.parked, self._show_parked)

    def _show_parked(self, rows: list[ScanRow]) -> None:
        self._parked_rows = rows
        self.parked_table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            cells = (
                _when(row.record.scanned_at, self._zone),
                row.display_name or "—",
                server_refusal(row.reason),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, row.record.scan_id)
                if column == len(cells) - 1:
                    item.setToolTip(_technical(row.reason))
                self.parked_table.setItem(index, column, item)
        self.requeue_button.setEnabled(bool(rows))

    @Slot()
    def _on_requeue_button_clicked(self) -> None:
        items = self.parked_table.selectedItems()
        if not items:
            return
        scan_id = str(items[0].data(Qt.ItemDataRole.UserRole))
        reception, sync = self._services.reception, self._services.sync

        def requeue() -> bool:
            done = reception.requeue(scan_id)
            sync.nudge()
            return done

        self._tasks.run(requeue, self._on_requeued)

    def _on_requeued(self, _done: bool) -> None:
        self.refresh_parked()

    # -- health -----------------------------------------------------------------------------

    def _build_health(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.health_form = QFormLayout()
        self.health_form.setHorizontalSpacing(28)
        self.health_form.setVerticalSpacing(10)
        self._health_labels: dict[str, QLabel] = {}
        for key, title in self._health_titles():
            label = QLabel("…")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setAccessibleName(title)
            self._health_labels[key] = label
            self.health_form.addRow(title, label)
        layout.addLayout(self.health_form)
        layout.addStretch(1)
        row = QHBoxLayout()
        self.sync_button = QPushButton(translate("Reception", "Sync now"))
        self.sync_button.clicked.connect(self._on_sync_button_clicked)
        self.export_button = QPushButton(translate("Reception", "Export diagnostics…"))
        self.export_button.setAccessibleName(
            translate("Reception", "Export a diagnostics bundle without personal data")
        )
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.export_result = QLabel()
        self.export_result.setWordWrap(True)
        row.addWidget(self.sync_button)
        row.addWidget(self.export_button)
        row.addWidget(self.export_result, 1)
        layout.addLayout(row)
        return page

    @staticmethod
    def _health_titles() -> list[tuple[str, str]]:
        return [
            ("connection", translate("Reception", "Connection")),
            ("queue", translate("Reception", "Waiting to upload")),
            ("parked", translate("Reception", "Parked")),
            ("events", translate("Reception", "Events waiting")),
            ("lastUpload", translate("Reception", "Last upload")),
            ("lastPull", translate("Reception", "Last roster pull")),
            ("roster", translate("Reception", "Roster")),
            ("keys", translate("Reception", "Signing key ids")),
            ("camera", translate("Reception", "Camera")),
            ("decode", translate("Reception", "Decoding")),
            ("latency", translate("Reception", "Scan to result")),
            ("clock", translate("Reception", "Clock offset")),
            ("sound", translate("Reception", "Sound")),
            ("token", translate("Reception", "Device token")),
            ("version", translate("Reception", "Version")),
        ]

    def refresh_health(self) -> None:
        services, extra = self._services, self._health_extra

        def gather() -> dict[str, Any]:
            status = services.sync.status()
            return {
                "status": status,
                "facts": services.reception.roster_facts(),
                "camera": services.camera.stats(),
                "latency": services.coordinator.latency_ms(),
                "extra": dict(extra()),
                "now": services.clock.now(),
            }

        self._tasks.run(gather, self._show_health)

    def _show_health(self, data: Mapping[str, Any]) -> None:
        status: SyncStatus = data["status"]
        facts, camera = data["facts"], data["camera"]
        latency, extra = data["latency"], data["extra"]
        now: datetime = data["now"]

        def when(value: datetime | None) -> str:
            return _when(value, self._zone) if value else translate("Reception", "never")

        if not self._services.sync.connected:
            connection = translate("Reception", "not registered (offline roster)")
        elif status.staff_needed:
            connection = translate("Reception", "staff needed: %1").replace(
                "%1", staff_needed_text(status.staff_needed_reason, status.staff_needed)
            )
        elif status.online:
            connection = translate("Reception", "online")
        else:
            connection = translate("Reception", "offline (%1)").replace(
                "%1", status.last_error or "?"
            )
        values = {
            "connection": connection,
            "queue": str(status.pending),
            "parked": str(status.parked),
            "events": str(status.events_pending),
            "lastUpload": when(status.last_upload_at),
            "lastPull": when(status.last_pull_at),
            "roster": translate("Reception", "%1 students, seq %2, updated %3 (%4)")
            .replace("%1", str(status.roster_students))
            .replace("%2", str(status.roster_seq))
            .replace(
                "%3",
                ago_text(now - status.roster_pulled_at)
                if status.roster_pulled_at
                else translate("Reception", "never"),
            )
            .replace("%4", freshness_name(status.roster_freshness)),
            "keys": ", ".join(facts.key_ids) or "—",
            "camera": translate("Reception", "%1, %2 fps")
            .replace("%1", camera_state_name(camera.camera_state))
            .replace("%2", str(camera.capture_fps)),
            "decode": translate("Reception", "%1 frames/s, %2 ms (p50), engine %3")
            .replace("%1", str(camera.decode_fps))
            .replace("%2", str(camera.decode_ms_p50))
            .replace("%3", camera.engine or "?")
            # Fewer frames while nobody is at the camera is by design, not a slow decoder.
            + (
                translate("Reception", " (idle: fewer frames until a code shows)")
                if camera.idle
                else ""
            ),
            "latency": (
                translate("Reception", "%1 ms (p50), %2 ms (p95)")
                .replace("%1", f"{latency['p50']:.0f}")
                .replace("%2", f"{latency['p95']:.0f}")
                if latency
                else "—"
            ),
            "clock": translate("Reception", "%1 s").replace(
                "%1", f"{status.clock_offset_ms / 1000:+.1f}"
            )
            + (" ⚠" if status.clock_skew_warning else ""),
            "sound": sound_status_text(str(extra.get("sound", ""))),
            "token": (
                translate("Reception", "in the OS keyring")
                if self._services.vault_persistent
                else translate("Reception", "in memory only: sign in again after a restart")
            ),
            "version": self._services.version,
        }
        self.health_values = values
        for key, value in values.items():
            self._health_labels[key].setText(value)

    @Slot()
    def _on_health_timer_timeout(self) -> None:
        self.refresh_health()

    @Slot()
    def _on_sync_button_clicked(self) -> None:
        self._services.sync.nudge()
        self._services.sync.pull_now()
        self.refresh_health()

    @Slot()
    def _on_export_button_clicked(self) -> None:
        folder = self._services.export_dir or Path.home()
        stamp = self._services.clock.now().astimezone().strftime("%Y%m%d-%H%M%S")
        default = folder / f"tatami-kiosk-diagnostics-{stamp}.zip"
        chooser = QFileDialog(self, translate("Reception", "Save diagnostics bundle"))
        chooser.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        chooser.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        chooser.setNameFilter(translate("Reception", "Zip files (*.zip)"))
        chooser.selectFile(str(default))
        chooser.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        chooser.fileSelected.connect(self._on_chooser_file_selected)
        chooser.open()

    @Slot(str)
    def _on_chooser_file_selected(self, path: str) -> None:
        self.export_diagnostics(Path(path))

    def export_diagnostics(self, path: Path) -> None:
        """Write a redacted diagnostics bundle to ``path`` (on a worker)."""
        services, extra = self._services, self._health_extra
        self.export_button.setEnabled(False)
        self.export_result.setText(translate("Reception", "Exporting…"))

        def export() -> Path:
            status = services.sync.status()
            files = diagnostics_files(
                status=status.to_json(),
                health={
                    "camera": asdict(services.camera.stats()),
                    "latencyMs": services.coordinator.latency_ms(),
                    "roster": services.reception.roster_facts().to_json(),
                    "ui": dict(extra()),
                    "tokenStorage": "keyring" if services.vault_persistent else "memory",
                },
                counts={
                    "pending": status.pending,
                    "parked": status.parked,
                    "eventsPending": status.events_pending,
                    "recentOutcomes": _outcome_counts(services.reception.recent(500)),
                },
                log_lines=services.diagnostics.recent_log_lines(),
                names=services.reception.known_names(),
                generated_at=services.clock.now(),
            )
            return services.diagnostics.write_bundle(path, files)

        self._tasks.run(export, self._on_exported, self._on_export_failed)

    def _on_exported(self, path: Path) -> None:
        self.export_button.setEnabled(True)
        self.export_result.setText(translate("Reception", "Saved: %1").replace("%1", str(path)))
        log.info("diagnostics bundle written")

    def _on_export_failed(self, error: BaseException) -> None:
        self.export_button.setEnabled(True)
        self.export_result.setText(
            translate("Reception", "Could not save: %1").replace("%1", type(error).__name__)
        )

    # -- tabs -------------------------------------------------------------------------------

    @Slot(int)
    def _on_tabs_current_changed(self, index: int) -> None:
        self._health_timer.stop()
        if index == 1:
            self.refresh_recent()
        elif index == 2:
            self.refresh_parked()
        elif index == 3:
            self.refresh_health()
            self._health_timer.start()

    def show_scan(self, result: ScanResult) -> None:
        super().show_scan(result)
        if self.tabs.currentIndex() == 1:
            self.refresh_recent()

    def done(self, result: int) -> None:
        self._health_timer.stop()
        super().done(result)


def _outcome_counts(rows: Sequence[ScanRow]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.record.outcome.value] = counts.get(row.record.outcome.value, 0) + 1
    return counts
