"""Choosing the camera and decoder, with a live preview and a test scan (wizard and settings).

While this panel is on screen, scanning is in *test mode*: codes read by the camera or a USB
scanner are described here ("a card of this academy") and never checked in.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Signal, Slot
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.tokens import read_token
from kiosk.services.preferences import KioskPreferences
from kiosk.ui.bridges import FrameBridge, ScanBridge
from kiosk.ui.i18n import token_kind_name
from kiosk.ui.ports import CameraPort
from kiosk.ui.scan_screen import PreviewWidget

translate = QCoreApplication.translate


def source_label(spec: str) -> str:
    """A frame source as staff read it: "Camera 1 (camera:0)", "Demo feed (synthetic)"."""
    if spec == "demo":
        return translate("CameraSetup", "Demo feed (synthetic)")
    kind, _, index = spec.partition(":")
    if kind == "camera" and index.isdigit():
        return (
            translate("CameraSetup", "Camera %1 (%2)")
            .replace("%1", str(int(index) + 1))
            .replace("%2", spec)
        )
    return spec


def describe_test_code(text: str, tenant_id: str) -> tuple[str, str]:
    """What a test scan read, for staff: (message, ``ok``/``warn``/``error``). Nothing is verified
    or recorded: this only proves the camera and decoder read codes."""
    reading = read_token(text)
    claims = reading.claims
    if claims is None:
        return translate("CameraSetup", "Read a code, but it is not a TatamiTech code."), "warn"
    kind = token_kind_name(claims.kind)
    if tenant_id and claims.tenant_id != tenant_id.lower():
        return (
            translate("CameraSetup", "Read a TatamiTech %1 of another academy.").replace(
                "%1", kind
            ),
            "warn",
        )
    return (
        translate("CameraSetup", "Read a TatamiTech %1: the camera works.").replace("%1", kind),
        "ok",
    )


class CameraSetup(QWidget):
    """Camera source, decoder engine, mirror, live preview and test scan.

    Args:
        camera: The camera port.
        frames: Frame bridge for the live preview.
        scans: Scan bridge (test scans arrive as ``code_previewed``).
        set_test_mode: Turns test mode on and off (the shell routes scanner input too).
        tenant_id: To tell this academy's codes from others'.

    Signals:
        applied(str, str, bool): Source spec, engine, mirror were applied.
    """

    applied = Signal(str, str, bool)

    def __init__(
        self,
        camera: CameraPort,
        frames: FrameBridge | None,
        scans: ScanBridge,
        set_test_mode: Callable[[bool], None],
        preferences: KioskPreferences,
        tenant_id: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._camera = camera
        self._frames = frames
        self._set_test_mode = set_test_mode
        self.tenant_id = tenant_id
        self.test_reads = 0
        layout = QHBoxLayout(self)
        form_box = QVBoxLayout()
        form = QFormLayout()
        self.source = QComboBox()
        self.source.setAccessibleName(translate("CameraSetup", "Camera"))
        specs = camera.sources()
        for spec in specs:
            self.source.addItem(source_label(spec), spec)
        current = camera.spec or preferences.camera
        if current not in specs:
            self.source.addItem(current, current)
        self.source.setCurrentIndex(max(0, self.source.findData(current)))
        self.engine = QComboBox()
        self.engine.setAccessibleName(translate("CameraSetup", "Decoder engine"))
        self.engine.addItem(translate("CameraSetup", "Automatic (measured best)"), "auto")
        for name in camera.engines():
            self.engine.addItem(name, name)
        self.engine.setCurrentIndex(max(0, self.engine.findData(preferences.engine)))
        self.mirror = QCheckBox(translate("CameraSetup", "Mirror the preview"))
        self.mirror.setChecked(preferences.mirror)
        self.mirror.toggled.connect(self._on_mirror_toggled)
        form.addRow(translate("CameraSetup", "Camera"), self.source)
        form.addRow(translate("CameraSetup", "Decoder"), self.engine)
        form.addRow("", self.mirror)
        form_box.addLayout(form)
        self.apply_button = QPushButton(translate("CameraSetup", "Use this camera"))
        self.apply_button.setProperty("role", "primary")
        self.apply_button.clicked.connect(self._on_apply_button_clicked)
        form_box.addWidget(self.apply_button)
        self.test_hint = QLabel(
            translate(
                "CameraSetup",
                "Test: hold a student's code to the camera or scan it. Nothing is recorded.",
            )
        )
        self.test_hint.setWordWrap(True)
        self.test_hint.setProperty("role", "muted")
        self.test_result = QLabel()
        self.test_result.setWordWrap(True)
        self.test_result.setAccessibleName(translate("CameraSetup", "Test scan result"))
        form_box.addWidget(self.test_hint)
        form_box.addWidget(self.test_result)
        form_box.addStretch(1)
        layout.addLayout(form_box, 2)
        self.preview = PreviewWidget(frames, drives_size=False)
        self.preview.setMinimumSize(420, 300)
        layout.addWidget(self.preview, 3)
        scans.code_previewed.connect(self._on_scans_code_previewed)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._set_test_mode(True)

    def hideEvent(self, event: QHideEvent) -> None:
        self._set_test_mode(False)
        super().hideEvent(event)

    @property
    def chosen(self) -> tuple[str, str, bool]:
        return (
            str(self.source.currentData()),
            str(self.engine.currentData()),
            self.mirror.isChecked(),
        )

    @Slot(bool)
    def _on_mirror_toggled(self, mirror: bool) -> None:
        if self._frames is not None:
            self._frames.set_mirror(mirror)

    @Slot()
    def _on_apply_button_clicked(self) -> None:
        spec, engine, mirror = self.chosen
        self._camera.start(spec, None if engine == "auto" else engine)
        self.test_result.setText(translate("CameraSetup", "Camera restarting…"))
        self.applied.emit(spec, engine, mirror)

    @Slot(str)
    def _on_scans_code_previewed(self, text: str) -> None:
        if not self.isVisible():
            return
        self.test_reads += 1
        message, role = describe_test_code(text, self.tenant_id)
        self.test_result.setText(message)
        self.test_result.setProperty("role", role)
        self.test_result.style().unpolish(self.test_result)
        self.test_result.style().polish(self.test_result)
