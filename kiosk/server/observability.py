"""Request ids, JSON logs and counters.

Log lines are JSON objects with ``request_id`` and ``tenant`` taken from the request context.
They never carry tokens, QR payloads, names, emails or passwords: callers log ids and outcomes
only, and :class:`JsonFormatter` also masks anything shaped like a JWT or an email address, as
a second line of defence.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import threading
from collections import Counter
from datetime import UTC, datetime
from typing import Any, ClassVar, TextIO

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
tenant_var: contextvars.ContextVar[str] = contextvars.ContextVar("tenant", default="-")

_JWT_SHAPE = re.compile(r"[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
_EMAIL_SHAPE = re.compile(r"[^\s@\"']+@[^\s@\"']+\.[A-Za-z]{2,}")
_OPAQUE_SHAPE = re.compile(r"\b(?:rt|dt)_[A-Za-z0-9_-]{20,}")
_STANDARD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}

logger = logging.getLogger("kiosk.server")


def scrub(text: str) -> str:
    text = _JWT_SHAPE.sub("[token]", text)
    text = _OPAQUE_SHAPE.sub("[token]", text)
    return _EMAIL_SHAPE.sub("[email]", text)


def log(level: int, message: str, **fields: Any) -> None:
    """Log one event with the request context. ``fields`` must be ids, counts and codes."""
    logger.log(
        level,
        message,
        extra={"request_id": request_id_var.get(), "tenant": tenant_var.get(), **fields},
    )


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": scrub(record.getMessage()),
            "request_id": getattr(record, "request_id", None) or request_id_var.get(),
            "tenant": getattr(record, "tenant", None) or tenant_var.get(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and key not in entry:
                entry[key] = (
                    value if isinstance(value, int | float | bool | None) else scrub(str(value))
                )
        if record.exc_info:
            entry["exc"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str, stream: TextIO | None = None) -> None:
    """JSON lines on stderr for the command-line server (embedded servers leave logging alone)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    # uvicorn's access log prints full URLs (query strings can hold tokens); ours does not.
    logging.getLogger("uvicorn.access").disabled = True


class Metrics:
    """Counters, exposed as Prometheus text at ``/metrics``."""

    HELP: ClassVar[dict[str, str]] = {
        "tatami_http_requests_total": "HTTP responses by status class",
        "tatami_scans_total": "Online QR scans by tenant and result (ok or the error code)",
        "tatami_auth_failures_total": "Refused credentials by tenant and reason",
        "tatami_cross_tenant_attempts_total": "Credentials of one tenant used on another",
        "tatami_checkins_ingested_total": "Kiosk check-in items by tenant and status",
        "tatami_rate_limited_total": "Requests refused by a rate limit",
    }

    def __init__(self) -> None:
        self._counts: Counter[tuple[str, tuple[tuple[str, str], ...]]] = Counter()
        self._lock = threading.Lock()

    def inc(self, name: str, amount: int = 1, **labels: str) -> None:
        key = (name, tuple(sorted(labels.items())))
        with self._lock:
            self._counts[key] += amount

    def value(self, name: str, **labels: str) -> int:
        with self._lock:
            return self._counts[(name, tuple(sorted(labels.items())))]

    def render(self) -> str:
        with self._lock:
            items = sorted(self._counts.items())
        lines: list[str] = []
        for name, help_text in self.HELP.items():
            lines.append(f"# HELP {name} {help_text}")
            lines.append(f"# TYPE {name} counter")
            for (metric, labels), count in items:
                if metric != name:
                    continue
                rendered = ",".join(f'{k}="{_label(v)}"' for k, v in labels)
                lines.append(f"{name}{{{rendered}}} {count}" if rendered else f"{name} {count}")
        return "\n".join(lines) + "\n"


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")[:64]


def init_sentry(dsn: str, environment: str) -> bool:
    """Report errors to Sentry when a DSN is set *and* ``sentry_sdk`` is installed."""
    if not dsn:
        return False
    import importlib
    import importlib.util

    if importlib.util.find_spec("sentry_sdk") is None:
        log(logging.WARNING, "SENTRY_DSN is set but sentry_sdk is not installed: not reporting")
        return False
    sentry: Any = importlib.import_module("sentry_sdk")
    sentry.init(dsn=dsn, environment=environment, send_default_pii=False)
    return True
