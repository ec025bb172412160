"""Benchmark: sync against the reference server on loopback.

    python bench/bench_sync.py [--students 10000] [--checkins 10000]

- roster: full pull of N students; incremental pull of 10 changes;
- upload: N queued check-ins through the sync engine (batches, parse, acknowledge in the store),
  against the baseline of a bare batched POST of the same payload (same batch size, one client,
  no store), measured in the same run against the same server.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.adapters.api_client import HttpBackend, checkin_json
from kiosk.adapters.secrets import KeyringVault
from kiosk.domain.decision import Outcome
from kiosk.domain.ports import ScanRecord, ScanSource, SyncState
from kiosk.runtime import KioskRuntime
from kiosk.server.embedded import RunningServer, start_server
from kiosk.server.seed import GOLDEN_TIGER, create_synthetic_students
from kiosk.services.sync import SyncEngine
from tests.keyring_backends import MemoryKeyring

BATCH = 500


def register(server: RunningServer, root: Path, name: str) -> KioskRuntime:
    assert server.seed is not None
    context = KioskRuntime.open(root, vault=KeyringVault(MemoryKeyring()))
    api = HttpBackend(server.base_url, GOLDEN_TIGER)
    context.setup.register(
        api, server.base_url, f"admin@{GOLDEN_TIGER}.test", server.seed.password, name
    )
    api.close()
    return context


def queue_checkins(context: KioskRuntime, student_ids: list[str], count: int) -> None:
    """Fill the outbox directly: ``count`` accepted check-ins, one per student, in the past."""
    start = datetime.now(UTC) - timedelta(days=2)

    def fill(ledger: Any) -> None:
        for i in range(count):
            ledger.record_scan(
                ScanRecord(
                    scan_id=str(uuid.uuid4()),
                    scanned_at=start + timedelta(seconds=i),
                    clock_offset_ms=0,
                    outcome=Outcome.ACCEPTED,
                    source=ScanSource.CAMERA,
                    sync_state=SyncState.PENDING,
                    student_id=student_ids[i % len(student_ids)],
                )
            )

    context.store.write(fill)


def bare_upload(server: RunningServer, context: KioskRuntime) -> float:
    """The baseline: POST the same items in the same batches, parse the answers, nothing else."""
    identity = context.setup.identity()
    assert identity is not None
    token = context.vault.get_device_token(str(identity.kiosk_id))
    outbox = context.store.read(lambda snapshot: snapshot.pending_checkins(1_000_000))
    items = [checkin_json(item) for item in outbox]
    headers = {"X-Tenant": GOLDEN_TIGER}
    with httpx.Client(base_url=server.base_url, headers=headers) as client:
        session = client.post("/api/auth/refresh", json={"deviceToken": token}).json()
        client.headers["Authorization"] = f"Bearer {session['accessToken']}"
        started = time.perf_counter()
        for first in range(0, len(items), BATCH):
            answer = client.post(
                "/api/kiosk/checkins", json={"items": items[first : first + BATCH]}
            )
            answer.raise_for_status()
            assert len(answer.json()["results"]) == len(items[first : first + BATCH])
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=10_000)
    parser.add_argument("--checkins", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="incremental pulls to time")
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; server and kiosk in one process, loopback HTTP"
    )
    with tempfile.TemporaryDirectory(prefix="tatami-bench-") as tmp:
        root = Path(tmp)
        with start_server(f"sqlite:///{root / 'server.sqlite3'}") as server:
            ids = create_synthetic_students(server.database, GOLDEN_TIGER, args.students)
            with (
                register(server, root / "a", "bench A") as kiosk_a,
                register(server, root / "b", "bench B") as kiosk_b,
            ):
                engine = kiosk_a.sync.connect()
                assert engine is not None
                started = time.perf_counter()
                full = engine.pull_once()
                full_s = time.perf_counter() - started
                assert full.applied and full.full, full
                incremental = []
                for round_ in range(args.repeat):
                    create_synthetic_students(
                        server.database, GOLDEN_TIGER, 10, rng_seed=round_ + 1
                    )
                    started = time.perf_counter()
                    delta = engine.pull_once()
                    incremental.append(time.perf_counter() - started)
                    assert delta.applied and not delta.full, delta

                # Warm the server's code paths first, so neither measured run pays for it.
                with register(server, root / "c", "bench C") as kiosk_c:
                    queue_checkins(kiosk_c, ids, 1_000)
                    bare_upload(server, kiosk_c)
                queue_checkins(kiosk_b, ids, args.checkins)
                baseline_s = bare_upload(server, kiosk_b)

                queue_checkins(kiosk_a, ids, args.checkins)
                sync_engine = SyncEngine(
                    kiosk_a.store,
                    HttpBackend(server.base_url, GOLDEN_TIGER),
                    kiosk_a.vault,
                    kiosk_a.clock,
                    batch_size=BATCH,
                )
                started = time.perf_counter()
                report = sync_engine.upload_once()
                upload_s = time.perf_counter() - started
                assert report.sent == args.checkins and report.error is None, report

    print()
    print("| roster pull | time | goal |")
    print("|---|---|---|")
    print(f"| full, {full.students} students | {full_s:.2f} s | <= 3 s |")
    inc_ms = statistics.median(incremental) * 1000
    print(f"| incremental, 10 changes (median of {args.repeat}) | {inc_ms:.0f} ms | <= 100 ms |")
    print()
    print(f"| upload {args.checkins} check-ins, batches of {BATCH} | time | ratio |")
    print("|---|---|---|")
    print(f"| bare batched POST (baseline) | {baseline_s:.2f} s | 1.00x |")
    ratio = upload_s / baseline_s
    print(f"| sync engine (parse, acknowledge, fsync) | {upload_s:.2f} s | {ratio:.2f}x |")
    print("| goals | <= 10 s | <= 1.5x |")


if __name__ == "__main__":
    main()
