"""Inputs for ``installer/smoke_frozen.sh``, made with the source tree's Python.

The frozen kiosk holds no signing key (a kiosk never does), so the smoke's tokens are signed here
with the deterministic test-vector keys of ``tests/support.py``, valid from now, together with the
vector roster that carries the matching public keys, and a QR image of one token for ``decode``.

    python installer/smoke_inputs.py OUT_DIR

writes OUT_DIR/roster.json, scans.txt (one scan a line), expected.txt (the outcomes, in order)
and pass.png.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support import DATA, VECTOR_ROSTER, make_token  # noqa: E402


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    (out / "roster.json").write_text(json.dumps(VECTOR_ROSTER), encoding="utf-8")
    ana = make_token("ana", now=now)
    scans = [
        (ana, "accepted"),
        (ana, "duplicate"),
        (make_token("ben", now=now, kind="card"), "accepted"),
        (
            "https://golden-tiger.tatamitech.com/checkin?token=" + make_token("carla", now=now),
            "accepted",
        ),
        ("not a code", "invalid_code"),
        ((DATA / "tokens" / "other_tenant.txt").read_text().strip(), "wrong_tenant"),
        ((DATA / "tokens" / "forged_signature.txt").read_text().strip(), "bad_signature"),
    ]
    (out / "scans.txt").write_text("".join(text + "\n" for text, _ in scans), encoding="utf-8")
    (out / "expected.txt").write_text("".join(o + "\n" for _, o in scans), encoding="utf-8")
    import segno

    segno.make_qr(make_token("dai", now=now), error="m").save(out / "pass.png", scale=6, border=4)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: smoke_inputs.py OUT_DIR")
    main(Path(sys.argv[1]))
