"""Benchmark: handle_scan with a 10 000-student roster, roster apply, student lookup.

    python bench/bench_store.py [--students 10000] [--scans 1000] [--rounds 5]

Prints tables. Latency is for the whole use case (read token, verify Ed25519, decide, write
ledger + outbox + spent nonce, fsync'd commit). FULL is what the kiosk runs; NORMAL is measured in
the same process as the baseline for the durability cost.

One run of each mode gave FULL/NORMAL ratios from 1.15x to 8.9x: fsync cost drifts with whatever
else the machine is doing. So each round opens a fresh database per mode and the two modes take
turns in blocks of 50 scans (which goes first alternates), so both see the same conditions; the
ratio is taken within each round and the tables report medians across rounds.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import secrets
import sqlite3
import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.adapters.store import SqliteStore
from kiosk.domain.ports import ScanSource
from kiosk.domain.tokens import b64url_encode, issue_token, public_key_x
from kiosk.services.checkin import CheckInService
from kiosk.services.provisioning import ProvisioningService


@dataclass
class BenchClock:
    current: datetime = field(default_factory=lambda: datetime.now(UTC))
    offset_ms: int = 0

    def now(self) -> datetime:
        return self.current


def roster(students: int, key: Ed25519PrivateKey, tenant: str) -> dict[str, Any]:
    ranks = ["white", "yellow", "orange", "green", "blue", "brown", "black"]
    return {
        "schema": "tatamitech.kiosk.roster/1",
        "tenant": {"id": tenant, "slug": "bench", "name": "Bench Dojo"},
        "seq": 1,
        "full": True,
        "settings": {"timeZone": "Europe/Madrid"},
        "ranks": [{"id": r, "name": r.title()} for r in ranks],
        "programs": [{"id": "main", "name": "Main", "ranks": ranks}],
        "rules": {
            f"{a}_to_{b}": {"attendances": 16, "daysInRank": 60}
            for a, b in itertools.pairwise(ranks)
        },
        "keys": [{"kty": "OKP", "crv": "Ed25519", "kid": "k1", "x": public_key_x(key)}],
        "revokedNonces": [b64url_encode(secrets.token_bytes(16)) for _ in range(200)],
        "classes": [
            {
                "id": f"c{d}{h}",
                "name": f"Class {h}",
                "weekday": d,
                "start": f"{h:02d}:00",
                "durationMinutes": 60,
            }
            for d in range(7)
            for h in (7, 12, 18, 19, 20)
        ],
        "students": [
            {
                "id": str(uuid.UUID(int=i + 1)),
                "displayName": f"Student {i:05d}",
                "program": "main",
                "rank": ranks[i % len(ranks)],
                "rankSince": "2026-01-15T18:00:00Z",
                "classesSincePromotion": i % 40,
                "flags": {"feesPaid": True},
            }
            for i in range(students)
        ],
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class ModeRun:
    """One synchronous mode in one round: a fresh database, its roster applied, tokens ready."""

    def __init__(self, mode: str, students: int, scans: int, workdir: Path) -> None:
        key = Ed25519PrivateKey.generate()
        tenant = str(uuid.uuid4())
        doc = roster(students, key, tenant)
        clock = BenchClock()
        self.result: dict[str, float] = {}
        self.latencies: list[float] = []
        self.store = SqliteStore(workdir / f"{mode}.sqlite3", synchronous=mode)
        started = time.perf_counter()
        ProvisioningService(self.store, clock).apply_document(doc)
        self.result["apply_s"] = time.perf_counter() - started

        ids = [s["id"] for s in doc["students"]]
        lookups = ids[:: max(1, len(ids) // 2000)]
        started = time.perf_counter()

        def lookup_all(ledger: Any) -> None:
            roster_view = ledger.roster
            for sid in lookups:
                roster_view.student(sid)

        self.store.read(lookup_all)
        self.result["lookup_ms"] = (time.perf_counter() - started) * 1000 / len(lookups)

        self.service = CheckInService(self.store, clock)
        now = clock.now()
        self.tokens = [
            issue_token(
                key,
                "k1",
                {
                    "studentId": ids[i * 7 % len(ids)],
                    "tenantId": tenant,
                    "nonce": b64url_encode(secrets.token_bytes(16)),
                    "exp": int((now + timedelta(minutes=10)).timestamp()),
                    "iat": int(now.timestamp()),
                    "kind": "pass",
                },
            )
            for i in range(scans)
        ]
        for token in self.tokens[:20]:  # warm up caches and the WAL
            self.service.handle_scan(token, ScanSource.CAMERA)
        self.next = 20

    def scan_block(self, size: int) -> None:
        for token in self.tokens[self.next : self.next + size]:
            started = time.perf_counter()
            outcome = self.service.handle_scan(token, ScanSource.CAMERA)
            self.latencies.append((time.perf_counter() - started) * 1000)
            assert outcome.recorded, outcome.outcome
        self.next += size

    def finish(self) -> dict[str, float]:
        self.store.close()
        self.result["p50_ms"] = statistics.median(self.latencies)
        self.result["p95_ms"] = percentile(self.latencies, 0.95)
        self.result["max_ms"] = max(self.latencies)
        return self.result


#: Scans per turn when the two modes take turns inside a round: short enough that both see the
#: same disk and CPU weather, long enough for FULL's WAL checkpoints to land in its own turns.
BLOCK = 50


def interleaved(
    students: int, scans: int, rounds: int, workdir: Path
) -> dict[str, list[dict[str, float]]]:
    """Each round: fresh NORMAL and FULL databases, then blocks of scans taking turns; which
    mode goes first alternates between rounds (and between blocks)."""
    results: dict[str, list[dict[str, float]]] = {"NORMAL": [], "FULL": []}
    for round_no in range(rounds):
        order = ("NORMAL", "FULL") if round_no % 2 == 0 else ("FULL", "NORMAL")
        round_dir = workdir / f"round{round_no}"
        round_dir.mkdir()
        runs = {mode: ModeRun(mode, students, scans, round_dir) for mode in order}
        for block_no in range(0, scans - 20, BLOCK):
            turn = order if (block_no // BLOCK) % 2 == 0 else order[::-1]
            for mode in turn:
                runs[mode].scan_block(min(BLOCK, scans - 20 - block_no))
        for mode in order:
            results[mode].append(runs[mode].finish())
    return results


def median_of(rows: list[dict[str, float]], key: str) -> float:
    return statistics.median(row[key] for row in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=10_000)
    parser.add_argument("--scans", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{platform.platform()}"
    )
    print(
        f"roster: {args.students} students; scans: {args.scans} per mode and round "
        f"(each a new attendance); {args.rounds} rounds, modes alternating\n"
    )
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as tmp:
        results = interleaved(args.students, args.scans, args.rounds, Path(tmp))
    normal, full = results["NORMAL"], results["FULL"]
    # Paired ratios: each round's FULL against the NORMAL measured next to it.
    p50_ratios = [f["p50_ms"] / n["p50_ms"] for f, n in zip(full, normal, strict=True)]
    p95_ratios = [f["p95_ms"] / n["p95_ms"] for f, n in zip(full, normal, strict=True)]

    print("| round | NORMAL p50 / p95 ms | FULL p50 / p95 ms | FULL / NORMAL p50 / p95 |")
    print("|---|---|---|---|")
    for i, (n, f) in enumerate(zip(normal, full, strict=True)):
        print(
            f"| {i + 1} | {n['p50_ms']:.2f} / {n['p95_ms']:.2f} | "
            f"{f['p50_ms']:.2f} / {f['p95_ms']:.2f} | "
            f"{p50_ratios[i]:.2f}x / {p95_ratios[i]:.2f}x |"
        )

    print(
        f"\n| handle_scan (incl. commit), median of {args.rounds} rounds "
        "| p50 ms | p95 ms | max ms |"
    )
    print("|---|---|---|---|")
    for name, rows in (
        ("synchronous=NORMAL (baseline)", normal),
        ("synchronous=FULL (kiosk)", full),
    ):
        print(
            f"| {name} | {median_of(rows, 'p50_ms'):.2f} | {median_of(rows, 'p95_ms'):.2f} | "
            f"{median_of(rows, 'max_ms'):.2f} |"
        )
    print(
        f"| FULL / NORMAL (median of per-round ratios; range) | "
        f"{statistics.median(p50_ratios):.2f}x ({min(p50_ratios):.2f}-{max(p50_ratios):.2f}) | "
        f"{statistics.median(p95_ratios):.2f}x ({min(p95_ratios):.2f}-{max(p95_ratios):.2f}) | |"
    )
    print(f"\n| roster (FULL, median of {args.rounds} rounds) | value | goal |")
    print("|---|---|---|")
    print(f"| apply {args.students} students | {median_of(full, 'apply_s'):.2f} s | <= 2 s |")
    print(f"| student lookup | {median_of(full, 'lookup_ms') * 1000:.1f} us | <= 100 us |")
    print(f"| handle_scan p95 | {median_of(full, 'p95_ms'):.2f} ms | <= 10 ms |")


if __name__ == "__main__":
    main()
