"""Crash safety: SIGKILL the headless kiosk at random moments while it scans and syncs.

Each round starts ``tatami-kiosk run --headless --source stdin`` (a registered kiosk: it syncs in
the background), types a burst of codes into it as a USB wedge would, and kills it with SIGKILL
after a random delay: during start-up, mid-transaction, mid-upload. After the last round a
``sync --once`` drains the queue. Then:

- every scan the kiosk *printed* as accepted is in its ledger (green only after commit);
- the backend stored exactly the kiosk's accepted check-ins, each once, and counted each
  attendance once.

    python -m tests.crashloop --kills 500      # more rounds than CI runs
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.adapters.secrets import KeyringVault
from kiosk.runtime import KioskRuntime
from kiosk.server.embedded import RunningServer, start_server
from kiosk.server.seed import GOLDEN_TIGER, create_synthetic_students
from tests.keyring_backends import MemoryKeyring
from tests.ops_support import kiosk, kiosk_env
from tests.sync_support import assert_invariant

ROOT = Path(__file__).parent.parent


@dataclass
class CrashReport:
    rounds: int = 0
    printed_accepted: set[str] = field(default_factory=set)
    printed_lines: int = 0
    killed_before_output: int = 0


def _env(workdir: Path) -> dict[str, str]:
    return kiosk_env(
        workdir / "kiosk", keyring_file=workdir / "keyring.json", TATAMI_LOG_LEVEL="ERROR"
    )


def _kiosk(workdir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return kiosk(*args, env=_env(workdir), stdin=stdin, timeout=180)


def prepare(workdir: Path, server: RunningServer, students: int = 300) -> list[str]:
    """Register a kiosk (token in a file keyring) and return card tokens for many students."""
    assert server.seed is not None
    ids = create_synthetic_students(server.database, GOLDEN_TIGER, students)
    setup = _kiosk(
        workdir,
        "setup", "--api", server.base_url, "--tenant", GOLDEN_TIGER,
        "--email", f"admin@{GOLDEN_TIGER}.test", "--password-stdin",
        stdin=server.seed.password + "\n",
    )  # fmt: skip
    if setup.returncode != 0:
        raise RuntimeError(f"setup failed: {setup.stderr}")
    return [server.issue_token(GOLDEN_TIGER, sid, "card") for sid in ids]


def one_round(workdir: Path, lines: list[str], kill_after: float, report: CrashReport) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "run", "--headless", "--source", "stdin"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=_env(workdir),
        cwd=ROOT,
    )
    assert process.stdin is not None and process.stdout is not None
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(process.stdout), daemon=True)  # type: ignore[arg-type]
    reader.start()

    def type_codes() -> None:
        try:
            for line in lines:
                process.stdin.write(line + "\n")  # type: ignore[union-attr]
                process.stdin.flush()  # type: ignore[union-attr]
        except (BrokenPipeError, OSError, ValueError):
            pass  # killed while typing

    writer = threading.Thread(target=type_codes, daemon=True)
    writer.start()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=kill_after)  # the random moment of the power cut
    process.send_signal(signal.SIGKILL)
    process.wait()
    reader.join(10)
    writer.join(10)
    for stream in (process.stdin, process.stdout):
        with contextlib.suppress(BrokenPipeError, OSError):
            stream.close()  # type: ignore[union-attr]
    report.rounds += 1
    if not output:
        report.killed_before_output += 1
    for line in output:
        if not line.endswith("\n"):
            continue  # a line cut by the kill was never fully shown
        payload = json.loads(line)
        report.printed_lines += 1
        if payload.get("outcome") == "accepted":
            report.printed_accepted.add(payload["scanId"])


def crash_loop(workdir: Path, server: RunningServer, kills: int, seed: int = 1) -> CrashReport:
    rng = random.Random(seed)
    cards = prepare(workdir, server)
    report = CrashReport()
    for _ in range(kills):
        burst = rng.sample(cards, 12) + rng.sample(cards, 3) + ["garbage"]
        rng.shuffle(burst)
        one_round(workdir, burst, rng.uniform(0.3, 3.0), report)
    for _ in range(3):  # drain: a final sync (retried: the last kill may have cut a session)
        if _kiosk(workdir, "sync", "--once").returncode == 0:
            break
    return report


def verify(workdir: Path, server: RunningServer, report: CrashReport) -> int:
    with KioskRuntime.open(workdir / "kiosk", vault=KeyringVault(MemoryKeyring())) as context:
        rows = context.store.read(lambda ledger: ledger.recent_scans(1_000_000))
        accepted = {r.scan_id for r in rows if r.outcome.value == "accepted"}
        missing = report.printed_accepted - accepted
        assert not missing, f"{len(missing)} check-ins were shown accepted but not kept"
        assert_invariant(server, context)
        return len(accepted)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tatami-crash-") as tmp:
        workdir = Path(tmp)
        with start_server(f"sqlite:///{workdir / 'server.sqlite3'}") as server:
            report = crash_loop(workdir, server, args.kills, args.seed)
            kept = verify(workdir, server, report)
    print(
        f"{report.rounds} SIGKILLs; {report.killed_before_output} before any output; "
        f"{report.printed_lines} scans printed, {len(report.printed_accepted)} shown accepted; "
        f"{kept} accepted check-ins kept and uploaded exactly once."
    )


if __name__ == "__main__":
    main()
