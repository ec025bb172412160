"""Logging: redacted JSON lines in the platform log directory, optional Sentry, crash log.

DESIGN §8: logs carry scan ids, hashed nonces and the device id; never tokens, QR payloads,
names, emails or PINs. Code is written not to log them; this module is the safety net for the
day a message or a traceback does anyway (an exception's ``repr`` of a request body, a URL with
``?token=``). :func:`redact` is applied to the formatted line, so messages, arguments and
tracebacks all pass through it; the same function scrubs Sentry events.

Files (``paths.logs``):

    kiosk.jsonl, kiosk.jsonl.1 …   one JSON object a line, rotated by size
    crash.log                      uncaught exceptions (redacted) and fatal-signal stacks

Names cannot be recognised by a pattern, so they are kept out at the source: the test
``tests/test_ops_logs.py`` plants canary values through real flows and greps every artifact.
"""

from __future__ import annotations

import faulthandler
import importlib
import json
import logging
import logging.handlers
import os
import re
import sys
import threading
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Protocol

from kiosk import __version__

LOG_FILE_NAME = "kiosk.jsonl"
MAX_BYTES = 5 * 1024 * 1024
BACKUP_COUNT = 5
REDACTED = "[redacted]"

# Order matters: specific shapes first, then the generic high-entropy catch-all.
_JWS = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
_DOTTED_B64 = re.compile(r"[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}")
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[^\s\"',;]+")
_OPAQUE = re.compile(r"\b(?:dt|rt|at|sk|pk)_[A-Za-z0-9_-]{16,}")
# token=…, "deviceToken": "…", password: …, pin=1234 — the value up to a delimiter.
_SECRET_FIELD = re.compile(
    r"(?i)(?P<key>[\"']?\b(?:[a-z_]*token|token|password|passwd|secret|pin|pin_?code|"
    r"authorization|cookie|set-cookie|api[_-]?key|dsn)[\"']?\s*[=:]\s*)"
    r"(?P<quote>[\"']?)(?P<value>[^\"'&\s,;}]+)"
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# A long base64url run with upper, lower and digits looks like a random secret (device token,
# nonce, signature). UUIDs (hex and dashes) and hex digests (hashed nonces) are kept on purpose:
# they are the identifiers the logs are for.
_HIGH_ENTROPY = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])")
# C0/C1 controls except tab and newline, and the bidi overrides that make a log line lie.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _entropy_sub(match: re.Match[str]) -> str:
    text = match.group(0)
    has_upper = any(c.isupper() for c in text)
    has_lower = any(c.islower() for c in text)
    has_digit = any(c.isdigit() for c in text)
    if has_upper and has_lower and has_digit:
        return REDACTED
    return text


def strip_controls(text: str) -> str:
    """Remove control characters (a scanner can type anything) except tab and newline."""
    return _CONTROL.sub("", text)


def redact(text: str) -> str:
    """Remove secrets and personal data that have a recognisable shape, and control characters."""
    text = strip_controls(text)
    text = _JWS.sub("[jws]", text)
    text = _DOTTED_B64.sub("[jws]", text)
    text = _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    text = _OPAQUE.sub(REDACTED, text)
    text = _SECRET_FIELD.sub(lambda m: f"{m.group('key')}{m.group('quote')}{REDACTED}", text)
    text = _EMAIL.sub("[email]", text)
    return _HIGH_ENTROPY.sub(_entropy_sub, text)


def redact_data(value: Any, _depth: int = 0) -> Any:
    """:func:`redact` applied to every string inside nested dicts, lists and tuples."""
    if _depth > 20:
        return "[too deep]"
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {
            key: (REDACTED if _is_secret_key(str(key)) else redact_data(item, _depth + 1))
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact_data(item, _depth + 1) for item in value]
    return value


_SECRET_KEY_NAMES = re.compile(
    r"(?i)(token|password|passwd|secret|^pin$|pin_?code|authorization|cookie|api_?key|^dsn$|"
    r"email|display_?name|^name$|full_?name|payload|qr_?text|^text$)"
)


def _is_secret_key(key: str) -> bool:
    return bool(_SECRET_KEY_NAMES.search(key))


