"""Helpers for the reference-server tests: a real server on 127.0.0.1 port 0, httpx clients.

Test modules build their fixtures from these (fixtures cannot be shared without editing the
root conftest, which other work owns).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from kiosk.server.clock import ManualClock, iso_z
from kiosk.server.config import DEFAULT_SEED_PASSWORD
from kiosk.server.embedded import RunningServer, start_server
from kiosk.server.seed import seed

GT = "golden-tiger"
IC = "iron-crane"
#: Monday 23 November 2026, 17:45 in Madrid: the kids' 17:00 class is on, the adults' is not.
NOW = datetime(2026, 11, 23, 16, 45, tzinfo=UTC)
PASSWORD = DEFAULT_SEED_PASSWORD


_TEMPLATE: dict[str, Path] = {}


def _seeded_copy(target: Path) -> None:
    """Copy a database seeded once per test session at :data:`NOW` (seeding costs ~0.7 s)."""
    if "db" not in _TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="tatami-seed-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = folder / "seeded.db"
        seed(f"sqlite:///{path}", now=NOW, password=PASSWORD)
        _TEMPLATE["db"] = path
    shutil.copyfile(_TEMPLATE["db"], target)


@contextmanager
def running(tmp_path: Path, **kwargs: Any) -> Iterator[tuple[RunningServer, ManualClock]]:
    """A seeded server whose clock starts at :data:`NOW` (unless ``clock`` is given)."""
    clock = kwargs.pop("clock", None) or ManualClock(NOW)
    path = tmp_path / "server.db"
    if kwargs.get("seed", True) and clock.now() == NOW:
        _seeded_copy(path)
    with start_server(f"sqlite:///{path}", clock=clock, **kwargs) as server:
        yield server, clock


class Api:
    """An httpx client bound to one tenant (``X-Tenant``), with login helpers."""

    def __init__(self, server: RunningServer, slug: str = GT) -> None:
        self.server = server
        self.slug = slug
        self.http = httpx.Client(base_url=server.base_url, headers={"X-Tenant": slug}, timeout=60)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def login(self, who: str = "admin") -> dict[str, Any]:
        response = self.http.post(
            "/api/auth/login",
            json={
                "email": f"{who}@{self.slug}.test",
                "password": PASSWORD,
                "tenantSlug": self.slug,
            },
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def token(self, who: str = "admin") -> str:
        token: str = self.login(who)["accessToken"]
        return token

    def register_kiosk(self, name: str = "front desk") -> tuple[str, str]:
        """(kiosk id, device token), registered by the tenant's admin."""
        response = self.http.post("/api/kiosks", json={"name": name}, headers=bearer(self.token()))
        assert response.status_code == 201, response.text
        body = response.json()
        return body["kioskId"], body["deviceToken"]

    def kiosk_token(self, device_token: str) -> str:
        response = self.http.post("/api/auth/refresh", json={"deviceToken": device_token})
        assert response.status_code == 200, response.text
        token: str = response.json()["accessToken"]
        return token

    def new_kiosk(self, name: str = "front desk") -> dict[str, str]:
        """Authorization headers of a freshly registered kiosk."""
        _kiosk_id, device = self.register_kiosk(name)
        return bearer(self.kiosk_token(device))

    def roster(self, headers: dict[str, str], since: int = 0) -> dict[str, Any]:
        response = self.http.get("/api/kiosk/roster", params={"since": since}, headers=headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def checkins(self, headers: dict[str, str], items: list[dict[str, Any]]) -> httpx.Response:
        return self.http.post("/api/kiosk/checkins", json={"items": items}, headers=headers)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def item(student_id: str, at: datetime, **extra: Any) -> dict[str, Any]:
    """One uploaded check-in, camera source, no class unless given."""
    body: dict[str, Any] = {
        "scanId": str(uuid.uuid4()),
        "studentId": student_id,
        "scannedAt": iso_z(at),
        "clockOffsetMs": 0,
        "classId": None,
        "sessionId": None,
        "nonce": None,
        "kind": None,
        "source": "camera",
        "createdBy": None,
    }
    body.update(extra)
    return body
