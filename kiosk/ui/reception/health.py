"""The kiosk's health for the front desk, refreshed every two seconds while on screen, and a
diagnostics bundle without personal data for support."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Slot
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.camera import ScanStats
from kiosk.services.reception import RosterFacts, ScanRow, diagnostics_files
from kiosk.services.sync import SyncStatus
from kiosk.ui.i18n import (
    ago_text,
    camera_state_name,
    freshness_name,
    staff_needed_text,
)
from kiosk.ui.operations import DialogOp, LatestOnly
from kiosk.ui.ports import KioskServices
from kiosk.ui.reception.common import when
from kiosk.ui.sounds import sound_status_text
from kiosk.ui.tasks import TaskManager

log = logging.getLogger(__name__)
translate = QCoreApplication.translate

#: Figures only the Qt side knows (sound, preview, wedge): read from any thread.
ExtraFigures = Callable[[], Mapping[str, object]]


@dataclass(frozen=True, slots=True)
class HealthFigures:
    """Everything the health panel shows, read at one moment on a worker."""

    status: SyncStatus
    facts: RosterFacts
    camera: ScanStats
    latency: Mapping[str, float]
    extra: Mapping[str, object]
    now: datetime

    @classmethod
    def read(cls, services: KioskServices, extra: ExtraFigures) -> HealthFigures:
        """Blocking: the store and the sync engine."""
        return cls(
            status=services.sync.status(),
            facts=services.reception.roster_facts(),
            camera=services.camera.stats(),
            latency=services.coordinator.latency_ms(),
            extra=dict(extra()),
            now=services.clock.now(),
        )


def _outcome_counts(rows: Sequence[ScanRow]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.record.outcome.value] = counts.get(row.record.outcome.value, 0) + 1
    return counts


def write_diagnostics(services: KioskServices, extra: ExtraFigures, path: Path) -> Path:
    """Blocking: gather, redact and zip a diagnostics bundle at ``path``."""
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
            "promotionsPending": status.promotions_pending,
            "promotionsParked": status.promotions_parked,
            "recentOutcomes": _outcome_counts(services.reception.recent(500)),
        },
        log_lines=services.diagnostics.recent_log_lines(),
        names=services.reception.known_names(),
        generated_at=services.clock.now(),
    )
    return services.diagnostics.write_bundle(path, files)


class HealthPanel(QWidget):
    """Connection, queue, roster, camera, decoding, clock, sound, token and version.

    Attributes:
        values: The texts shown, by key (``connection``, ``queue``, ``camera``...).
    """

    def __init__(
        self,
        services: KioskServices,
        tasks: TaskManager,
        extra: ExtraFigures,
        zone: ZoneInfo | None,
    ) -> None:
        super().__init__()
        self._services = services
        self._tasks = tasks
        self._extra = extra
        self._zone = zone
        self._reading = LatestOnly()
        self.values: dict[str, str] = {}
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setHorizontalSpacing(28)
        form.setVerticalSpacing(10)
        self._labels: dict[str, QLabel] = {}
        for key, title in self._titles():
            label = QLabel("…")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setAccessibleName(title)
            self._labels[key] = label
            form.addRow(title, label)
        layout.addLayout(form)
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
        self._timer = QTimer(self)
        self._timer.setInterval(2000)
        self._timer.timeout.connect(self._on_timer_timeout)

    @staticmethod
    def _titles() -> list[tuple[str, str]]:
        return [
            ("connection", translate("Reception", "Connection")),
            ("queue", translate("Reception", "Waiting to upload")),
            ("parked", translate("Reception", "Parked")),
            ("events", translate("Reception", "Events waiting")),
            ("promotions", translate("Reception", "Promotions made here")),
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

    # While on screen only: a hidden tab costs nothing.

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()
        self._timer.start()

    def hideEvent(self, event: QHideEvent) -> None:
        self._timer.stop()
        super().hideEvent(event)

    @Slot()
    def _on_timer_timeout(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        services, extra = self._services, self._extra
        DialogOp(self._tasks, self, lambda: HealthFigures.read(services, extra), self._show).latest(
            self._reading
        ).run()

    def _show(self, figures: HealthFigures) -> None:
        self.values = self._texts(figures)
        for key, value in self.values.items():
            self._labels[key].setText(value)

    def _texts(self, figures: HealthFigures) -> dict[str, str]:
        status, camera, latency = figures.status, figures.camera, figures.latency
        never = translate("Reception", "never")

        def at(value: datetime | None) -> str:
            return when(value, self._zone) if value else never

        return {
            "connection": self._connection_text(status),
            "queue": str(status.pending),
            "parked": str(status.parked),
            "events": str(status.events_pending),
            "promotions": translate("Reception", "%1 waiting to upload, %2 refused (see the board)")
            .replace("%1", str(status.promotions_pending))
            .replace("%2", str(status.promotions_parked)),
            "lastUpload": at(status.last_upload_at),
            "lastPull": at(status.last_pull_at),
            "roster": translate("Reception", "%1 students, seq %2, updated %3 (%4)")
            .replace("%1", str(status.roster_students))
            .replace("%2", str(status.roster_seq))
            .replace(
                "%3",
                ago_text(figures.now - status.roster_pulled_at)
                if status.roster_pulled_at
                else never,
            )
            .replace("%4", freshness_name(status.roster_freshness)),
            "keys": ", ".join(figures.facts.key_ids) or "—",
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
            "sound": sound_status_text(str(figures.extra.get("sound", ""))),
            "token": (
                translate("Reception", "in the OS keyring")
                if self._services.vault_persistent
                else translate("Reception", "in memory only: sign in again after a restart")
            ),
            "version": self._services.version,
        }

    def _connection_text(self, status: SyncStatus) -> str:
        if not self._services.sync.connected:
            return translate("Reception", "not registered (offline roster)")
        if status.staff_needed:
            return translate("Reception", "staff needed: %1").replace(
                "%1", staff_needed_text(status.staff_needed_reason, status.staff_needed)
            )
        if status.online:
            return translate("Reception", "online")
        return translate("Reception", "offline (%1)").replace("%1", status.last_error or "?")

    @Slot()
    def _on_sync_button_clicked(self) -> None:
        self._services.sync.nudge()
        self._services.sync.pull_now()
        self.refresh()

    # -- diagnostics bundle -------------------------------------------------------------------

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
        services, extra = self._services, self._extra
        self.export_result.setText(translate("Reception", "Exporting…"))
        DialogOp(
            self._tasks, self, lambda: write_diagnostics(services, extra, path), self._on_exported
        ).busy(self.export_button).on_failure(self._on_export_failed).run()

    def _on_exported(self, path: Path) -> None:
        self.export_result.setText(translate("Reception", "Saved: %1").replace("%1", str(path)))
        log.info("diagnostics bundle written")

    def _on_export_failed(self, error: BaseException) -> None:
        self.export_result.setText(
            translate("Reception", "Could not save: %1").replace("%1", type(error).__name__)
        )
