"""Benchmark: handle_scan with a 10 000-student roster, roster apply, student lookup.

    python bench/bench_store.py [--students 10000] [--scans 1000]

Prints tables. Latency is for the whole use case (read token, verify Ed25519, decide, write
ledger + outbox + spent nonce, fsync'd commit). FULL is what the kiosk runs; NORMAL is measured in
the same process as the baseline for the durability cost.
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


def run(mode: str, students: int, scans: int, workdir: Path) -> dict[str, float]:
    key = Ed25519PrivateKey.generate()
    tenant = str(uuid.uuid4())
    doc = roster(students, key, tenant)
    clock = BenchClock()
    result: dict[str, float] = {}
    with SqliteStore(workdir / f"{mode}.sqlite3", synchronous=mode) as store:
        started = time.perf_counter()
        ProvisioningService(store, clock).apply_document(doc)
        result["apply_s"] = time.perf_counter() - started

        ids = [s["id"] for s in doc["students"]]
        lookups = ids[:: max(1, len(ids) // 2000)]
        started = time.perf_counter()

        def lookup_all(ledger: Any) -> None:
            roster_view = ledger.roster
            for sid in lookups:
                roster_view.student(sid)

        store.read(lookup_all)
        result["lookup_ms"] = (time.perf_counter() - started) * 1000 / len(lookups)

        service = CheckInService(store, clock)
        now = clock.now()
        tokens = [
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
        for token in tokens[:20]:  # warm up caches and the WAL
            service.handle_scan(token, ScanSource.CAMERA)
        latencies = []
        for token in tokens[20:]:
            started = time.perf_counter()
            outcome = service.handle_scan(token, ScanSource.CAMERA)
            latencies.append((time.perf_counter() - started) * 1000)
            assert outcome.recorded, outcome.outcome
        result["p50_ms"] = statistics.median(latencies)
        result["p95_ms"] = percentile(latencies, 0.95)
        result["max_ms"] = max(latencies)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=10_000)
    parser.add_argument("--scans", type=int, default=1_000)
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{platform.platform()}"
    )
    print(f"roster: {args.students} students; scans: {args.scans} (each a new attendance)\n")
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as tmp:
        normal = run("NORMAL", args.students, args.scans, Path(tmp))
        full = run("FULL", args.students, args.scans, Path(tmp))
    print("| handle_scan (incl. commit) | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|")
    for name, r in (("synchronous=NORMAL (baseline)", normal), ("synchronous=FULL (kiosk)", full)):
        print(f"| {name} | {r['p50_ms']:.2f} | {r['p95_ms']:.2f} | {r['max_ms']:.2f} |")
    p50_ratio = full["p50_ms"] / normal["p50_ms"]
    p95_ratio = full["p95_ms"] / normal["p95_ms"]
    print(f"| FULL / NORMAL | {p50_ratio:.2f}x | {p95_ratio:.2f}x | |")
    print("\n| roster | value | goal |")
    print("|---|---|---|")
    print(f"| apply {args.students} students (FULL) | {full['apply_s']:.2f} s | <= 2 s |")
    print(f"| student lookup | {full['lookup_ms'] * 1000:.1f} us | <= 100 us |")
    print(f"| handle_scan p95 (FULL) | {full['p95_ms']:.2f} ms | <= 10 ms |")


if __name__ == "__main__":
    main()