class RedactionFilter(logging.Filter):
    """Replaces the record's message by its redacted, fully formatted form.

    Installed on handlers (a logger's filters do not see records propagated from its children).
    Formatting here also means a broken ``%`` argument cannot make the handler raise later.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = f"{record.msg!r} (unformattable arguments)"
        record.msg = redact(message)
        record.args = None
        return True


#: Attributes every LogRecord has; anything else came through ``extra=`` and is logged as a field.
_STANDARD_ATTRS = frozenset(
    logging.LogRecord("", 0, "", 0, "", None, None).__dict__.keys()
    | {"message", "asctime", "taskName"}
)


class JsonLinesFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, thread, extra fields, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": redact(record.getMessage()),
            "thread": record.threadName,
            "pid": record.process,
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                entry[key] = REDACTED if _is_secret_key(key) else redact_data(_plain(value))
        if record.exc_info:
            entry["exc"] = redact(self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack"] = redact(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class RedactingTextFormatter(logging.Formatter):
    """The human format for the console, redacted after formatting (tracebacks included)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def _plain(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, Mapping | list | tuple):
        return value
    return str(value)


# -- Sentry ---------------------------------------------------------------------------------------


def scrub_event(event: dict[str, Any], _hint: object = None) -> dict[str, Any]:
    """Sentry ``before_send``/``before_breadcrumb``: the same scrubbing as the log files."""
    cleaned = redact_data(event)
    assert isinstance(cleaned, dict)
    # Sentry attaches the user and request headers when it can; a kiosk sends neither.
    cleaned.pop("user", None)
    request = cleaned.get("request")
    if isinstance(request, dict):
        request.pop("cookies", None)
        request.pop("data", None)
        request.pop("headers", None)
    return cleaned


def init_sentry(dsn: str | None, environment: str | None = None) -> bool:
    """Start Sentry when a DSN is given and ``sentry_sdk`` is installed; True if started.

    sentry_sdk is optional on purpose (not a dependency): a dojo's kiosk does not need it, the
    platform team installs it where they collect errors.
    """
    if not dsn:
        return False
    try:
        # Imported by name: it is optional, so neither mypy nor the build should require it.
        sentry_sdk = importlib.import_module("sentry_sdk")
    except ImportError:
        logging.getLogger(__name__).warning("SENTRY_DSN is set but sentry_sdk is not installed")
        return False
    sentry_sdk.init(
        dsn=dsn,
        release=f"tatami-kiosk@{__version__}",
        environment=environment or "production",
        send_default_pii=False,
        include_local_variables=False,  # locals may hold a token or a scanned text
        max_request_body_size="never",
        before_send=scrub_event,
        before_breadcrumb=scrub_event,
    )
    return True


# -- set-up ---------------------------------------------------------------------------------------


class _PathsLike(Protocol):
    @property
    def logs(self) -> Path: ...

    @property
    def crash_log(self) -> Path: ...


@dataclass
class LoggingHandle:
    """What :func:`setup_logging` installed, so that it can be removed (tests, re-configuration)."""

    log_file: Path
    handlers: list[logging.Handler] = field(default_factory=list)
    sentry: bool = False

    def close(self) -> None:
        root = logging.getLogger()
        for handler in self.handlers:
            root.removeHandler(handler)
            handler.close()
        self.handlers.clear()


_installed: LoggingHandle | None = None
_install_lock = threading.Lock()


