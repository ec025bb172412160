"""The first-run set-up wizard (and "register again" from the settings).

Steps: environment and academy → admin login and registration → camera and decoder with a
live preview and a test scan → PINs, sound, result time and check-in window → done. The
admin's password is sent once, for the registration, and dropped; only the device token the
backend returns is kept, in the OS keyring (the set-up service does that).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QListWidget,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.environments import PREVIEW, environment_url, is_slug
from kiosk.services.preferences import KioskPreferences
from kiosk.services.reception import RosterFacts
from kiosk.services.setup import SetupError, SetupResult
from kiosk.services.staff import PinRole
from kiosk.ui.bridges import FrameBridge, ScanBridge
from kiosk.ui.camera_setup import CameraSetup
from kiosk.ui.checkin_window import CheckInWindowChoice
from kiosk.ui.dialogs import heading, muted
from kiosk.ui.i18n import setup_problem_text
from kiosk.ui.operations import DialogOp
from kiosk.ui.ports import KioskServices
from kiosk.ui.tasks import TaskManager

log = logging.getLogger(__name__)
translate = QCoreApplication.translate

_URL = re.compile(r"^https?://[^\s/]+(?::\d+)?(?:/\S*)?$")


def api_url_for(environment: str, slug: str, custom_url: str, preview: str = "") -> str | None:
    """The backend URL for a choice, or None when the choice is incomplete.

    The environments' patterns are the configuration's (:mod:`kiosk.domain.environments`): a
    kiosk set up here reaches the server ``environment``/``tenant``/``preview`` would name.
    """
    if not is_slug(slug):
        return None
    if environment == "custom":
        url = custom_url.strip().rstrip("/")
        return url if _URL.match(url) else None
    return environment_url(environment, slug, preview)


@dataclass(frozen=True, slots=True)
class _Registered:
    result: SetupResult
    students: int
    error: str | None


class _Step(QWidget):
    """One page of the wizard.

    Signals:
        changed(): Whether the step is complete may have changed.
    """

    changed = Signal()

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title = title
        self.layout_ = QVBoxLayout(self)
        self.layout_.setSpacing(14)
        title_label = heading(title)
        title_label.setProperty("role", "title")
        self.layout_.addWidget(title_label)

    def complete(self) -> bool:
        return True

    def entered(self) -> None:
        """The step became visible."""

    def first_input(self) -> QWidget | None:
        """Where keyboard focus goes when the step opens."""
        return None


class ConnectionStep(_Step):
    def __init__(self) -> None:
        super().__init__(translate("Wizard", "Academy and environment"))
        self.layout_.addWidget(
            muted(translate("Wizard", "Which TatamiTech does this kiosk belong to?"))
        )
        self.slug = QLineEdit()
        self.slug.setPlaceholderText("golden-tiger")
        self.slug.setAccessibleName(translate("Wizard", "Academy (slug)"))
        form = QFormLayout()
        form.addRow(translate("Wizard", "Academy (slug)"), self.slug)
        self.layout_.addLayout(form)
        self.custom = QLineEdit()
        self.custom.setPlaceholderText("https://golden-tiger.example.org")
        self.custom.setAccessibleName(translate("Wizard", "Custom URL"))
        self.url_label = QLabel()
        self.url_label.setProperty("role", "muted")
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        for key, label in (
            ("production", translate("Wizard", "Production")),
            ("staging", translate("Wizard", "Staging")),
            ("preview", translate("Wizard", "Preview")),
            ("custom", translate("Wizard", "Custom URL")),
        ):
            button = QRadioButton(label)
            button.setAccessibleName(label)
            self.group.addButton(button)
            self.buttons[key] = button
            self.layout_.addWidget(button)
            button.toggled.connect(self._on_input_changed)
        # Only a preview environment has a name of its own (pr-123): asked for only then.
        self.preview = QLineEdit()
        self.preview.setPlaceholderText("pr-123")
        self.preview.setAccessibleName(translate("Wizard", "Preview name"))
        self.preview_row = QWidget()
        preview_form = QFormLayout(self.preview_row)
        preview_form.setContentsMargins(0, 0, 0, 0)
        preview_form.addRow(translate("Wizard", "Preview name"), self.preview)
        self.buttons["production"].setChecked(True)
        self.layout_.addWidget(self.preview_row)
        self.layout_.addWidget(self.custom)
        self.layout_.addWidget(self.url_label)
        self.layout_.addStretch(1)
        self.slug.textChanged.connect(self._on_input_changed)
        self.custom.textChanged.connect(self._on_input_changed)
        self.preview.textChanged.connect(self._on_input_changed)
        self._on_input_changed()

    @property
    def environment(self) -> str:
        return next((k for k, b in self.buttons.items() if b.isChecked()), "production")

    @property
    def url(self) -> str | None:
        return api_url_for(
            self.environment,
            self.slug.text().strip().lower(),
            self.custom.text(),
            self.preview.text().strip().lower(),
        )

    @Slot()
    def _on_input_changed(self) -> None:
        environment = self.environment
        self.custom.setEnabled(environment == "custom")
        self.preview_row.setVisible(environment == PREVIEW)
        url = self.url
        if url:
            text = translate("Wizard", "Server: %1").replace("%1", url)
        elif environment == PREVIEW and is_slug(self.slug.text().strip().lower()):
            text = translate(
                "Wizard",
                "Enter the preview's name: lower-case letters, digits and dashes (pr-123).",
            )
        else:
            text = translate(
                "Wizard", "Enter the academy's slug (and the URL for a custom server)."
            )
        self.url_label.setText(text)
        self.changed.emit()

    def complete(self) -> bool:
        return self.url is not None

    def first_input(self) -> QWidget | None:
        return self.slug


class AccountStep(_Step):
    """Admin login and registration.

    Signals:
        registered_tenant(str): The kiosk was registered for this academy (slug).
    """

    registered_tenant = Signal(str)

    def __init__(
        self,
        services: KioskServices,
        tasks: TaskManager,
        connection: ConnectionStep,
        device_name: str,
    ) -> None:
        super().__init__(translate("Wizard", "Register this kiosk"))
        self._services = services
        self._tasks = tasks
        self._connection = connection
        self.registered: _Registered | None = None
        self.layout_.addWidget(
            muted(
                translate(
                    "Wizard",
                    "An academy admin signs in once. The password is not stored: the kiosk "
                    "keeps only its own device key, in the system keyring.",
                )
            )
        )
        form = QFormLayout()
        self.email = QLineEdit()
        self.email.setAccessibleName(translate("Wizard", "Admin email"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(translate("Wizard", "Password"))
        self.name = QLineEdit(device_name)
        self.name.setAccessibleName(translate("Wizard", "Kiosk name"))
        form.addRow(translate("Wizard", "Admin email"), self.email)
        form.addRow(translate("Wizard", "Password"), self.password)
        form.addRow(translate("Wizard", "Kiosk name"), self.name)
        self.layout_.addLayout(form)
        self.register_button = QPushButton(translate("Wizard", "Register this kiosk"))
        self.register_button.setProperty("role", "primary")
        self.register_button.clicked.connect(self._on_register_button_clicked)
        self.password.returnPressed.connect(self._on_register_button_clicked)
        self.layout_.addWidget(self.register_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName(translate("Wizard", "Registration status"))
        self.layout_.addWidget(self.status)
        self.layout_.addStretch(1)

    def complete(self) -> bool:
        return self.registered is not None

    def first_input(self) -> QWidget | None:
        return self.email

    def _say(self, text: str, role: str, hint: str = "") -> None:
        self.status.setText(text)
        self.status.setToolTip(hint)  # the technical cause, for whoever helps with set-up
        self.status.setProperty("role", role)
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)

    @Slot()
    def _on_register_button_clicked(self) -> None:
        url = self._connection.url
        slug = self._connection.slug.text().strip().lower()
        email, name = self.email.text().strip(), self.name.text().strip() or "kiosk"
        password = self.password.text()
        self.password.clear()  # never kept: it lives only inside the task below
        if not (url and email and password):
            self._say(translate("Wizard", "Enter the admin's email and password."), "error")
            return
        services = self._services
        self._say(translate("Wizard", "Registering…"), "")

        def register() -> _Registered:
            api = services.api_factory(url, slug)
            try:
                result = services.setup.register(api, url, email, password, name)
            finally:
                api.close()
            services.sync.restart()
            students, error = services.sync.pull_once()
            return _Registered(result, students, error)

        DialogOp(self._tasks, self, register, self._on_registered).busy(
            self.register_button
        ).on_failure(self._on_register_failed).run()

    def _on_registered(self, registered: _Registered) -> None:
        self.registered = registered
        result = registered.result
        students = registered.students
        text = translate(
            "Wizard", "Registered for %1. Roster: %n students.", None, students
        ).replace("%1", result.tenant_name)
        if registered.error:
            text += " " + translate("Wizard", "Roster not loaded yet: %1").replace(
                "%1", registered.error
            )
        if not result.token_persistent:
            text += " " + translate(
                "Wizard",
                "No system keyring here: the device key is kept in memory only, so staff sign "
                "in again after a restart.",
            )
        self._say(text, "ok" if not registered.error else "warn")
        log.info("kiosk registered from the wizard")
        self.changed.emit()
        self.registered_tenant.emit(result.tenant_slug)

    def _on_register_failed(self, error: BaseException) -> None:
        hint = ""
        if isinstance(error, SetupError):
            text = translate("Wizard", "Not registered: %1").replace(
                "%1", setup_problem_text(error)
            )
            hint = error.detail
        else:
            log.error("registration failed: %s", type(error).__name__)
            text = translate("Wizard", "Not registered: the server could not be reached.")
        self._say(text, "error", hint)
        self.changed.emit()


class KioskStep(_Step):
    def __init__(
        self, preferences: KioskPreferences, staff_pin_set: bool, configured_window: int | None
    ) -> None:
        super().__init__(translate("Wizard", "PINs, sound and check-in"))
        self._staff_pin_set = staff_pin_set
        form = QFormLayout()
        self.staff_pin = self._pin_edit(translate("Wizard", "Staff PIN"))
        self.staff_pin2 = self._pin_edit(translate("Wizard", "Staff PIN again"))
        self.instructor_pin = self._pin_edit(translate("Wizard", "Instructor PIN (optional)"))
        self.instructor_pin2 = self._pin_edit(translate("Wizard", "Instructor PIN again"))
        form.addRow(translate("Wizard", "Staff PIN"), self.staff_pin)
        form.addRow(translate("Wizard", "Staff PIN again"), self.staff_pin2)
        form.addRow(translate("Wizard", "Instructor PIN (optional)"), self.instructor_pin)
        form.addRow(translate("Wizard", "Instructor PIN again"), self.instructor_pin2)
        self.sound = QCheckBox(translate("Wizard", "Play sounds"))
        self.sound.setChecked(preferences.sound)
        self.result_seconds = QDoubleSpinBox()
        self.result_seconds.setRange(3.0, 5.0)
        self.result_seconds.setSingleStep(0.5)
        self.result_seconds.setDecimals(1)
        self.result_seconds.setValue(preferences.result_seconds)
        self.result_seconds.setSuffix(translate("Wizard", " s", "seconds"))
        self.result_seconds.setAccessibleName(translate("Wizard", "Result shown for"))
        form.addRow("", self.sound)
        form.addRow(translate("Wizard", "Result shown for"), self.result_seconds)
        self.checkin_window = CheckInWindowChoice(
            preferences.checkin_window_minutes, configured_window
        )
        form.addRow(translate("Wizard", "Check-in window"), self.checkin_window)
        self.layout_.addLayout(form)
        self.message = QLabel()
        self.message.setProperty("role", "error")
        self.message.setWordWrap(True)
        self.layout_.addWidget(self.message)
        self.layout_.addStretch(1)
        for edit in (self.staff_pin, self.staff_pin2, self.instructor_pin, self.instructor_pin2):
            edit.textChanged.connect(self._on_input_changed)
        self._on_input_changed()

    @staticmethod
    def _pin_edit(name: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        edit.setMaxLength(12)
        edit.setAccessibleName(name)
        return edit

    def _problem(self) -> str:
        staff, staff2 = self.staff_pin.text(), self.staff_pin2.text()
        inst, inst2 = self.instructor_pin.text(), self.instructor_pin2.text()
        if not staff and self._staff_pin_set:
            pass
        elif not (staff.isdigit() and 4 <= len(staff) <= 12):
            return translate("Wizard", "The staff PIN needs 4 to 12 digits.")
        elif staff != staff2:
            return translate("Wizard", "The two staff PINs differ.")
        if inst or inst2:
            if not (inst.isdigit() and 4 <= len(inst) <= 12):
                return translate("Wizard", "The instructor PIN needs 4 to 12 digits.")
            if inst != inst2:
                return translate("Wizard", "The two instructor PINs differ.")
            if inst == staff:
                return translate("Wizard", "Use different PINs for staff and instructors.")
        return ""

    @Slot()
    def _on_input_changed(self) -> None:
        typed = any(
            edit.text()
            for edit in (self.staff_pin, self.staff_pin2, self.instructor_pin, self.instructor_pin2)
        )
        self.message.setText(self._problem() if typed else "")  # no scolding before typing
        self.changed.emit()

    def complete(self) -> bool:
        return not self._problem()

    def first_input(self) -> QWidget | None:
        return self.staff_pin


class SetupWizard(QDialog):
    """The set-up wizard.

    Args:
        services: The kiosk's services.
        tasks: Worker for blocking steps.
        frames: Frame bridge (camera preview).
        scans: Scan bridge (test scans).
        set_test_mode: Routes scans to the test display while the camera step shows.
        preferences: Current preferences.
        staff_pin_set: A staff PIN exists already (it may then be kept).
        register_only: Only the registration steps ("register again").
        device_name: Default kiosk name.

    Signals:
        completed(object): Set-up finished; the saved :class:`KioskPreferences`.
        cancelled(): Staff left the wizard without finishing.
    """

    completed = Signal(object)
    cancelled = Signal()

    def __init__(
        self,
        services: KioskServices,
        tasks: TaskManager,
        frames: FrameBridge | None,
        scans: ScanBridge,
        set_test_mode: Callable[[bool], None],
        preferences: KioskPreferences,
        *,
        staff_pin_set: bool = False,
        register_only: bool = False,
        device_name: str = "kiosk",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.setWindowTitle(translate("Wizard", "Set up this kiosk"))
        self._services = services
        self._tasks = tasks
        self._preferences = preferences
        self._finished = False
        self.connection = ConnectionStep()
        self.account = AccountStep(services, tasks, self.connection, device_name)
        self.camera: CameraSetup | None = None
        self.kiosk: KioskStep | None = None
        steps: list[_Step] = [self.connection, self.account]
        if not register_only:
            camera_step = _Step(translate("Wizard", "Camera"))
            self.camera = CameraSetup(services.camera, frames, scans, set_test_mode, preferences)
            camera_step.layout_.addWidget(self.camera, 1)
            steps.append(camera_step)
            self.kiosk = KioskStep(
                preferences, staff_pin_set, services.checkin.window_set_by_configuration
            )
            steps.append(self.kiosk)
        done = _Step(translate("Wizard", "Ready"))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        done.layout_.addWidget(self.summary)
        done.layout_.addStretch(1)
        steps.append(done)
        self.steps = steps

        outer = QHBoxLayout(self)
        outer.setContentsMargins(32, 28, 32, 28)
        outer.setSpacing(28)
        # The window's size is the screen's: never derive a minimum size from the content
        # (it would resize a full-screen window and make the platform resend size hints).
        outer.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        side = QVBoxLayout()
        title = QLabel(translate("Wizard", "Set up this kiosk"))
        title.setProperty("role", "title")
        side.addWidget(title)
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("steps")
        self.sidebar.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.sidebar.setAccessibleName(translate("Wizard", "Set-up steps"))
        for index, step in enumerate(steps):
            self.sidebar.addItem(f"{index + 1}. {step.title}")
        self.sidebar.setFixedWidth(460)
        self.sidebar.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sidebar.setWordWrap(True)
        side.addWidget(self.sidebar, 1)
        outer.addLayout(side)
        main = QVBoxLayout()
        self.stack = QStackedWidget()
        for step in steps:
            self.stack.addWidget(step)
            step.changed.connect(self._on_step_changed)
        main.addWidget(self.stack, 1)
        nav = QHBoxLayout()
        self.cancel_button = QPushButton(translate("Wizard", "Cancel"))
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.back_button = QPushButton(translate("Wizard", "Back"))
        self.back_button.clicked.connect(self._on_back_button_clicked)
        self.next_button = QPushButton(translate("Wizard", "Next"))
        self.next_button.setProperty("role", "primary")
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self._on_next_button_clicked)
        nav.addWidget(self.cancel_button)
        nav.addStretch(1)
        nav.addWidget(self.back_button)
        nav.addWidget(self.next_button)
        main.addLayout(nav)
        outer.addLayout(main, 1)
        self._go(0)
        self.account.registered_tenant.connect(self._on_account_registered_tenant)
        DialogOp(self._tasks, self, services.reception.roster_facts, self._on_facts_read).run()

    @property
    def index(self) -> int:
        return self.stack.currentIndex()

    def _go(self, index: int) -> None:
        self.stack.setCurrentIndex(index)
        self.sidebar.setCurrentRow(index)
        step = self.steps[index]
        step.entered()
        if step is self.steps[-1]:
            self._fill_summary()
        self._on_step_changed()
        first = step.first_input()
        (first or self.next_button).setFocus(Qt.FocusReason.TabFocusReason)

    @Slot()
    def _on_step_changed(self) -> None:
        index = self.index
        last = index == len(self.steps) - 1
        self.back_button.setEnabled(index > 0)
        self.next_button.setText(
            translate("Wizard", "Start the kiosk") if last else translate("Wizard", "Next")
        )
        self.next_button.setEnabled(self.steps[index].complete())

    @Slot(str)
    def _on_account_registered_tenant(self, _slug: str) -> None:
        services = self._services
        DialogOp(self._tasks, self, services.reception.tenant, self._on_tenant_read).run()
        DialogOp(self._tasks, self, services.reception.roster_facts, self._on_facts_read).run()

    def _on_tenant_read(self, tenant: dict[str, str] | None) -> None:
        if self.camera is not None and tenant:
            self.camera.tenant_id = tenant.get("id", "")

    def _on_facts_read(self, facts: RosterFacts) -> None:
        if self.kiosk is not None:
            self.kiosk.checkin_window.set_academy_minutes(facts.checkin_window_minutes)

    def _fill_summary(self) -> None:
        lines = []
        registered = self.account.registered
        if registered is not None:
            lines.append(
                translate("Wizard", "Academy: %1").replace("%1", registered.result.tenant_name)
            )
            lines.append(
                translate("Wizard", "Kiosk id: %1").replace("%1", registered.result.kiosk_id)
            )
        if self.camera is not None:
            # The choices as the lists show them ("Automatic", not the code "auto").
            lines.append(
                translate("Wizard", "Camera: %1 · decoder: %2")
                .replace("%1", self.camera.source.currentText())
                .replace("%2", self.camera.engine.currentText())
            )
        if self.kiosk is not None:
            own = self.kiosk.checkin_window.value()
            lines.append(
                translate("Wizard", "Check-in window: the academy's")
                if own is None
                else translate("Wizard", "Check-in window: %1 min (this kiosk's own)").replace(
                    "%1", str(own)
                )
            )
        lines.append(
            translate("Wizard", "Staff open the staff menu with the Staff button and their PIN.")
        )
        self.summary.setText("\n".join(lines))

    @Slot()
    def _on_back_button_clicked(self) -> None:
        if self.index > 0:
            self._go(self.index - 1)

    @Slot()
    def _on_next_button_clicked(self) -> None:
        if not self.steps[self.index].complete():
            return
        if self.index < len(self.steps) - 1:
            self._go(self.index + 1)
        else:
            self._finish()

    def _finish(self) -> None:
        preferences = self._preferences
        if self.camera is not None:
            spec, engine, mirror = self.camera.chosen
            preferences = replace(preferences, camera=spec, engine=engine, mirror=mirror)
        pins: list[tuple[PinRole, str]] = []
        if self.kiosk is not None:
            preferences = replace(
                preferences,
                sound=self.kiosk.sound.isChecked(),
                result_seconds=self.kiosk.result_seconds.value(),
                checkin_window_minutes=self.kiosk.checkin_window.value(),
            )
            if self.kiosk.staff_pin.text():
                pins.append((PinRole.STAFF, self.kiosk.staff_pin.text()))
            if self.kiosk.instructor_pin.text():
                pins.append((PinRole.INSTRUCTOR, self.kiosk.instructor_pin.text()))
            for edit in (
                self.kiosk.staff_pin,
                self.kiosk.staff_pin2,
                self.kiosk.instructor_pin,
                self.kiosk.instructor_pin2,
            ):
                edit.clear()
        preferences = replace(preferences, setup_done=True)
        services = self._services

        def save() -> KioskPreferences:
            for role, pin in pins:
                services.pins.set_pin(role, pin)
            return services.preferences.save(preferences)

        DialogOp(self._tasks, self, save, self._on_saved).busy(self.next_button).on_failure(
            self._on_save_failed
        ).run()

    def _on_saved(self, preferences: KioskPreferences) -> None:
        self._finished = True
        self.completed.emit(preferences)
        self.accept()

    def _on_save_failed(self, error: BaseException) -> None:
        log.error("saving the set-up failed: %s", type(error).__name__)
        self.summary.setText(translate("Wizard", "The set-up could not be saved. Try again."))

    @Slot()
    def _on_cancel_button_clicked(self) -> None:
        self.reject()

    def reject(self) -> None:
        if not self._finished:
            self._finished = True
            self.cancelled.emit()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._finished:
            self.cancelled.emit()
            self._finished = True
        super().closeEvent(event)
