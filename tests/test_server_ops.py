"""Operations: health and readiness, error shape, request ids, metrics, OpenAPI, migrations,
and the command line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path

import cv2
import httpx
import pytest
import sqlalchemy as sa
import zxingcpp
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi.routing import APIRoute

from kiosk.domain.tokens import read_token
from kiosk.server.embedded import RunningServer
from kiosk.server.schema import metadata
from kiosk.server.seed import student_id_for, tenant_id_for
from tests.server_support import GT, IC, NOW, Api, bearer, running

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def env(tmp_path: Path) -> Iterator[tuple[RunningServer, Api]]:
    with running(tmp_path) as (server, _clock):
        api = Api(server)
        yield server, api
        api.close()


def test_health_and_ready(env: tuple[RunningServer, Api]) -> None:
    server, api = env
    assert api.http.get("/health").json() == {"status": "ok"}
    ready = api.http.get("/ready")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
    with server.database.write_tx() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = 'elsewhere'"))
    stale = api.http.get("/ready")
    assert stale.status_code == 503
    assert stale.json()["error"]["code"] == "not_ready"
    assert api.http.get("/health").status_code == 200


def test_error_shape_request_id_and_date(env: tuple[RunningServer, Api]) -> None:
    _server, api = env
    responses = {
        404: api.http.get("/no/such/page"),
        405: api.http.delete("/health"),
        422: api.http.post("/api/auth/login", json={"email": ["x"], "password": "secret-pw"}),
        401: api.http.get("/api/me"),
    }
    for status, response in responses.items():
        assert response.status_code == status
        error = response.json()["error"]
        assert set(error) <= {"code", "message", "details"} and error["code"] and error["message"]
        assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])
        assert parsedate_to_datetime(response.headers["date"]) == NOW
    assert "secret-pw" not in responses[422].text
    echoed = api.http.get("/health", headers={"X-Request-Id": "kiosk-7f3a-0001"})
    assert echoed.headers["x-request-id"] == "kiosk-7f3a-0001"
    hostile = api.http.get("/health", headers={"X-Request-Id": "a b\tc" * 30})
    assert re.fullmatch(r"[0-9a-f]{32}", hostile.headers["x-request-id"])


def test_metrics(env: tuple[RunningServer, Api]) -> None:
    server, api = env
    api.http.post("/api/auth/login", json={"email": "admin@golden-tiger.test", "password": "x"})
    token = server.issue_token(GT, student_id_for(GT, "close"))
    staff = bearer(api.token("assistant"))
    api.http.post("/api/attendance/scan", json={"token": token}, headers=staff)
    api.http.post("/api/attendance/scan", json={"token": "junk"}, headers=staff)
    text = api.http.get("/metrics").text
    assert 'tatami_scans_total{result="ok",tenant="golden-tiger"} 1' in text
    assert 'tatami_scans_total{result="invalid_code",tenant="golden-tiger"} 1' in text
    assert 'tatami_auth_failures_total{reason="invalid_credentials",tenant="golden-tiger"} 1' in (
        text
    )
    assert "# TYPE tatami_checkins_ingested_total counter" in text
    # A Golden Tiger token on Iron Crane's host, twice: the requested tenant's counter moves.
    cross = 'tatami_cross_tenant_attempts_total{tenant="iron-crane"}'
    assert _sample(text, cross) == 0
    admin = bearer(api.token())
    with Api(server, IC) as iron:
        for expected in (1, 2):
            assert iron.http.get("/api/students", headers=admin).status_code == 403
            assert _sample(api.http.get("/metrics").text, cross) == expected
    own = 'tatami_cross_tenant_attempts_total{tenant="golden-tiger"}'
    assert _sample(api.http.get("/metrics").text, own) == 0  # counted where it was attempted


def _sample(text: str, series: str) -> int:
    """The value of one series in Prometheus text; 0 when absent (a counter never seen)."""
    values = [line.rsplit(" ", 1)[1] for line in text.splitlines() if line.startswith(series + " ")]
    assert len(values) <= 1, values
    return int(values[0]) if values else 0


def test_openapi_matches_the_contract_and_the_routes(env: tuple[RunningServer, Api]) -> None:
    _server, api = env
    document = api.http.get("/openapi.json").json()
    paths = document["paths"]
    contract = (ROOT / "docs" / "kiosk-api.md").read_text(encoding="utf-8")
    mentioned = set(re.findall(r"`(GET|POST|PATCH|DELETE) (/[^`?\s]*)", contract))
    assert len(mentioned) >= 15
    for method, path in mentioned:
        template = re.sub(r"\{[^}]+\}", "{}", path)
        documented = {re.sub(r"\{[^}]+\}", "{}", p): ops for p, ops in paths.items()}
        assert template in documented, f"{method} {path} missing from /openapi.json"
        assert method.lower() in documented[template], f"{method} {path}"
    from kiosk.server.routes import ROUTERS  # the routes as the app includes them

    routed = {
        (method.lower(), route.path)
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods - {"HEAD"}
    }
    in_document = {(m, p) for p, ops in paths.items() for m in ops}
    assert routed == in_document
    batch = paths["/api/kiosk/checkins"]["post"]["requestBody"]["content"]["application/json"]
    assert batch["schema"]["$ref"] == "#/components/schemas/CheckinBatch"
    assert "CheckinItem" in document["components"]["schemas"]
    errors = paths["/api/auth/login"]["post"]["responses"]["default"]
    assert errors["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
    assert "HTTPValidationError" not in str(document)  # our 422 has the common error shape


def test_migrations_build_exactly_the_schema(env: tuple[RunningServer, Api]) -> None:
    server, _api = env
    with server.database.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    for table in metadata.sorted_tables:
        if table.name != "tenants":
            assert not table.c.tenant_id.nullable, table.name
            assert any(fk.column.table.name == "tenants" for fk in table.c.tenant_id.foreign_keys)


def _cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("APP_", "JWT_"))}
    environ.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", **env})
    return subprocess.run(
        [sys.executable, "-m", "kiosk.server", *args],
        capture_output=True,
        text=True,
        env=environ,
        timeout=120,
        check=False,
    )


def test_cli_seed_cards_and_rotation(tmp_path: Path) -> None:
    refused = _cli(tmp_path, "seed", APP_ENV="production", JWT_SECRET="p" * 40)
    assert refused.returncode == 2 and "production" in refused.stderr
    no_secret = _cli(tmp_path, "seed", APP_ENV="staging")
    assert no_secret.returncode == 2 and "JWT_SECRET" in no_secret.stderr
    seeded = _cli(tmp_path, "seed")
    assert seeded.returncode == 0, seeded.stderr
    assert "admin@golden-tiger.test" in seeded.stdout
    assert "already seeded" in _cli(tmp_path, "seed").stdout
    pdf = _cli(tmp_path, "issue-cards", "--tenant", GT, "--out", str(tmp_path / "pdf"))
    assert pdf.returncode == 0, pdf.stderr
    assert (tmp_path / "pdf" / "cards-golden-tiger.pdf").read_bytes().startswith(b"%PDF-1.4")
    png = _cli(
        tmp_path, "issue-cards", "--tenant", GT, "--out", str(tmp_path / "png"), "--format", "png"
    )
    assert png.returncode == 0, png.stderr
    images = sorted((tmp_path / "png").glob("*.png"))
    assert len(images) == 39  # every student but the inactive one
    decoded = zxingcpp.read_barcodes(cv2.imread(str(images[0])))
    claims = read_token(decoded[0].text).claims
    assert claims is not None and claims.kind.value == "card"
    assert claims.tenant_id == tenant_id_for(GT)
    # Printing again gives the same cards (stored cards are signed again, not re-issued).
    _cli(
        tmp_path, "issue-cards", "--tenant", GT, "--out", str(tmp_path / "png2"), "--format", "png"
    )
    again = zxingcpp.read_barcodes(cv2.imread(str(tmp_path / "png2" / images[0].name)))
    assert again[0].text == decoded[0].text
    rotated = _cli(tmp_path, "rotate-keys", "--tenant", GT)
    assert rotated.returncode == 0 and "retired golden-tiger-" in rotated.stdout
    assert _cli(tmp_path, "rotate-keys", "--tenant", "nobody").returncode == 2


def test_serve_command_answers(tmp_path: Path) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("APP_", "JWT_"))}
    environ.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}", "LOG_LEVEL": "INFO"})
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk.server", "serve", "--port", str(port)],
        env=environ,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        for line in process.stderr:  # JSON log lines; uvicorn says when it listens
            if "Uvicorn running" in line or "Application startup complete" in line:
                break
        health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=30)
        assert health.json() == {"status": "ok"}
        assert health.headers["x-request-id"]
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stderr is not None:
            process.stderr.close()


def test_cors_for_configured_origins(tmp_path: Path) -> None:
    origins = {"cors_origins": ("https://golden-tiger.tatamitech.com",)}
    with running(tmp_path, config_overrides=origins) as (server, _clock), Api(server) as api:
        allowed = api.http.options(
            "/api/auth/login",
            headers={
                "Origin": "https://golden-tiger.tatamitech.com",
                "Access-Control-Request-Method": "POST",
            },
        )
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == (
            "https://golden-tiger.tatamitech.com"
        )
        assert allowed.headers["access-control-allow-credentials"] == "true"
        assert allowed.headers["x-request-id"]
        denied = api.http.get("/health", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in denied.headers
