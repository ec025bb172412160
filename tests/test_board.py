"""The instructor's eligibility board without Qt: BoardService over a real store and roster."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from kiosk.adapters.store import SqliteStore
from kiosk.domain.decision import Outcome
from kiosk.domain.ports import ScanSource
from kiosk.services.board import BoardFilter, BoardService
from kiosk.services.checkin import CheckInService
from kiosk.services.provisioning import ProvisioningService
from tests.support import ManualClock, make_token, roster_doc, roster_student

# The clock stands at Thursday 2026-11-26, 19:00 in Madrid. White → yellow needs 16 classes,
# 60 days and fees paid; yellow → orange 20 classes and 90 days.
STUDENTS = [
    roster_student("ana eligible", classesSincePromotion=16),
    roster_student("ben close", classesSincePromotion=13),  # 3 classes short
    roster_student("carla far", classesSincePromotion=5),  # 11 classes short
    roster_student("dai days", classesSincePromotion=20, rankSince="2026-11-06T12:00:00Z"),
    roster_student("dora soon", classesSincePromotion=20, rankSince="2026-09-30T12:00:00Z"),
    roster_student("eve unpaid", classesSincePromotion=15, flags={"feesPaid": False}),
    roster_student(
        "gus deferred", classesSincePromotion=16, override={"type": "defer", "note": "knee"}
    ),
    roster_student("hana nearly", classesSincePromotion=15),  # 1 class short
    roster_student(
        "finn yellow", rank="yellow", classesSincePromotion=30, rankSince="2026-06-01T12:00:00Z"
    ),
    roster_student("kim kid", program="kids", classesSincePromotion=16),
]


@pytest.fixture
def dojo(provisioned: SqliteStore, clock: ManualClock) -> SqliteStore:
    doc = roster_doc(
        seq=101,
        ranks=[
            {"id": "white", "name": "White"},
            {"id": "yellow", "name": "Yellow"},
            {"id": "orange", "name": "Orange"},
        ],
        programs=[
            {"id": "adults", "name": "Adults", "ranks": ["white", "yellow", "orange"]},
            {"id": "kids", "name": "Kids", "ranks": ["white", "yellow"]},
        ],
        rules={
            "white_to_yellow": {"attendances": 16, "daysInRank": 60, "requires": ["feesPaid"]},
            "yellow_to_orange": {"attendances": 20, "daysInRank": 90},
        },
        students=STUDENTS,
    )
    ProvisioningService(provisioned, clock).apply_document(doc)
    return provisioned


def names(board: BoardService, **filters: Any) -> list[str]:
    return [row.student.display_name for row in board.eligibility_board(BoardFilter(**filters))]


ELIGIBLE = ["Ana Eligible", "Finn Yellow", "Kim Kid"]


@pytest.mark.usefixtures("dojo")
def test_whole_board_eligible_first_then_closest(board: BoardService) -> None:
    rows = board.eligibility_board()
    assert [r.student.display_name for r in rows] == [
        *ELIGIBLE,
        "Gus Deferred",  # nothing missing but the instructor's deferral
        "Dora Soon",  # 3 days
        "Dai Days",  # 20 days
        "Eve Unpaid",  # 1 class (and fees)
        "Hana Nearly",  # 1 class
        "Ben Close",
        "Carla Far",
    ]
    dai = next(r for r in rows if r.student.display_name == "Dai Days")
    assert (dai.eligibility.stats.classes_missing, dai.eligibility.stats.days_missing) == (0, 40)
    finn = next(r for r in rows if r.student.display_name == "Finn Yellow")
    assert finn.next_rank is not None and finn.next_rank.id == "orange"


@pytest.mark.usefixtures("dojo")
def test_eligible_now(board: BoardService) -> None:
    assert names(board, eligible_only=True) == ELIGIBLE


@pytest.mark.usefixtures("dojo")
def test_within_classes_and_days(board: BoardService) -> None:
    """Eligible after at most N more classes / days; a bound not given must already be met, and
    a missing prerequisite or a deferral is never close."""
    assert names(board, within_classes=3) == [*ELIGIBLE, "Hana Nearly", "Ben Close"]
    assert names(board, within_classes=2) == [*ELIGIBLE, "Hana Nearly"]
    assert names(board, within_days=14) == [*ELIGIBLE, "Dora Soon"]  # Dai is 40 days short
    assert names(board, within_days=40) == [*ELIGIBLE, "Dora Soon", "Dai Days"]
    assert names(board, within_classes=3, within_days=14) == [
        *ELIGIBLE,
        "Dora Soon",
        "Hana Nearly",
        "Ben Close",
    ]
    assert names(board, within_classes=0, within_days=0) == ELIGIBLE
    assert names(board, eligible_only=True, within_classes=3) == ELIGIBLE


@pytest.mark.usefixtures("dojo")
def test_program_rank_and_name_search(board: BoardService) -> None:
    assert names(board, program_id="kids") == ["Kim Kid"]
    assert names(board, program_id="adults", eligible_only=True) == ["Ana Eligible", "Finn Yellow"]
    assert names(board, rank_id="yellow") == ["Finn Yellow"]
    assert names(board, query="DA") == ["Dai Days"]  # case-insensitive, anywhere in the name
    assert names(board, query="ana", within_classes=3) == ["Ana Eligible", "Hana Nearly"]
    assert names(board, query="nobody") == []


def test_board_counts_this_kiosks_check_ins(
    dojo: SqliteStore, board: BoardService, clock: ManualClock
) -> None:
    """The roster says 15; Hana's scan here makes 16: the board agrees with the scan screen."""
    card = make_token("hana nearly", kind="card", ttl=timedelta(days=30))
    result = CheckInService(dojo, clock).handle_scan(card, ScanSource.CAMERA)
    assert result.outcome is Outcome.ACCEPTED and result.eligibility is not None
    assert result.eligibility.eligible
    assert names(board, eligible_only=True) == [
        "Ana Eligible",
        "Finn Yellow",
        "Hana Nearly",
        "Kim Kid",
    ]


def test_no_roster_no_rows(store: SqliteStore, clock: ManualClock) -> None:
    assert BoardService(store, clock).eligibility_board(BoardFilter(eligible_only=True)) == []
