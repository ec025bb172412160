"""Start-up as the user sees it: the start-up screen before the kiosk has loaded."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from kiosk.adapters.secrets import KeyringVault
from kiosk.adapters.startup_peek import StartupFacts, academy_name, startup_facts
from kiosk.launch import DEMO_ACADEMY, window_expected
from kiosk.runtime import KioskRuntime
from kiosk.server.seed import GOLDEN_TIGER, seed
from kiosk.services.preferences import KioskPreferences
from kiosk.ui.splash import StartupScreen
from tests.keyring_backends import MemoryKeyring
from tests.support import VECTOR_ROSTER


def test_the_academy_name_is_read_from_a_provisioned_kiosk(tmp_path: Path) -> None:
    with KioskRuntime.open(tmp_path, vault=KeyringVault(MemoryKeyring())) as context:
        assert academy_name(context.paths.database) is None  # not set up yet
        context.provisioning.apply_document(VECTOR_ROSTER)
        database = context.paths.database
    assert academy_name(database) == VECTOR_ROSTER["tenant"]["name"]
    assert startup_facts(database).language == "auto"
    with KioskRuntime.open(tmp_path, vault=KeyringVault(MemoryKeyring())) as runtime:
        runtime.preferences.save(KioskPreferences(language="ja"))
    assert startup_facts(database) == StartupFacts(VECTOR_ROSTER["tenant"]["name"], "ja")
    assert academy_name(tmp_path / "missing.sqlite3") is None
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"not a database at all" * 100)
    assert academy_name(garbage) is None


def test_the_demo_academy_is_the_seeded_one(tmp_path: Path) -> None:
    summary = seed(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    assert summary.tenants[GOLDEN_TIGER].name == DEMO_ACADEMY


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        ([], {"DISPLAY": ":0"}, True),
        (["--demo", "--quit-after", "3"], {"DISPLAY": ":0"}, True),
        (["--headless"], {"DISPLAY": ":0"}, False),
        (["--source", "stdin"], {"DISPLAY": ":0"}, False),
        (["decode", "card.png"], {"DISPLAY": ":0"}, False),
        (["sync", "--once"], {"DISPLAY": ":0"}, False),
        (["--help"], {"DISPLAY": ":0"}, False),
        ([], {}, False),  # no display: headless
        ([], {"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, False),
        ([], {"DISPLAY": ":0", "TATAMI_CAMERA_SOURCE": "stdin"}, False),
    ],
)
def test_the_start_up_screen_shows_only_when_the_window_will(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, args: list[str], env: dict[str, str],
    expected: bool,
) -> None:  # fmt: skip
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "TATAMI_CAMERA_SOURCE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert window_expected([*args, "--data-dir", str(tmp_path)]) is expected


def test_a_stdin_source_in_the_configuration_file_means_no_window(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("TATAMI_CAMERA_SOURCE", raising=False)
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "kiosk.toml").write_text('camera_source = "stdin"\n')
    assert not window_expected(["--data-dir", str(tmp_path)])


def test_the_start_up_screen_closes_itself_once_the_kiosk_window_shows(qtbot: QtBot) -> None:
    splash = StartupScreen("Golden Tiger", full_screen=False)
    qtbot.addWidget(splash)
    splash.show_now()
    texts = [label.text() for label in splash.findChildren(QLabel)]
    assert texts == ["Golden Tiger", "Starting camera…"]
    japanese = StartupScreen("Golden Tiger", language="ja", full_screen=False)
    qtbot.addWidget(japanese)
    assert [label.text() for label in japanese.findChildren(QLabel)][1] == "カメラを起動しています…"
    window = QWidget()
    qtbot.addWidget(window)
    with qtbot.waitSignal(splash.dismissed, timeout=5000):
        window.show()
    assert not splash.isVisible() and window.isVisible()
