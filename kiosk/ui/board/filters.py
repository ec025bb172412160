"""The board's filters: a name, eligible now, stripes (the next stripe instead of the next
belt), within N classes or days, program, belt."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLineEdit, QSpinBox, QWidget

from kiosk.domain.model import Rank
from kiosk.services.board import BoardFilter

translate = QCoreApplication.translate


class BoardFilters(QWidget):
    """One row of filters; says when any of them changed.

    Signals:
        changed(): A filter changed (the board reloads after a short pause).
    """

    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(12)
        self.search = QLineEdit()
        self.search.setPlaceholderText(translate("Board", "Search by name"))
        self.search.setAccessibleName(translate("Board", "Search by name"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.changed)
        self.eligible_only = QCheckBox(translate("Board", "Eligible now"))
        self.stripes = QCheckBox(translate("Board", "Stripes"))
        self.stripes.setAccessibleName(
            translate("Board", "Show the next stripe instead of the next belt")
        )
        self.within_classes_on = QCheckBox(translate("Board", "Within classes:"))
        self.within_classes = QSpinBox()
        self.within_classes.setRange(0, 100)
        self.within_classes.setValue(3)
        self.within_classes.setAccessibleName(translate("Board", "Within this many classes"))
        self.within_days_on = QCheckBox(translate("Board", "Within days:"))
        self.within_days = QSpinBox()
        self.within_days.setRange(0, 365)
        self.within_days.setValue(14)
        self.within_days.setAccessibleName(translate("Board", "Within this many days"))
        self.program = QComboBox()
        self.program.setAccessibleName(translate("Board", "Program"))
        self.program.addItem(translate("Board", "All programs"), "")
        self.rank = QComboBox()
        self.rank.setAccessibleName(translate("Board", "Belt"))
        self.rank.addItem(translate("Board", "All belts"), "")
        for box in (self.eligible_only, self.stripes, self.within_classes_on, self.within_days_on):
            box.toggled.connect(self.changed)
        for spin in (self.within_classes, self.within_days):
            spin.valueChanged.connect(self.changed)
        for combo in (self.program, self.rank):
            combo.currentIndexChanged.connect(self.changed)
        row.addWidget(self.search, 2)
        for widget in (
            self.eligible_only,
            self.stripes,
            self.within_classes_on,
            self.within_classes,
            self.within_days_on,
            self.within_days,
            self.program,
            self.rank,
        ):
            row.addWidget(widget)

    def set_catalogue(self, catalogue: Sequence[tuple[str, str, list[Rank]]]) -> None:
        """The academy's programs and their belts, as choices."""
        seen: set[str] = set()
        for program_id, name, ranks in catalogue:
            self.program.addItem(name, program_id)
            for rank in ranks:
                if rank.id not in seen:
                    seen.add(rank.id)
                    self.rank.addItem(rank.name, rank.id)

    def current(self) -> BoardFilter:
        return BoardFilter(
            eligible_only=self.eligible_only.isChecked(),
            within_classes=(
                self.within_classes.value() if self.within_classes_on.isChecked() else None
            ),
            within_days=self.within_days.value() if self.within_days_on.isChecked() else None,
            program_id=str(self.program.currentData() or "") or None,
            rank_id=str(self.rank.currentData() or "") or None,
            query=self.search.text().strip(),
            stripes=self.stripes.isChecked(),
        )
