"""Server configuration from the environment (the platform's variables, DESIGN §6).

| variable | default | meaning |
|---|---|---|
| ``DATABASE_URL`` | ``sqlite:///tatami-server.db`` | SQLAlchemy URL (SQLite file or PostgreSQL) |
| ``JWT_SECRET`` | random per process in development | HS256 secret; required outside development |
| ``APP_ENV`` | ``development`` | ``development``, ``staging`` or ``production`` |
| ``PORT`` | ``4000`` | listening port of ``tatami-server serve`` |
| ``CORS_ORIGINS`` | empty | comma-separated browser origins |
| ``LOG_LEVEL`` | ``INFO`` | Python logging level |
| ``SENTRY_DSN`` | empty | error reporting, used only when ``sentry_sdk`` is installed |
| ``APP_DOMAIN`` | ``tatamitech.com`` | tenants are ``<slug>.<APP_DOMAIN>`` |
| ``TATAMI_SEED_PASSWORD`` | ``tatami-dev-password`` | password of the seeded users |
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

DEFAULT_DATABASE_URL = "sqlite:///tatami-server.db"
DEFAULT_SEED_PASSWORD = "tatami-dev-password"  # noqa: S105 (documented development default)
MIN_SECRET_LENGTH = 32


class AppEnv(StrEnum):
    DEVELOPMENT = "development"
    STAGING = "staging"
    PRODUCTION = "production"


class ConfigError(ValueError):
    """The environment does not describe a usable server; the message says which variable."""


@dataclass(frozen=True, slots=True)
class RateLimit:
    """A token bucket: ``capacity`` requests at once, refilled at ``per_second``."""

    capacity: float
    per_second: float


@dataclass(frozen=True, slots=True)
class ServerConfig:
    database_url: str = DEFAULT_DATABASE_URL
    jwt_secret: str = field(default_factory=lambda: secrets.token_urlsafe(48), repr=False)
    app_env: AppEnv = AppEnv.DEVELOPMENT
    port: int = 4000
    cors_origins: tuple[str, ...] = ()
    log_level: str = "INFO"
    sentry_dsn: str = field(default="", repr=False)
    app_domain: str = "tatamitech.com"
    seed_password: str = field(default=DEFAULT_SEED_PASSWORD, repr=False)
    #: Lifetimes (seconds). The contract fixes 15 min access tokens and a 30 s refresh grace.
    access_ttl_seconds: int = 15 * 60
    refresh_ttl_seconds: int = 30 * 24 * 3600
    refresh_grace_seconds: int = 30
    #: Rate limits per tenant and client address (per kiosk for check-in batches).
    login_rate: RateLimit = RateLimit(capacity=10, per_second=10 / 60)
    scan_rate: RateLimit = RateLimit(capacity=60, per_second=2)
    checkin_rate: RateLimit = RateLimit(capacity=120, per_second=20)

    @property
    def development(self) -> bool:
        return self.app_env is AppEnv.DEVELOPMENT

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> ServerConfig:
        """Read the platform variables; raises :class:`ConfigError` on unusable values."""
        raw_env = environ.get("APP_ENV", AppEnv.DEVELOPMENT.value).strip().lower()
        try:
            app_env = AppEnv(raw_env)
        except ValueError:
            raise ConfigError(
                "APP_ENV must be development, staging or production, not " + repr(raw_env)
            ) from None
        secret = environ.get("JWT_SECRET", "")
        if not secret:
            if app_env is not AppEnv.DEVELOPMENT:
                raise ConfigError(f"JWT_SECRET is required when APP_ENV={app_env.value}")
            secret = secrets.token_urlsafe(48)
        elif len(secret) < MIN_SECRET_LENGTH and app_env is not AppEnv.DEVELOPMENT:
            raise ConfigError(f"JWT_SECRET must have at least {MIN_SECRET_LENGTH} characters")
        try:
            port = int(environ.get("PORT", "4000"))
        except ValueError:
            raise ConfigError("PORT must be a number") from None
        if not 0 <= port <= 65535:
            raise ConfigError("PORT must be between 0 and 65535")
        origins = tuple(
            origin.strip()
            for origin in environ.get("CORS_ORIGINS", "").split(",")
            if origin.strip()
        )
        raw_level = environ.get("LOG_LEVEL", "INFO").strip()
        level = raw_level.upper() or "INFO"
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ConfigError(
                "LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not " + repr(raw_level)
            )
        domain = environ.get("APP_DOMAIN", "tatamitech.com").strip().lower().strip(".")
        return cls(
            database_url=environ.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
            jwt_secret=secret,
            app_env=app_env,
            port=port,
            cors_origins=origins,
            log_level=level,
            sentry_dsn=environ.get("SENTRY_DSN", "").strip(),
            app_domain=domain or "tatamitech.com",
            seed_password=environ.get("TATAMI_SEED_PASSWORD", "") or DEFAULT_SEED_PASSWORD,
        )
