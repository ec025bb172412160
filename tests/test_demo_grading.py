"""The demo shows grading: a tardy check-in, a restricted class, a stripe given at the kiosk."""

from __future__ import annotations

from pathlib import Path

from kiosk.demo import DemoEnvironment
from kiosk.domain.decision import Outcome
from kiosk.domain.ports import ScanSource


def test_the_demo_feed_shows_tardiness_a_restricted_class_and_a_stripe(tmp_path: Path) -> None:
    with DemoEnvironment.start(tmp_path / "demo") as demo:
        checkin = demo.runtime.checkin
        results = []
        for _ in range(6):
            text = demo.next_text()
            results.append(checkin.handle_scan(text, ScanSource.CAMERA) if text else None)
        card, kid, white_belt, due, nobody, again = results
        assert card is not None and card.outcome is Outcome.ACCEPTED
        assert kid is not None and kid.outcome is Outcome.ACCEPTED and kid.tardy
        assert kid.class_name == "Kids Judo"
        assert white_belt is not None and white_belt.outcome is Outcome.ACCEPTED
        assert white_belt.min_rank is not None and white_belt.min_rank.id == "blue"
        assert white_belt.class_name == "Advanced BJJ"
        assert due is not None and due.stripe_eligible and due.stripes == 2
        assert nobody is None  # the instructor gave the stripe at the kiosk meanwhile
        assert again is not None and again.outcome is Outcome.DUPLICATE and again.stripes == 3
        promotions = demo.runtime.store.read(lambda ledger: ledger.promotions())
        assert [(p.target.from_stripes, p.target.to_stripes) for p in promotions] == [(2, 3)]
        # It reaches the demo's server like any promotion.
        engine = demo.runtime.sync.connect()
        assert engine is not None
        assert engine.upload_promotions().sent == 1
