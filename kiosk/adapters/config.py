"""Kiosk configuration: a TOML file, then ``TATAMI_*`` environment variables, then flags.

Later sources win: a flag beats the environment, which beats the file, which beats the built-in
default. Every key is documented in ``docs/configuration.md``; :data:`KEYS` is the list the code
knows, and an unknown key in the file is an error (a typo must not silently fall back to a
default on a kiosk nobody watches).

Environment profiles give the API URL when ``api_url`` is not set, from the tenant slug (the
patterns live in :mod:`kiosk.domain.environments`, shared with the set-up wizard):

    production   https://{tenant}.tatamitech.com
    staging      https://{tenant}.staging.tatamitech.com
    preview      https://{tenant}.{preview}.preview.tatamitech.com
    development  http://{tenant}.localhost:4000

Example::

    config = load_config(paths.config_file, os.environ, {"log_level": args.log_level})
    print(config.resolved_api_url, config.origin["log_level"])
"""

from __future__ import annotations

import difflib
import enum
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kiosk.domain.environments import ENVIRONMENT_URLS, SLUG, environment_url

ENV_PREFIX = "TATAMI_"

#: Decoder engine names accepted here; ``auto`` lets the kiosk pick the measured best. Kept as
#: literals so that reading the configuration does not import OpenCV (a test checks that they
#: match ``kiosk.adapters.decoders.ENGINE_NAMES``).
CAMERA_BACKENDS = ("auto", "any", "dshow", "msmf", "v4l2", "avfoundation")
DECODER_ENGINES = ("auto", "zxing", "pyzbar", "opencv", "opencv-aruco", "wechat")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?$")
_SOURCE = re.compile(r"^(?:stdin|demo|camera:\d{1,2}|file:.+|folder:.+)$")
_LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


class Environment(enum.StrEnum):
    PRODUCTION = "production"
    STAGING = "staging"
    PREVIEW = "preview"
    DEVELOPMENT = "development"


#: URL pattern of each environment. ``{preview}`` is the preview environment's name.
PROFILES: Mapping[Environment, str] = {env: ENVIRONMENT_URLS[env.value] for env in Environment}
assert set(ENVIRONMENT_URLS) == set(PROFILES)


class ConfigError(ValueError):
    """The configuration cannot be used; the message names the key, the source and the fix."""


@dataclass(frozen=True, slots=True)
class KioskConfig:
    """The kiosk's settings after all sources are merged and validated.

    ``origin`` tells, for each key, where its value came from: ``default``, ``file``, ``env`` or
    ``flag`` (``tatami-kiosk doctor`` shows it).
    """

    environment: Environment = Environment.PRODUCTION
    tenant: str | None = None
    api_url: str | None = None
    preview: str | None = None
    camera_source: str = "camera:0"
    camera_width: int = 1280
    camera_height: int = 720
    camera_fps: int = 30
    camera_backend: str = "auto"
    decoder_engine: str = "auto"
    log_level: str = "WARNING"
    language: str = "en"
    sound: bool = True
    mirror: bool = True
    fullscreen: bool = True
    checkin_window_minutes: int | None = None
    upload_interval_seconds: int = 15
    pull_interval_seconds: int = 300
    heartbeat_interval_seconds: int = 60
    backup_enabled: bool = True
    backup_keep: int = 7
    origin: Mapping[str, str] = field(default_factory=dict, compare=False)

    @property
    def resolved_api_url(self) -> str | None:
        """``api_url`` if set, else the environment's pattern for the tenant (None: no tenant, or
        a preview environment without its name)."""
        if self.api_url:
            return self.api_url
        if not self.tenant:
            return None
        return environment_url(self.environment.value, self.tenant, self.preview)

    def to_json(self) -> dict[str, Any]:
        """Every key with its value and origin (nothing here is secret)."""
        values = {key.name: getattr(self, key.name) for key in KEYS}
        values["environment"] = self.environment.value
        return {
            "values": values,
            "origin": {key.name: self.origin.get(key.name, "default") for key in KEYS},
            "resolvedApiUrl": self.resolved_api_url,
        }