def setup_logging(
    paths: _PathsLike,
    level: str | int = "WARNING",
    *,
    console: bool = True,
    file_level: str | int | None = None,
    environ: Mapping[str, str] | None = None,
    environment: str | None = None,
    max_bytes: int = MAX_BYTES,
    backup_count: int = BACKUP_COUNT,
) -> LoggingHandle:
    """Send log records to a redacted JSON-lines file (and stderr), once per process.

    Args:
        paths: The kiosk's paths (``logs``); the directory is created.
        level: Console level, and file level unless ``file_level`` is given.
        console: Also write human-readable lines to stderr.
        file_level: Level of the file; INFO by default so that operations have a trail even
            when the console is quiet.
        environ: Where ``SENTRY_DSN`` is read (default ``os.environ``).
        environment: Sentry's environment tag (production, staging, …).
        max_bytes: Size at which the file is rotated.
        backup_count: Rotated files kept (``kiosk.jsonl.1`` … ``.N``).

    Calling it again replaces the handlers of the previous call (no duplicated lines).
    """
    global _installed
    console_level = _level(level)
    chosen_file_level = (
        _level(file_level) if file_level is not None else min(console_level, logging.INFO)
    )
    paths.logs.mkdir(parents=True, exist_ok=True)
    log_file = paths.logs / LOG_FILE_NAME
    redaction = RedactionFilter()
    file_handler = logging.handlers.RotatingFileHandler(
        log_file, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8", delay=True
    )
    file_handler.setLevel(chosen_file_level)
    file_handler.setFormatter(JsonLinesFormatter())
    file_handler.addFilter(redaction)
    handlers: list[logging.Handler] = [file_handler]
    if console:
        stream = logging.StreamHandler(sys.stderr)
        stream.setLevel(console_level)
        stream.setFormatter(
            RedactingTextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
        )
        stream.addFilter(redaction)
        handlers.append(stream)
    with _install_lock:
        if _installed is not None:
            _installed.close()
        root = logging.getLogger()
        # Replace what logging.basicConfig may have installed first, so nothing bypasses redaction.
        for existing in list(root.handlers):
            root.removeHandler(existing)
        for handler in handlers:
            root.addHandler(handler)
        root.setLevel(min(console_level, chosen_file_level))
        # httpx logs every request URL at INFO; the kiosk's own client logs what matters.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        logging.getLogger("httpcore").setLevel(logging.WARNING)
        env = os.environ if environ is None else environ
        handle = LoggingHandle(log_file, handlers)
        handle.sentry = init_sentry(env.get("SENTRY_DSN", "").strip() or None, environment)
        _installed = handle
    return handle


def _level(level: str | int) -> int:
    if isinstance(level, int):
        return level
    value = logging.getLevelName(level.strip().upper())
    if not isinstance(value, int):
        raise ValueError(f"unknown log level {level!r}")
    return value


# -- crash log ------------------------------------------------------------------------------------


@dataclass
class CrashHandler:
    """Installed hooks; :meth:`close` restores the previous ones."""

    path: Path
    _file: IO[str] | None = None
    _previous_hook: Callable[[type[BaseException], BaseException, TracebackType | None], object] | (
        None
    ) = None
    _previous_thread_hook: Callable[[threading.ExceptHookArgs], object] | None = None

    def record(
        self,
        kind: type[BaseException],
        value: BaseException,
        tb: TracebackType | None,
        where: str = "main thread",
    ) -> None:
        text = "".join(traceback.format_exception(kind, value, tb))
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        entry = f"--- {stamp} tatami-kiosk {__version__} crash in {where}\n{redact(text)}\n"
        try:
            with self.path.open("a", encoding="utf-8") as out:
                out.write(entry)
        except OSError:
            pass  # a full disk must not hide the original error
        logging.getLogger("kiosk.crash").critical(
            "uncaught %s in %s", kind.__name__, where, exc_info=(kind, value, tb)
        )

    def close(self) -> None:
        if self._previous_hook is not None:
            sys.excepthook = self._previous_hook
        if self._previous_thread_hook is not None:
            threading.excepthook = self._previous_thread_hook
        if self._file is not None:
            faulthandler.disable()
            self._file.close()
            self._file = None


def install_crash_handler(paths: _PathsLike) -> CrashHandler:
    """Write uncaught exceptions (any thread) and fatal signals (segfault in Qt, OpenCV) to
    ``paths.crash_log``, redacted; the previous hooks still run afterwards."""
    paths.crash_log.parent.mkdir(parents=True, exist_ok=True)
    handler = CrashHandler(paths.crash_log)
    previous = sys.excepthook
    previous_thread = threading.excepthook

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if not issubclass(kind, KeyboardInterrupt):
            handler.record(kind, value, tb)
        previous(kind, value, tb)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None and not issubclass(args.exc_type, SystemExit):
            name = args.thread.name if args.thread is not None else "a thread"
            handler.record(args.exc_type, args.exc_value, args.exc_traceback, f"thread {name}")
        previous_thread(args)

    handler._previous_hook = previous
    handler._previous_thread_hook = previous_thread
    sys.excepthook = hook
    threading.excepthook = thread_hook
    # faulthandler writes raw stacks (no values, so nothing to redact) on SIGSEGV/SIGABRT.
    handler._file = paths.crash_log.open("a", encoding="utf-8")
    faulthandler.enable(handler._file)
    return handler
