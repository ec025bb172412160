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
    return catalogue_at(TRANSLATIONS / name)


def catalogue_at(path: Path) -> dict[tuple[str, str], ET.Element]:
    root = ET.parse(path).getroot()
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


def texts(message: ET.Element) -> list[str]:
    """A message's translation: its numerus forms, or its one text."""
    translation = message.find("translation")
    assert translation is not None
    forms = translation.findall("numerusform")
    return [form.text or "" for form in forms] if forms else [translation.text or ""]


def test_japanese_is_complete_and_keeps_every_placeholder() -> None:
    for (context, source), message in catalogue("kiosk_ja.ts").items():
        translation = message.find("translation")
        assert translation is not None and translation.get("type") is None, (context, source)
        for text in texts(message):
            assert text.strip(), (context, source)
            assert sorted(_PLACEHOLDER.findall(text)) == sorted(_PLACEHOLDER.findall(source)), (
                context,
                source,
            )


@pytest.mark.parametrize(("name", "forms"), [("kiosk_en.ts", 2), ("kiosk_ja.ts", 1)])
def test_every_count_is_a_numerus_message_with_the_language_s_forms(name: str, forms: int) -> None:
    """One source text per plural (Qt's numerus forms), never two chosen in code; English has
    a singular and a plural, Japanese one form (scripts/translations.sh keeps them)."""
    plurals = {key: m for key, m in catalogue(name).items() if "%n" in key[1]}
    assert len(plurals) >= 15
    for (context, source), message in plurals.items():
        assert message.get("numerus") == "yes", (context, source)
        translation = message.find("translation")
        assert translation is not None and translation.get("type") is None, (context, source)
        found = texts(message)
        assert len(found) == forms and all("%n" in text for text in found), (context, source)
    singular_sources = {source for _, source in plurals if " 1 " in source}
    assert not singular_sources, "a count is a number (%n), never a fixed 1"


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
    assert note_text(Note("more_days", 1)) == "1 more day"
    assert note_text(Note("more_days", 12)) == "12 more days"
    assert note_text(Note("too_young", 1)) == "too young by 1 year"
    assert note_text(Note("unknown_code", 0, "the service's own text")) == "the service's own text"


def test_a_plural_is_one_source_text_and_qt_picks_the_form(qapp: QApplication) -> None:
    """Without a catalogue the source text shows; with one, the form its language needs."""
    qapp.removeTranslator(ui._ENGLISH[0])
    try:
        assert note_text(Note("more_classes", 1)) == "1 more classes"  # the bare source
    finally:
        qapp.installTranslator(ui._ENGLISH[0])
    assert note_text(Note("more_classes", 1)) == "1 more class"
    translator = install_translator(qapp, TRANSLATIONS, "ja")
    try:
        assert note_text(Note("more_classes", 1)) == "あと 1 回の稽古"
        assert note_text(Note("more_classes", 2)) == "あと 2 回の稽古"
    finally:
        qapp.removeTranslator(translator)


def _messages(path: Path) -> dict[tuple[str, str], tuple[str | None, list[str]]]:
    """What a catalogue says, without the locations (they depend on where the file lies)."""
    return {key: (m.get("numerus"), texts(m)) for key, m in catalogue_at(path).items()}


@pytest.mark.slow
def test_updating_the_catalogues_keeps_the_plurals(tmp_path: Path) -> None:
    """lupdate's Python parser demotes every plural; scripts/numerus.py puts them back."""
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    tool = str(lupdate) if lupdate.exists() else shutil.which("pyside6-lupdate")
    if tool is None:
        pytest.skip("pyside6-lupdate is not installed")
    before, work = tmp_path / "before", tmp_path / "work"
    before.mkdir()
    work.mkdir()
    for ts in TRANSLATIONS.glob("*.ts"):
        shutil.copy(ts, before / ts.name)
        shutil.copy(ts, work / ts.name)
    sources = [str(p) for p in (ROOT / "kiosk" / "ui").rglob("*.py")] + [str(ROOT / "kiosk/gui.py")]
    subprocess.run(
        [
            tool,
            "-no-obsolete",
            "-source-language",
            "en",
            *sources,
            "-ts",
            *map(str, work.glob("*.ts")),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    demoted = _messages(work / "kiosk_en.ts")
    assert not any(numerus for numerus, _ in demoted.values())  # what numerus.py is for
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "numerus.py"), str(before), str(work)],
        check=True,
        timeout=60,
    )
    for ts in TRANSLATIONS.glob("*.ts"):
        assert _messages(work / ts.name) == _messages(ts), ts.name