# -- parsing of single values ------------------------------------------------------------------


def _parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text in {"1", "true", "yes", "on"}:
            return True
        if text in {"0", "false", "no", "off"}:
            return False
    raise ValueError("expected true or false (also 1/0, yes/no, on/off)")


def _int_parser(low: int, high: int) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        if isinstance(value, bool):  # bool is an int in Python; true=1 is never meant here
            raise ValueError("expected a whole number")
        if isinstance(value, str):
            try:
                value = int(value.strip())
            except ValueError:
                raise ValueError("expected a whole number") from None
        if not isinstance(value, int):
            raise ValueError("expected a whole number")
        if not low <= value <= high:
            raise ValueError(f"must be between {low} and {high}")
        return value

    return parse


def _optional(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Empty text means "not set" (an environment variable cannot be unset any other way)."""

    def parse_optional(value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return parse(value)

    return parse_optional


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("expected text")
    return value.strip()


def _choice(options: tuple[str, ...], *, upper: bool = False) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = _text(value)
        text = text.upper() if upper else text.lower()
        if text not in options:
            raise ValueError(f"must be one of {', '.join(options)}")
        return text

    return parse


def _environment(value: Any) -> Environment:
    text = _text(value).lower()
    try:
        return Environment(text)
    except ValueError:
        raise ValueError(f"must be one of {', '.join(e.value for e in Environment)}") from None


def _slug(value: Any) -> str:
    text = _text(value).lower()
    if not SLUG.match(text):
        raise ValueError("an academy slug is lower-case letters, digits and dashes (golden-tiger)")
    return text


def _api_url(value: Any) -> str:
    text = _text(value).rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError("expected an http(s) URL such as https://golden-tiger.tatamitech.com")
    if parts.query or parts.fragment or (parts.path not in {"", "/"}):
        raise ValueError("give the backend's base URL only (no path, query or fragment)")
    return text


def _source(value: Any) -> str:
    text = _text(value)
    if not _SOURCE.match(text):
        raise ValueError("expected stdin, demo, camera:N, file:PATH or folder:PATH")
    return text


def _language(value: Any) -> str:
    text = _text(value)
    if not _LANGUAGE.match(text):
        raise ValueError("expected a language tag such as en, pt-BR or ja")
    return text


@dataclass(frozen=True, slots=True)
class Key:
    name: str
    parse: Callable[[Any], Any]
    help: str

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name.upper()


KEYS: tuple[Key, ...] = (
    Key("environment", _environment, "production, staging, preview or development"),
    Key("tenant", _optional(_slug), "academy slug, e.g. golden-tiger"),
    Key("api_url", _optional(_api_url), "backend base URL; overrides the environment's pattern"),
    Key("preview", _optional(_slug), "preview environment name (environment = preview)"),
    Key("camera_source", _source, "stdin | demo | camera:N | file:PATH | folder:PATH"),
    Key("camera_width", _int_parser(160, 7680), "requested camera frame width"),
    Key("camera_height", _int_parser(120, 4320), "requested camera frame height"),
    Key("camera_fps", _int_parser(1, 120), "requested camera frame rate"),
    Key(
        "camera_backend",
        _choice(CAMERA_BACKENDS),
        "camera API: auto (DirectShow on Windows, where MSMF opens slowly), any, dshow, msmf, "
        "v4l2, avfoundation",
    ),
    Key("decoder_engine", _choice(DECODER_ENGINES), "QR engine; auto picks the measured best"),
    Key("log_level", _choice(LOG_LEVELS, upper=True), "DEBUG, INFO, WARNING, ERROR, CRITICAL"),
    Key("language", _language, "user interface language"),
    Key("sound", _parse_bool, "outcome sounds"),
    Key("mirror", _parse_bool, "mirror the camera preview (students see themselves)"),
    Key("fullscreen", _parse_bool, "full-screen kiosk window"),
    Key(
        "checkin_window_minutes",
        _optional(_int_parser(1, 1440)),
        "override the tenant's check-in window (minutes)",
    ),
    Key("upload_interval_seconds", _int_parser(1, 3600), "check-in upload period"),
    Key("pull_interval_seconds", _int_parser(10, 86400), "roster pull period"),
    Key("heartbeat_interval_seconds", _int_parser(10, 3600), "heartbeat period"),
    Key("backup_enabled", _parse_bool, "daily automatic database backup"),
    Key("backup_keep", _int_parser(1, 365), "automatic backups kept"),
)
_BY_NAME = {key.name: key for key in KEYS}
assert set(_BY_NAME) == {f.name for f in fields(KioskConfig)} - {"origin"}


def _apply(
    values: dict[str, Any], origin: dict[str, str], raw: Mapping[str, Any], source: str, where: str
) -> None:
    for name, value in raw.items():
        key = _BY_NAME[name]
        try:
            values[name] = key.parse(value)
        except ValueError as exc:
            place = f"{where} {key.env}" if source == "env" else where
            raise ConfigError(f"{place}: {name} = {value!r}: {exc}") from None
        origin[name] = source


def read_config_file(path: Path) -> dict[str, Any]:
    """The file's keys; a missing file is an empty configuration, a broken one an error."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the configuration file ({exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    unknown = [name for name in data if name not in _BY_NAME]
    if unknown:
        name = unknown[0]
        close = difflib.get_close_matches(name, list(_BY_NAME), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise ConfigError(
            f"{path}: unknown key {name!r}{hint}; known keys are listed in docs/configuration.md"
        )
    return data


def environment_values(environ: Mapping[str, str]) -> dict[str, str]:
    """The ``TATAMI_<KEY>`` variables that name a configuration key.

    Other ``TATAMI_*`` variables (``TATAMI_DATA_DIR``, test knobs) belong to other parts and are
    ignored here rather than refused.
    """
    return {key.name: environ[key.env] for key in KEYS if key.env in environ}


def load_config(
    config_file: Path | None,
    environ: Mapping[str, str],
    flags: Mapping[str, Any] | None = None,
) -> KioskConfig:
    """Merge default < file < environment < flags, validate, and return the configuration.

    ``flags`` maps key names to values from the command line; None means "flag not given".

    Raises:
        ConfigError: A value is invalid, a key is unknown, or the result is inconsistent.
    """
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}
    if config_file is not None:
        _apply(values, origin, read_config_file(config_file), "file", str(config_file))
    _apply(values, origin, environment_values(environ), "env", "environment variable")
    given = {name: value for name, value in (flags or {}).items() if value is not None}
    unknown_flags = [name for name in given if name not in _BY_NAME]
    if unknown_flags:
        raise ConfigError(f"unknown configuration flag {unknown_flags[0]!r}")
    _apply(values, origin, given, "flag", "command line")
    config = replace(KioskConfig(), **values, origin=origin)
    _check(config)
    return config


def _describe(config: KioskConfig, name: str) -> str:
    source = config.origin.get(name, "default")
    key = _BY_NAME[name]
    if source == "env":
        return f"{name} (from {key.env})"
    if source == "flag":
        return f"{name} (from the command line)"
    if source == "file":
        return f"{name} (from the configuration file)"
    return name


def _check(config: KioskConfig) -> None:
    """Rules between keys."""
    if config.environment is Environment.PREVIEW and not config.api_url and not config.preview:
        raise ConfigError(
            "environment = preview needs preview = <name> (e.g. pr-123) or an explicit api_url"
        )
    url = config.resolved_api_url
    if url is None:
        return
    parts = urlsplit(url)
    loopback = (parts.hostname or "") in _LOOPBACK_HOSTS or (parts.hostname or "").endswith(
        ".localhost"
    )
    if (
        parts.scheme != "https"
        and config.environment is not Environment.DEVELOPMENT
        and not loopback
    ):
        raise ConfigError(
            f"{_describe(config, 'api_url')}: {url} is plain http in environment "
            f"{config.environment.value}; use https (device tokens travel on this connection)"
        )
