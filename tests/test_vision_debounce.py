"""The debouncer: a held card is one scan, a new card passes at once."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.debounce import Debouncer


def test_held_card_is_one_scan() -> None:
    debouncer = Debouncer(2.5)
    sightings = [i * 0.1 for i in range(100)]  # ten seconds in front of the lens
    assert [debouncer.seen("card-a", t) for t in sightings].count(True) == 1


def test_same_card_scans_again_after_being_out_of_sight() -> None:
    debouncer = Debouncer(2.5)
    assert debouncer.seen("card-a", 0.0)
    assert not debouncer.seen("card-a", 2.0)
    assert not debouncer.seen("card-a", 4.4)  # still in view: window runs from the last sighting
    assert debouncer.seen("card-a", 4.4 + 2.5)


def test_different_card_passes_immediately() -> None:
    debouncer = Debouncer(2.5)
    assert debouncer.seen("card-a", 0.0)
    assert debouncer.seen("card-b", 0.05)
    # Two students alternating in front of the lens do not re-trigger each other.
    assert not debouncer.seen("card-a", 0.1)
    assert not debouncer.seen("card-b", 0.15)


def test_flicker_shorter_than_window_stays_one_scan() -> None:
    debouncer = Debouncer(2.5)
    times = [0.0, 0.5, 2.9, 5.2, 7.6]  # decoded now and then, gaps < 2.5 s
    assert [debouncer.seen("x", t) for t in times] == [True, False, False, False, False]


def test_reset_and_zero_window() -> None:
    debouncer = Debouncer(2.5)
    assert debouncer.seen("x", 0.0)
    debouncer.reset()
    assert debouncer.seen("x", 0.1)
    no_hold = Debouncer(0.0)
    assert no_hold.seen("x", 1.0) and no_hold.seen("x", 1.0)


def test_memory_is_bounded() -> None:
    debouncer = Debouncer(1000.0, max_texts=8)
    for i in range(100):
        assert debouncer.seen(f"card-{i}", float(i) * 0.01)
    assert len(debouncer._last_seen) <= 8


@given(gaps=st.lists(st.floats(min_value=0.0, max_value=2.49), min_size=1, max_size=60))
def test_any_continuous_hold_is_one_scan(gaps: list[float]) -> None:
    debouncer = Debouncer(2.5)
    now = 100.0
    scans = [debouncer.seen("held", now)]
    for gap in gaps:
        now += gap
        scans.append(debouncer.seen("held", now))
    assert scans.count(True) == 1


@given(gap=st.floats(min_value=2.5, max_value=1e6))
def test_gap_of_window_or_more_scans_again(gap: float) -> None:
    debouncer = Debouncer(2.5)
    assert debouncer.seen("x", 10.0)
    assert debouncer.seen("x", 10.0 + gap)
