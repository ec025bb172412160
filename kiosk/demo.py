"""Demo mode (DESIGN §10): the whole flow with nothing configured.

:meth:`DemoEnvironment.start` runs the reference server in-process on loopback with the seed
(Golden Tiger and Iron Crane), registers a kiosk against it exactly as staff would (admin login,
device token), pulls the roster, and offers :meth:`DemoEnvironment.next_text` to the synthetic
camera feed: the tenant's real cards and fresh passes, plus an expired pass, another academy's
card, a forged code, a revoked card and plain garbage, so green, amber and red all show up, the
queue drains, and eligibility appears. Between them come a few quiet spells of several seconds
with nobody at the door, as most of a kiosk's day is: the scanner idles through them.

The device token stays in memory (a demo never writes to the OS keyring), and everything lives in
a throw-away directory unless ``--data-dir`` names one.
"""

from __future__ import annotations

import logging
import random
import secrets
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.domain.tokens import b64url_encode, issue_token
from kiosk.runtime import KioskRuntime, RuntimeSettings
from kiosk.server.embedded import RunningServer, start_server
from kiosk.server.seed import GOLDEN_TIGER, IRON_CRANE

log = logging.getLogger(__name__)

DEMO_ADMIN = f"admin@{GOLDEN_TIGER}.test"


@dataclass(frozen=True, slots=True)
class _Step:
    label: str
    make: Callable[[], str | None]


# Nobody at the door: each empty step is one gap of 1–2.5 s in the synthetic feed, so three in a
# row make a quiet spell of 3–7.5 s, like the long empty stretches of a real evening.
_QUIET = [_Step("nobody at the door", lambda: None)] * 3


class DemoFeed:
    """The texts the synthetic camera shows, in a plausible order for a dojo's evening."""

    def __init__(self, server: RunningServer, seed: int = 7) -> None:
        self._server = server
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        assert server.seed is not None, "the demo server is always seeded"
        tiger = server.seed.tenants[GOLDEN_TIGER]
        crane = server.seed.tenants[IRON_CRANE]
        students = tiger.students
        regular = [sid for sid in tiger.student_ids if sid not in students.values()]
        self._forger = Ed25519PrivateKey.generate()
        forged_claims = {
            "studentId": students["eligible_adult"],
            "tenantId": tiger.id,
            "kind": "pass",
        }

        def forged() -> str:
            now = int(server.clock.now().timestamp())
            claims = {
                **forged_claims,
                "nonce": b64url_encode(secrets.token_bytes(16)),
                "exp": now + 600,
                "iat": now,
            }
            return issue_token(self._forger, "forged-kid", claims)

        def fresh_pass(student_id: str) -> Callable[[], str]:
            return lambda: server.issue_token(GOLDEN_TIGER, student_id, "pass")

        def expired(student_id: str) -> Callable[[], str]:
            past = server.clock.now() - timedelta(hours=2)
            return lambda: server.issue_token(GOLDEN_TIGER, student_id, "pass", now=past)

        card_holder = students["card_holder"]
        self._script = [
            _Step("card", lambda: tiger.cards.get(card_holder)),
            _Step("eligible pass", fresh_pass(students["eligible"])),
            _Step("close pass", fresh_pass(students["close"])),
            _Step("regular pass", fresh_pass(self._rng.choice(regular))),
            *_QUIET,
            _Step("expired pass", expired(students["close_days"])),
            _Step("eligible adult", fresh_pass(students["eligible_adult"])),
            _Step("another academy", lambda: next(iter(crane.cards.values()), None)),
            _Step("regular pass", fresh_pass(self._rng.choice(regular))),
            _Step("suspended", fresh_pass(students["suspended"])),
            _Step("forged", forged),
            *_QUIET,
            _Step("card again", lambda: tiger.cards.get(card_holder)),
            _Step("revoked card", lambda: tiger.revoked_card or None),
            _Step("not a code", lambda: "https://golden-tiger.example/menu?table=4"),
            _Step("regular pass", fresh_pass(self._rng.choice(regular))),
            *_QUIET,
        ]
        self._position = 0
        self._regular = regular

    def next_text(self) -> str | None:
        """The next code to show (thread-safe: the camera thread calls it)."""
        with self._lock:
            step = self._script[self._position % len(self._script)]
            self._position += 1
            if self._position > len(self._script) and step.label == "regular pass":
                # After the first round, show new students so the board keeps moving.
                student = self._rng.choice(self._regular)
                return self._server.issue_token(GOLDEN_TIGER, student, "pass")
        try:
            return step.make()
        except Exception:
            log.exception("demo feed could not make a %s", step.label)
            return None


class DemoEnvironment:
    """A seeded reference server plus a kiosk registered against it."""

    def __init__(
        self,
        server: RunningServer,
        runtime: KioskRuntime,
        feed: DemoFeed,
        root: Path,
        owns_root: bool,
    ) -> None:
        self.server = server
        self.runtime = runtime
        self.feed = feed
        self.root = root
        self._owns_root = owns_root

    @property
    def api_url(self) -> str:
        return self.server.base_url

    def next_text(self) -> str | None:
        return self.feed.next_text()

    @classmethod
    def start(
        cls, data_dir: str | Path | None = None, *, settings: RuntimeSettings | None = None
    ) -> DemoEnvironment:
        """Serve the seeded academy and register a kiosk against it (not started yet).

        Args:
            data_dir: Where server and kiosk keep their files (default: a throw-away folder).
            settings: The kiosk's runtime settings (configuration, command line).
        """
        owns_root = data_dir is None
        root = Path(tempfile.mkdtemp(prefix="tatami-demo-")) if data_dir is None else Path(data_dir)
        root.mkdir(parents=True, exist_ok=True)
        server = start_server(f"sqlite:///{root / 'demo-server.sqlite3'}")
        try:
            runtime = KioskRuntime.open(
                root / "kiosk", settings=settings, remember_credentials=False
            )
            try:
                cls._register(server, runtime)
            except BaseException:
                runtime.stop()
                raise
        except BaseException:
            server.stop()
            if owns_root:
                shutil.rmtree(root, ignore_errors=True)
            raise
        return cls(server, runtime, DemoFeed(server), root, owns_root)

    @staticmethod
    def _register(server: RunningServer, runtime: KioskRuntime) -> None:
        assert server.seed is not None
        api = runtime.backend_for(server.base_url, GOLDEN_TIGER)
        try:
            runtime.setup.register(
                api,
                server.base_url,
                DEMO_ADMIN,
                server.seed.password,
                f"demo-{uuid.uuid4().hex[:6]}",
            )
        finally:
            api.close()
        engine = runtime.sync.connect()
        assert engine is not None
        report = engine.pull_once()
        if report.error:
            raise RuntimeError(f"demo roster pull failed: {report.error}")

    def stop(self) -> None:
        self.runtime.stop()
        self.server.stop()
        if self._owns_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> DemoEnvironment:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
