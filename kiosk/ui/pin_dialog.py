"""The PIN pad that guards staff and instructor screens (or an academy account login).

PINs are checked by :class:`~kiosk.services.staff.PinService` on a worker thread (scrypt takes a
noticeable moment). Wrong PINs lock the pad with a growing pause that the service keeps in the
store, so restarting the kiosk does not reset it; while locked, the pad shows the countdown and
compares nothing. Two pages: :class:`Keypad` (the PIN) and :class:`AccountSignIn` (a staff
account of the academy, when the kiosk is registered).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QRegularExpression, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.ports import KioskIdentity
from kiosk.services.reception import StaffLogin, StaffLoginError, staff_login
from kiosk.services.staff import ACCOUNT_ACCESS, FREE_ATTEMPTS, PinCheck, PinRole, StaffAccess
from kiosk.ui.dialogs import StaffDialog, muted
from kiosk.ui.i18n import staff_login_problem_text
from kiosk.ui.operations import DialogOp
from kiosk.ui.ports import KioskServices
from kiosk.ui.tasks import TaskManager

log = logging.getLogger(__name__)
translate = QCoreApplication.translate


@dataclass(frozen=True, slots=True)
class _PadState:
    staff_set: bool
    instructor_set: bool
    lock: PinCheck
    identity: KioskIdentity | None


class Keypad(QWidget):
    """Digits, delete and OK, big enough for a finger, and a line that says what happened.

    Signals:
        submitted(str): A PIN was entered (OK or Enter); the field is already cleared.
        account_requested(): Staff would rather sign in with an account.
    """

    submitted = Signal(str)
    account_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        self.prompt = QLabel(translate("PinDialog", "Enter your staff or instructor PIN"))
        self.prompt.setProperty("role", "subtitle")
        self.prompt.setWordWrap(True)
        layout.addWidget(self.prompt)
        self.pin_edit = QLineEdit()
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit.setMaxLength(12)
        self.pin_edit.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"\d{0,12}"), self.pin_edit)
        )
        self.pin_edit.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pin_edit.setAccessibleName(translate("PinDialog", "PIN"))
        self.pin_edit.setStyleSheet("font-size: 40px; letter-spacing: 12px;")
        self.pin_edit.returnPressed.connect(self._on_pin_edit_return_pressed)
        layout.addWidget(self.pin_edit)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName(translate("PinDialog", "Message"))
        layout.addWidget(self.message)
        grid = QGridLayout()
        grid.setSpacing(12)
        self.keys: dict[str, QPushButton] = {}
        labels = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", "OK"]
        for index, label in enumerate(labels):
            button = QPushButton(label)
            button.setProperty("role", "primary" if label == "OK" else "key")
            if label == "OK":
                button.setStyleSheet("font-size: 32px; min-height: 86px; min-width: 110px;")
            button.setAccessibleName(
                {
                    "⌫": translate("PinDialog", "Delete last digit"),
                    "OK": translate("PinDialog", "Confirm PIN"),
                }.get(label, label)
            )
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.setProperty("key", label)
            button.clicked.connect(self._on_key_clicked)
            grid.addWidget(button, index // 3, index % 3)
            self.keys[label] = button
        layout.addLayout(grid)
        self.account_button = QPushButton(translate("PinDialog", "Use an academy account instead"))
        self.account_button.clicked.connect(self.account_requested)
        self.account_button.setVisible(False)
        layout.addWidget(self.account_button)
        self.pin_edit.setFocus()

    def set_input_enabled(self, enabled: bool) -> None:
        for button in self.keys.values():
            button.setEnabled(enabled)
        self.pin_edit.setEnabled(enabled)
        if enabled:
            self.pin_edit.setFocus()

    def say(self, text: str, role: str = "") -> None:
        self.message.setText(text)
        self.message.setProperty("role", role)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    @Slot()
    def _on_key_clicked(self) -> None:
        button = self.sender()
        key = button.property("key") if button is not None else None
        if key == "OK":
            self.submit()
        elif key == "⌫":
            self.pin_edit.backspace()
        elif isinstance(key, str) and len(self.pin_edit.text()) < 12:
            self.pin_edit.insert(key)
        self.pin_edit.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Digits typed while a pad button has focus still go into the PIN.
        text = event.text()
        if text.isdigit() and not self.pin_edit.hasFocus():
            self.pin_edit.insert(text)
            return
        super().keyPressEvent(event)

    @Slot()
    def _on_pin_edit_return_pressed(self) -> None:
        self.submit()

    def submit(self) -> None:
        pin = self.pin_edit.text()
        self.pin_edit.clear()
        if pin:
            self.submitted.emit(pin)


class AccountSignIn(QWidget):
    """Sign in with an academy staff account; the password lives only as long as the request.

    Signals:
        signed_in(object): The :class:`StaffLogin` of an account the server accepted.
        back_requested(): Staff went back to the PIN pad.
    """

    signed_in = Signal(object)
    back_requested = Signal()

    def __init__(self, services: KioskServices, tasks: TaskManager) -> None:
        super().__init__()
        self._services = services
        self._tasks = tasks
        self.identity: KioskIdentity | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(
            muted(translate("PinDialog", "Sign in with your TatamiTech staff account."))
        )
        self.email_edit = QLineEdit()
        self.email_edit.setPlaceholderText(translate("PinDialog", "Email"))
        self.email_edit.setAccessibleName(translate("PinDialog", "Email"))
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(translate("PinDialog", "Password"))
        self.password_edit.setAccessibleName(translate("PinDialog", "Password"))
        self.password_edit.returnPressed.connect(self._on_sign_in_button_clicked)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.sign_in_button = QPushButton(translate("PinDialog", "Sign in"))
        self.sign_in_button.setProperty("role", "primary")
        self.sign_in_button.clicked.connect(self._on_sign_in_button_clicked)
        back = QPushButton(translate("PinDialog", "Back to the PIN pad"))
        back.clicked.connect(self.back_requested)
        for widget in (self.email_edit, self.password_edit, self.message):
            layout.addWidget(widget)
        layout.addWidget(self.sign_in_button)
        layout.addWidget(back)
        layout.addStretch(1)

    @Slot()
    def _on_sign_in_button_clicked(self) -> None:
        identity = self.identity
        url = (identity.api_url or "") if identity else ""
        slug = identity.tenant_slug if identity else ""
        email, password = self.email_edit.text().strip(), self.password_edit.text()
        self.password_edit.clear()  # the password lives only as long as this call
        if not (url and slug and email and password):
            self.message.setText(translate("PinDialog", "Enter your email and password."))
            return
        factory = self._services.api_factory
        self.message.setText(translate("PinDialog", "Signing in…"))

        def login() -> StaffLogin:
            api = factory(url, slug)
            try:
                return staff_login(api, email, password)
            finally:
                api.close()

        DialogOp(self._tasks, self, login, self.signed_in.emit).busy(
            self.sign_in_button
        ).on_failure(self._on_failed).run()

    def refuse(self) -> None:
        self.message.setText(translate("PinDialog", "This account cannot open the staff screens."))

    def _on_failed(self, error: BaseException) -> None:
        if isinstance(error, StaffLoginError):
            text = translate("PinDialog", "Sign-in failed: %1").replace(
                "%1", staff_login_problem_text(error)
            )
        else:
            text = translate("PinDialog", "Sign-in failed. Check the connection and try again.")
        self.message.setText(text)


class PinDialog(StaffDialog):
    """Asks for a PIN (or an account login) and says who got in.

    Args:
        services: The kiosk's services.
        tasks: Where blocking checks run.
        wanted: ``STAFF`` accepts only the staff PIN; ``INSTRUCTOR`` accepts either.
        parent: The kiosk window.

    Signals:
        granted(str, str): The :class:`~kiosk.services.staff.StaffAccess` (``staff`` /
            ``reception`` / ``instructor``) and a staff id for the audit trail (``pin:staff``,
            or the account's user id).
    """

    granted = Signal(str, str)

    def __init__(
        self,
        services: KioskServices,
        tasks: TaskManager,
        wanted: PinRole,
        parent: QWidget | None,
    ) -> None:
        super().__init__(translate("PinDialog", "Staff access"), parent, full_window=False)
        self._services = services
        self._tasks = tasks
        self._wanted = wanted
        self._locked_until: datetime | None = None
        self._busy = True
        #: No PIN exists to compare against (an unregistered kiosk provisioned offline).
        self._no_pin = False
        self.keypad = Keypad()
        self.account = AccountSignIn(services, tasks)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.keypad)
        self.pages.addWidget(self.account)
        self.body.addWidget(self.pages)
        self.keypad.submitted.connect(self._on_keypad_submitted)
        self.keypad.account_requested.connect(self._on_keypad_account_requested)
        self.account.signed_in.connect(self._on_account_signed_in)
        self.account.back_requested.connect(self._on_account_back_requested)
        self._lock_timer = QTimer(self)
        self._lock_timer.setInterval(500)
        self._lock_timer.timeout.connect(self._on_lock_timer_timeout)
        self._set_busy(True)
        DialogOp(tasks, self, self._read_state, self._on_state_read).run()

    # -- state ----------------------------------------------------------------------------

    def _read_state(self) -> _PadState:
        pins = self._services.pins
        return _PadState(
            staff_set=pins.is_set(PinRole.STAFF),
            instructor_set=pins.is_set(PinRole.INSTRUCTOR),
            lock=pins.lock_state(),
            identity=self._services.setup.identity(),
        )

    def _on_state_read(self, state: _PadState) -> None:
        self.account.identity = state.identity
        registered = bool(state.identity and state.identity.api_url)
        self.keypad.account_button.setVisible(registered)
        self._set_busy(False)
        if not state.staff_set and not state.instructor_set:
            if registered:
                self.keypad.say(
                    translate("PinDialog", "No PIN is set on this kiosk: sign in with an account."),
                    "warn",
                )
                self._show_account()
            else:
                # Provisioned offline and never registered: no account can vouch for anyone, and
                # letting whoever stands at the screen choose a PIN would let them leave the
                # kiosk. The PIN is set on the computer itself, by whoever provisioned it.
                self._no_pin = True
                self.keypad.set_input_enabled(False)
                self.keypad.say(
                    translate(
                        "PinDialog",
                        "No staff PIN is set on this kiosk. Set one on this computer with: "
                        "tatami-kiosk pin set",
                    ),
                    "warn",
                )
            return
        self._show_lock(state.lock)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.keypad.set_input_enabled(not busy and not self.locked and not self._no_pin)

    def _show_lock(self, check: PinCheck) -> None:
        self._locked_until = check.locked_until
        if check.locked:
            self._lock_timer.start()
            self._on_lock_timer_timeout()
        self._set_busy(False)

    @Slot()
    def _on_lock_timer_timeout(self) -> None:
        until = self._locked_until
        if until is None:
            self._lock_timer.stop()
            return
        left = (until - self._services.clock.now()).total_seconds()
        if left <= 0:
            self._locked_until = None
            self._lock_timer.stop()
            self.keypad.say(translate("PinDialog", "You can try again now."))
            self._set_busy(False)
            return
        minutes, seconds = divmod(int(left + 0.999), 60)
        self.keypad.say(
            translate("PinDialog", "Too many wrong PINs. Try again in %1.").replace(
                "%1", f"{minutes}:{seconds:02d}"
            ),
            "error",
        )

    @property
    def locked(self) -> bool:
        return self._locked_until is not None

    # -- the PIN ----------------------------------------------------------------------------

    @Slot(str)
    def _on_keypad_submitted(self, pin: str) -> None:
        if self.locked or self._busy or self._no_pin:
            return
        self._set_busy(True)
        pins, wanted = self._services.pins, self._wanted
        DialogOp(self._tasks, self, lambda: pins.verify(pin, wanted), self._on_verified).on_failure(
            self._on_verify_failed
        ).run()

    def _on_verified(self, check: PinCheck) -> None:
        if check.ok and check.role is not None:
            log.info("staff access granted (%s PIN)", check.role.value)
            self.granted.emit(check.role.value, f"pin:{check.role.value}")
            self.accept()
            return
        if check.locked:
            self._show_lock(check)
            return
        left = max(0, FREE_ATTEMPTS - check.failures)
        self.keypad.say(
            translate("PinDialog", "Wrong PIN. %n more tries before a pause.", None, left), "error"
        )
        self._set_busy(False)

    def _on_verify_failed(self, error: BaseException) -> None:
        log.error("PIN check failed: %s", type(error).__name__)
        self.keypad.say(translate("PinDialog", "The PIN could not be checked. Try again."), "error")
        self._set_busy(False)

    # -- an account -------------------------------------------------------------------------

    def _show_account(self) -> None:
        self.pages.setCurrentWidget(self.account)
        self.account.email_edit.setFocus()

    @Slot()
    def _on_keypad_account_requested(self) -> None:
        self._show_account()

    @Slot()
    def _on_account_back_requested(self) -> None:
        self.pages.setCurrentWidget(self.keypad)
        self.keypad.pin_edit.setFocus()

    @Slot(object)
    def _on_account_signed_in(self, login: StaffLogin) -> None:
        # Admins get the staff screens, assistants reception only, instructors the board.
        access = ACCOUNT_ACCESS.get(login.role)
        if access is None or (self._wanted is PinRole.STAFF and access is not StaffAccess.STAFF):
            self.account.refuse()
            return
        log.info("staff access granted (account, role %s)", login.role)
        self.granted.emit(access.value, login.user_id or f"account:{login.role}")
        self.accept()
