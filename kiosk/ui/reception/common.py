"""What the reception tabs share: the scan table, times in the academy's zone, reasons."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QSize
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableWidget

from kiosk.domain.ports import SyncState
from kiosk.services.checkin import ScanResult
from kiosk.services.reception import ScanRow
from kiosk.ui.i18n import format_date_time, outcome_headline, scan_reason, server_refusal
from kiosk.ui.theme import style_for

translate = QCoreApplication.translate


def scan_table(headers: Sequence[str], name: str) -> QTableWidget:
    """A read-only table of scans, one selected row at a time, touch-sized rows."""
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


def when(instant: datetime, zone: ZoneInfo | None = None) -> str:
    """A time as staff read it: in the academy's time zone (like the status strip)."""
    return format_date_time(instant, zone, seconds=True)


def technical(detail: str) -> str:
    return translate("Reception", "Technical detail: %1").replace("%1", detail)


def reason(row: ScanRow) -> tuple[str, str]:
    """The reason column of a scan, for staff, and its technical hint (the raw code)."""
    record = row.record
    if record.sync_state is SyncState.PARKED and row.reason:
        return server_refusal(row.reason), technical(row.reason)
    if not record.detail:
        return "", ""  # the result column says it all (expired, another academy...)
    # A code this version does not know falls back to the outcome: never a raw code as text.
    text = scan_reason(record.detail) or outcome_headline(record.outcome)
    return text, technical(record.detail)


def show_result_line(label: QLabel, result: ScanResult) -> None:
    """A manual check-in's or an override's result, in the colours of its outcome."""
    style = style_for(result.outcome, result.tone)
    name = result.display_name or ""
    label.setText(outcome_headline(result.outcome) + (f": {name}" if name else ""))
    label.setStyleSheet(
        f"background: {style.fill}; color: {style.ink}; border-radius: 10px;"
        " padding: 8px 14px; font-weight: 700;"
    )
