"""The server's duplicate rule is the kiosk's, and concurrent uploads keep seq and counts exact."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.domain.decision import PriorCheckin, find_duplicate
from kiosk.server.ingest import counting_duplicate, session_of
from kiosk.server.seed import student_id_for
from tests.server_support import GT, NOW, Api, item, running

BASE = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=120)
_SESSIONS = st.sampled_from([None, "c-mon-1700@2026-11-23", "c-mon-1900@2026-11-23"])
_SCANS = st.lists(st.tuples(st.integers(0, 600), _SESSIONS), min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(_SCANS)
def test_in_order_arrival_matches_the_kiosk(scans: list[tuple[int, str | None]]) -> None:
    """Check-ins arriving in time order: the server decides exactly as a kiosk would."""
    counted: list[PriorCheckin] = []
    for minute, session in sorted(scans, key=lambda s: s[0]):
        at = BASE + timedelta(minutes=minute)
        kiosk = find_duplicate(counted, session_of(session), WINDOW, at)
        server = counting_duplicate(counted, session, WINDOW, at)
        assert server == kiosk
        if kiosk is None:
            counted.append(PriorCheckin(f"a{len(counted)}", at, session))


@settings(max_examples=300, deadline=None)
@given(_SCANS, st.randoms(use_true_random=False))
def test_any_arrival_order_leaves_no_two_counted_duplicates(
    scans: list[tuple[int, str | None]], rnd: object
) -> None:
    """Whatever the upload order, no counted check-in is a duplicate of another counted one."""
    import random

    assert isinstance(rnd, random.Random)
    order = list(scans)
    rnd.shuffle(order)
    counted: list[PriorCheckin] = []
    for minute, session in order:
        at = BASE + timedelta(minutes=minute)
        if counting_duplicate(counted, session, WINDOW, at) is None:
            counted.append(PriorCheckin(f"a{len(counted)}", at, session))
    for one in counted:
        others = [p for p in counted if p is not one]
        assert counting_duplicate(others, one.session_id, WINDOW, one.scanned_at) is None


def test_concurrent_batches_from_two_kiosks(tmp_path: Path) -> None:
    with running(tmp_path) as (server, _clock), Api(server) as api:
        kiosks = [api.new_kiosk("A"), api.new_kiosk("B")]
        start_seq = api.roster(kiosks[0])["seq"]
        students = [student_id_for(GT, i) for i in range(13, 40)]
        # Both kiosks saw every student at the same moments: each pair is one attendance.
        moments = [NOW - timedelta(hours=3 * h) for h in range(1, 9)]
        batches = [
            [item(s, at) for s in students for at in moments],
            [item(s, at + timedelta(minutes=1)) for s in students for at in moments],
        ]
        results: list[list[dict[str, object]]] = [[], []]
        errors: list[BaseException] = []

        def upload(index: int) -> None:
            try:
                with Api(server) as own:
                    for chunk in range(0, len(batches[index]), 100):
                        part = batches[index][chunk : chunk + 100]
                        response = own.checkins(kiosks[index], part)
                        assert response.status_code == 200
                        results[index].extend(response.json()["results"])
            except BaseException as exc:  # reported below, in the test thread
                errors.append(exc)

        threads = [threading.Thread(target=upload, args=(i,)) for i in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors
        flat = results[0] + results[1]
        # Counted: created, or flagged (a few seeded students are suspended).
        created = [r for r in flat if r["status"] in ("created", "flagged")]
        duplicates = [r for r in flat if r["status"] == "duplicate"]
        assert len(created) == len(duplicates) == len(students) * len(moments)
        seqs = sorted(int(str(r["seq"])) for r in created)
        assert seqs == list(range(start_seq + 1, start_seq + 1 + len(created)))
        assert {r["seq"] for r in duplicates} <= set(seqs)
