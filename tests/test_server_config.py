"""Server configuration from the environment, and the installed ``tatami-server`` entry point."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from kiosk.server.config import (
    DEFAULT_DATABASE_URL,
    DEFAULT_SEED_PASSWORD,
    AppEnv,
    ConfigError,
    ServerConfig,
)
from kiosk.server.embedded import start_server
from tests.server_support import GT

#: Every variable ServerConfig.from_env reads (docs/server.md, "Configuration").
VARIABLES = (
    "DATABASE_URL",
    "JWT_SECRET",
    "APP_ENV",
    "PORT",
    "CORS_ORIGINS",
    "LOG_LEVEL",
    "SENTRY_DSN",
    "APP_DOMAIN",
    "TATAMI_SEED_PASSWORD",
)


def test_defaults() -> None:
    config = ServerConfig.from_env({})
    assert config.port == 4000
    assert config.database_url == DEFAULT_DATABASE_URL
    assert config.app_env is AppEnv.DEVELOPMENT and config.development
    assert config.log_level == "INFO"
    assert config.cors_origins == () and config.sentry_dsn == ""
    assert config.app_domain == "tatamitech.com"
    assert config.seed_password == DEFAULT_SEED_PASSWORD
    # Development invents a secret per process: long enough, never a fixed value.
    assert len(config.jwt_secret) >= 32
    assert config.jwt_secret != ServerConfig.from_env({}).jwt_secret


def test_every_variable_is_read() -> None:
    config = ServerConfig.from_env(
        {
            "DATABASE_URL": " sqlite:////srv/tatami.db ",
            "JWT_SECRET": "s" * 40,
            "APP_ENV": "Production",
            "PORT": "8080",
            "CORS_ORIGINS": "https://a.example, ,https://b.example",
            "LOG_LEVEL": "debug",
            "SENTRY_DSN": "https://key@sentry.example/1",
            "APP_DOMAIN": "Example.COM.",
            "TATAMI_SEED_PASSWORD": "correct horse",
        }
    )
    assert config.database_url == "sqlite:////srv/tatami.db"
    assert config.jwt_secret == "s" * 40
    assert config.app_env is AppEnv.PRODUCTION
    assert config.port == 8080
    assert config.cors_origins == ("https://a.example", "https://b.example")
    assert config.log_level == "DEBUG"
    assert config.sentry_dsn == "https://key@sentry.example/1"
    assert config.app_domain == "example.com"
    assert config.seed_password == "correct horse"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"APP_ENV": "prod"}, "APP_ENV must be development, staging or production, not 'prod'"),
        (
            {"LOG_LEVEL": "verbose"},
            "LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not 'verbose'",
        ),
        ({"PORT": "http"}, "PORT must be a number"),
        ({"PORT": "70000"}, "PORT must be between 0 and 65535"),
        ({"APP_ENV": "production"}, "JWT_SECRET is required when APP_ENV=production"),
        (
            {"APP_ENV": "staging", "JWT_SECRET": "short"},
            "JWT_SECRET must have at least 32 characters",
        ),
    ],
)
def test_unusable_values_are_refused(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=f"^{re.escape(message)}$"):
        ServerConfig.from_env(environ)


# --- the installed console script ----------------------------------------------------------


@pytest.fixture
def entry_point() -> str:
    # The script pip generated from [project.scripts], not `python -m`: this checks the wiring.
    found = shutil.which("tatami-server", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip("tatami-server is not installed next to this Python (pip install -e .)")
    return found


def _run(entry_point: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # The caller's own configuration must not leak into the child.
    environ = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    environ.update(env)
    return subprocess.run(
        [entry_point, *args],
        capture_output=True,
        text=True,
        env=environ,
        timeout=120,
        check=False,
    )


def test_entry_point_help(entry_point: str) -> None:
    result = _run(entry_point, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: tatami-server")
    for command in ("serve", "seed", "issue-cards", "rotate-keys"):
        assert command in result.stdout
    described = " ".join(result.stdout.split())  # argparse wraps the description
    for variable in VARIABLES:
        assert variable in described


@pytest.mark.parametrize(
    ("variable", "value"), [("LOG_LEVEL", "verbose"), ("APP_ENV", "prod"), ("PORT", "http")]
)
def test_entry_point_refuses_bad_configuration(
    entry_point: str, tmp_path: Path, variable: str, value: str
) -> None:
    database = tmp_path / "refused.db"
    result = _run(entry_point, "seed", DATABASE_URL=f"sqlite:///{database}", **{variable: value})
    assert result.returncode == 2
    assert re.fullmatch(f"tatami-server: {variable} must be [^\n]+\n", result.stderr)
    assert result.stdout == ""
    assert not database.exists()  # refused before touching anything


def test_entry_point_seed_honours_the_seed_password(entry_point: str, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'seeded.db'}"
    password = "a-password-only-this-test-knows"
    result = _run(entry_point, "seed", DATABASE_URL=url, TATAMI_SEED_PASSWORD=password)
    assert result.returncode == 0, result.stderr
    assert f"seeded: {GT}" in result.stdout and f"admin@{GT}.test" in result.stdout
    assert password not in result.stdout + result.stderr
    with (
        start_server(url, seed=False) as server,
        httpx.Client(base_url=server.base_url, headers={"X-Tenant": GT}) as http,
    ):

        def login(secret: str) -> int:
            body = {"email": f"admin@{GT}.test", "password": secret}
            return http.post("/api/auth/login", json=body).status_code

        assert login(password) == 200
        assert login(DEFAULT_SEED_PASSWORD) == 401
