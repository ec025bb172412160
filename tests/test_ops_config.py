"""Configuration: TOML file < TATAMI_* environment < flags, profiles, validation messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.adapters.config import (
    DECODER_ENGINES,
    KEYS,
    ConfigError,
    Environment,
    KioskConfig,
    load_config,
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_any_source(tmp_path: Path) -> None:
    config = load_config(tmp_path / "missing.toml", {}, {})
    assert config == KioskConfig()
    assert config.environment is Environment.PRODUCTION
    assert config.resolved_api_url is None  # no tenant yet
    assert all(origin == "default" for origin in config.to_json()["origin"].values())


def test_precedence_flag_over_env_over_file_over_default(tmp_path: Path) -> None:
    file = write(
        tmp_path,
        'tenant = "golden-tiger"\nlog_level = "info"\nsound = false\nbackup_keep = 3\n'
        'camera_source = "camera:1"\n',
    )
    env = {
        "TATAMI_LOG_LEVEL": "error",
        "TATAMI_SOUND": "yes",
        "TATAMI_DATA_DIR": "/elsewhere",  # belongs to paths, ignored here
        "LOG_LEVEL": "DEBUG",  # the server's variable, not ours
    }
    config = load_config(file, env, {"log_level": "debug", "sound": None})
    assert config.log_level == "DEBUG" and config.origin["log_level"] == "flag"
    assert config.sound is True and config.origin["sound"] == "env"  # flag None = not given
    assert config.backup_keep == 3 and config.origin["backup_keep"] == "file"
    assert config.camera_source == "camera:1"
    assert config.mirror is True and "mirror" not in config.origin
    assert config.to_json()["origin"]["mirror"] == "default"


@pytest.mark.parametrize(
    ("environment", "extra", "url"),
    [
        ("production", {}, "https://golden-tiger.tatamitech.com"),
        ("staging", {}, "https://golden-tiger.staging.tatamitech.com"),
        (
            "preview",
            {"TATAMI_PREVIEW": "pr-42"},
            "https://golden-tiger.pr-42.preview.tatamitech.com",
        ),
        ("development", {}, "http://golden-tiger.localhost:4000"),
    ],
)
def test_environment_profiles_give_the_api_url(
    tmp_path: Path, environment: str, extra: dict[str, str], url: str
) -> None:
    env = {"TATAMI_ENVIRONMENT": environment, "TATAMI_TENANT": "Golden-Tiger", **extra}
    config = load_config(None, env, {})
    assert config.tenant == "golden-tiger"
    assert config.resolved_api_url == url


def test_explicit_api_url_wins_over_the_profile(tmp_path: Path) -> None:
    file = write(tmp_path, 'environment = "staging"\ntenant = "golden-tiger"\n')
    config = load_config(file, {"TATAMI_API_URL": "https://kiosk-gw.example.org/"}, {})
    assert config.resolved_api_url == "https://kiosk-gw.example.org"


@pytest.mark.parametrize(
    ("text", "env", "message"),
    [
        (
            "camra_source = 'camera:0'\n",
            {},
            "unknown key 'camra_source' (did you mean camera_source?)",
        ),
        ("sound = 'loud'\n", {}, "sound = 'loud': expected true or false"),
        ("backup_keep = 0\n", {}, "backup_keep = 0: must be between 1 and 365"),
        ("backup_keep = true\n", {}, "expected a whole number"),
        ("tenant = 'Golden Tiger'\n", {}, "lower-case letters, digits and dashes"),
        ("log_level = 'loud'\n", {}, "must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL"),
        ("decoder_engine = 'zbar'\n", {}, "must be one of auto, zxing"),
        ("camera_source = 'webcam'\n", {}, "expected stdin, demo, camera:N"),
        ("camera_backend = 'directx'\n", {}, "must be one of auto, any, dshow, msmf"),
        ("", {"TATAMI_CAMERA_FPS": "0"}, "camera_fps"),
        ("api_url = 'https://x.test/api'\n", {}, "base URL only"),
        ("tenant = [\n", {}, "not valid TOML"),
        (
            "",
            {"TATAMI_UPLOAD_INTERVAL_SECONDS": "soon"},
            "environment variable TATAMI_UPLOAD_INTERVAL_SECONDS: upload_interval_seconds",
        ),
        ("", {"TATAMI_ENVIRONMENT": "qa"}, "production, staging, preview, development"),
        (
            "environment = 'preview'\ntenant = 'golden-tiger'\n",
            {},
            "environment = preview needs preview = <name>",
        ),
        (
            "tenant = 'golden-tiger'\n",
            {"TATAMI_API_URL": "http://golden-tiger.example.org"},
            "api_url (from TATAMI_API_URL): http://golden-tiger.example.org is plain http",
        ),
    ],
)
def test_invalid_values_are_refused_with_the_key_and_the_fix(
    tmp_path: Path, text: str, env: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text), env, {})
    assert message in str(caught.value)


def test_plain_http_is_fine_on_loopback_and_in_development(tmp_path: Path) -> None:
    loopback = load_config(None, {"TATAMI_API_URL": "http://127.0.0.1:4000"}, {})
    assert loopback.resolved_api_url == "http://127.0.0.1:4000"
    dev = load_config(
        None, {"TATAMI_ENVIRONMENT": "development", "TATAMI_API_URL": "http://dojo-pc:4000"}, {}
    )
    assert dev.resolved_api_url == "http://dojo-pc:4000"


def test_empty_environment_value_unsets_an_optional_key(tmp_path: Path) -> None:
    file = write(tmp_path, "checkin_window_minutes = 90\n")
    assert load_config(file, {}, {}).checkin_window_minutes == 90
    config = load_config(file, {"TATAMI_CHECKIN_WINDOW_MINUTES": ""}, {})
    assert (
        config.checkin_window_minutes is None and config.origin["checkin_window_minutes"] == "env"
    )


def test_unknown_flag_is_a_programming_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown configuration flag 'colour'"):
        load_config(None, {}, {"colour": "red"})


def test_decoder_names_match_the_engines_the_kiosk_has() -> None:
    from kiosk.adapters.decoders import ENGINE_NAMES

    assert set(DECODER_ENGINES) == {"auto", *ENGINE_NAMES}


def test_every_key_is_documented() -> None:
    doc = (Path(__file__).parent.parent / "docs" / "configuration.md").read_text()
    for key in KEYS:
        assert f"`{key.name}`" in doc, key.name
        assert f"`{key.env}`" in doc, key.env
