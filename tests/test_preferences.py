"""Kiosk preferences: stored in the kiosk's own database, read back safely whatever is there."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.adapters.secrets import KeyringVault
from kiosk.domain.decision import Outcome
from kiosk.domain.ports import ScanSource
from kiosk.runtime import KioskRuntime
from kiosk.services.preferences import (
    MAX_RESULT_SECONDS,
    MAX_WINDOW_MINUTES,
    KioskPreferences,
)
from tests.keyring_backends import MemoryKeyring
from tests.support import VECTOR_ROSTER, make_token


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, KioskPreferences()),
        ("", KioskPreferences()),
        ("not json", KioskPreferences()),
        ("[1, 2]", KioskPreferences()),
        ('{"sound": false, "unknown": 1}', KioskPreferences(sound=False)),
        ('{"result_seconds": 60}', KioskPreferences(result_seconds=MAX_RESULT_SECONDS)),
        ('{"language": "xx"}', KioskPreferences()),
        ('{"checkin_window_minutes": 45}', KioskPreferences(checkin_window_minutes=45)),
        ('{"checkin_window_minutes": 0}', KioskPreferences(checkin_window_minutes=1)),
        (
            '{"checkin_window_minutes": 99999}',
            KioskPreferences(checkin_window_minutes=MAX_WINDOW_MINUTES),
        ),
        ('{"checkin_window_minutes": "45"}', KioskPreferences()),
        ('{"checkin_window_minutes": true}', KioskPreferences()),
    ],
)
def test_stored_preferences_are_read_back_in_range(
    text: str | None, expected: KioskPreferences
) -> None:
    assert KioskPreferences.from_json(text) == expected


def test_a_kiosk_reopened_keeps_the_window_staff_chose(tmp_path: Path) -> None:
    """The wizard's window is stored with the kiosk and applies to the next run, headless too."""
    vault = KeyringVault(MemoryKeyring())
    with KioskRuntime.open(tmp_path, vault=vault) as context:
        context.provisioning.apply_document(VECTOR_ROSTER)
        context.preferences.save(replace(context.preferences.load(), checkin_window_minutes=30))
        start = context.clock.now()
        card = make_token("ana", kind="card", now=start, ttl=timedelta(days=1))
        assert context.checkin.handle_scan(card, ScanSource.CAMERA).outcome is Outcome.ACCEPTED
    with KioskRuntime.open(tmp_path, vault=vault) as context:
        again = context.checkin.handle_scan(card, ScanSource.CAMERA, now=start + _45_MINUTES)
        assert again.outcome is Outcome.ACCEPTED  # past the kiosk's 30 minutes
        context.preferences.save(replace(context.preferences.load(), checkin_window_minutes=None))
    with KioskRuntime.open(tmp_path, vault=vault) as context:
        third = context.checkin.handle_scan(card, ScanSource.CAMERA, now=start + 2 * _45_MINUTES)
        assert third.outcome is Outcome.DUPLICATE  # inside the academy's 120 minutes


_45_MINUTES = timedelta(minutes=45)
