"""Translations: every user-facing string is in the catalogues; Japanese is complete."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from kiosk.adapters.paths import resource_dir
from kiosk.domain.decision import Outcome
from kiosk.domain.eligibility import Note
from kiosk.ui.i18n import install_translator, note_text, outcome_headline
from tests import ui_support as ui

ROOT = Path(__file__).parent.parent
TRANSLATIONS = resource_dir() / "translations"
_CALL = re.compile(r'(?:translate|QT_TRANSLATE_NOOP)\(\s*"([^"]+)",\s*((?:"(?:[^"\\]|\\.)*"\s*)+)')
_PLACEHOLDER = re.compile(r"%(?:n|\d)")


@pytest.fixture(autouse=True)
def _no_leaks(qapp: QApplication) -> Iterator[None]:
    with ui.no_leaked_windows():
        yield


def source_strings() -> set[tuple[str, str]]:
    found = set()
    for path in [*(ROOT / "kiosk" / "ui").rglob("*.py"), ROOT / "kiosk" / "gui.py"]:
        for match in _CALL.finditer(path.read_text()):
            text = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', match.group(2)))
            if "\\" in text:
                text = text.encode().decode("unicode_escape")
            found.add((match.group(1), text))
    found.discard(("Context", "text"))  # the example in i18n's docstring
    return found


def catalogue(name: str) -> dict[tuple[str, str], ET.Element]:
    root = ET.parse(TRANSLATIONS / name).getroot()
    return {
        (context.findtext("name") or "", message.findtext("source") or ""): message
        for context in root.iter("context")
        for message in context.iter("message")
    }


def test_every_string_in_the_code_is_in_both_catalogues() -> None:
    strings = source_strings()
    assert len(strings) > 300
    for name in ("kiosk_en.ts", "kiosk_ja.ts"):
        missing = strings - set(catalogue(name))
        assert not missing, f"{name} lacks {sorted(missing)[:5]}: run scripts/translations.sh"


def test_japanese_is_complete_and_keeps_every_placeholder() -> None:
    for (context, source), message in catalogue("kiosk_ja.ts").items():
        translation = message.find("translation")
        assert translation is not None and translation.get("type") is None, (context, source)
        text = translation.text or ""
        assert text.strip(), (context, source)
        assert sorted(_PLACEHOLDER.findall(text)) == sorted(_PLACEHOLDER.findall(source)), (
            context,
            source,
        )


def test_committed_qm_files_match_their_ts(tmp_path: Path) -> None:
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    tool = str(lrelease) if lrelease.exists() else shutil.which("pyside6-lrelease")
    if tool is None:
        pytest.skip("pyside6-lrelease is not installed")
    for ts in TRANSLATIONS.glob("*.ts"):
        out = tmp_path / f"{ts.stem}.qm"
        subprocess.run([tool, "-silent", str(ts), "-qm", str(out)], check=True, timeout=60)
        assert out.read_bytes() == ts.with_suffix(".qm").read_bytes(), f"recompile {ts.name}"


def test_japanese_translator_translates_outcomes_and_counts(qapp: QApplication) -> None:
    translator = install_translator(qapp, TRANSLATIONS, "ja")
    try:
        assert outcome_headline(Outcome.ACCEPTED) == "ようこそ"
        assert outcome_headline(Outcome.EXPIRED) == "コードの有効期限切れ"
        assert note_text(Note("more_classes", 3, "3 more classes")) == "あと 3 回の稽古"
    finally:
        qapp.removeTranslator(translator)
    assert outcome_headline(Outcome.ACCEPTED) == "Welcome"


def test_english_plurals_read_right() -> None:
    assert note_text(Note("more_classes", 1)) == "1 more class"
    assert note_text(Note("more_classes", 6)) == "6 more classes"
    assert note_text(Note("more_days", 12)) == "12 more days"
    assert note_text(Note("unknown_code", 0, "the service's own text")) == "the service's own text"
