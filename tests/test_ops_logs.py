"""Logging: redaction, JSON lines, rotation, Sentry scrubbing, crash log, and the canary sweep.

The canary test plants a QR token, a staff email and password, a student's names, a PIN and the
device token through real kiosk flows (set-up against the reference server, headless scans,
sync, PIN checks, doctor, smoke), all with DEBUG logging, then greps every artifact the kiosk
left (log files, crash log, everything beside the database, stdout and stderr) for them.
"""

from __future__ import annotations

import base64
import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import segno

from kiosk.adapters.logs import (
    JsonLinesFormatter,
    redact,
    redact_data,
    scrub_event,
    setup_logging,
)
from kiosk.adapters.paths import resolve_paths
from tests.ops_support import ADMIN, GT, ROOT, kiosk, kiosk_env, live_server

JWS = (
    "eyJhbGciOiJFZERTQSIsImtpZCI6Imd0LTIwMjYtMTEifQ."
    "eyJzdHVkZW50SWQiOiJhYmMiLCJub25jZSI6Ilg3cVpMbTJwUjl0VndLM3lCNGNEIn0."
    "c2lnbmF0dXJlLWJ5dGVzLWhlcmUtMDEyMzQ1Njc4OWFiY2RlZg"
)
DEVICE_TOKEN = "dt_Q2hhbmdlTWVQbGVhc2UtN0s4bTNOcTJ2WHlaMWI0Yw"
SCAN_ID = "0b6f3c1e-8a2d-4f7b-9c3e-5d1a2b3c4d5e"
NONCE_HASH = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        (f"scanned {JWS} at the desk", JWS),
        (f"GET /checkin?token={JWS[:30]}&x=1", JWS[:30]),
        ("https://golden-tiger.tatamitech.com/c?token=abc.def.ghi", "abc.def.ghi"),
        ("Authorization: Bearer abcdef0123456789", "abcdef0123456789"),
        (f"device token {DEVICE_TOKEN} stored", DEVICE_TOKEN),
        ('{"deviceToken": "opaque-value-1"}', "opaque-value-1"),
        ("refreshToken=rt_x&accessToken=zzz", "zzz"),
        ("login admin@golden-tiger.test failed", "admin@golden-tiger.test"),
        ("pin=482916 rejected", "482916"),
        ('{"pin": "4829"}', "4829"),
        ("password: hunter2!", "hunter2!"),
        ("nonce X7qZLm2pR9tVwK3yB4cD spent", "X7qZLm2pR9tVwK3yB4cD"),
    ],
)
def test_redact_removes_secret_shapes(text: str, gone: str) -> None:
    cleaned = redact(text)
    assert gone not in cleaned
    assert "[redacted]" in cleaned or "[jws]" in cleaned or "[email]" in cleaned


def test_redact_keeps_what_logs_are_for() -> None:
    text = (
        f"scan {SCAN_ID} outcome=accepted nonce={NONCE_HASH[:12]} kiosk 42 "
        "in kiosk.adapters.store line 120, 3 pending, took 12.5 ms"
    )
    assert redact(text) == text.replace(f"nonce={NONCE_HASH[:12]}", f"nonce={NONCE_HASH[:12]}")
    assert SCAN_ID in redact(f"hash {NONCE_HASH} for {SCAN_ID}")
    assert NONCE_HASH in redact(f"hash {NONCE_HASH}")


def test_redact_strips_control_and_bidi_characters() -> None:
    assert redact("ok\x1b[31m red\x07\x00\u202eevil\u2066") == "ok[31m redevil"
    assert redact("line one\nline two\ttab") == "line one\nline two\ttab"


def test_redact_data_walks_structures_and_drops_secret_keys() -> None:
    event = {
        "message": f"failed for admin@golden-tiger.test with {JWS}",
        "extra": {"deviceToken": "anything", "displayName": "Ana Canary", "count": 3},
        "list": [DEVICE_TOKEN, 7, None],
    }
    cleaned = redact_data(event)
    flat = json.dumps(cleaned)
    for secret in ("admin@golden-tiger.test", JWS, "anything", "Ana Canary", DEVICE_TOKEN):
        assert secret not in flat
    assert cleaned["extra"]["count"] == 3 and cleaned["list"][1:] == [7, None]


def test_sentry_events_are_scrubbed_like_logs() -> None:
    event = {
        "exception": {"values": [{"value": f"bad token {JWS}"}]},
        "user": {"email": "admin@golden-tiger.test", "ip_address": "10.0.0.7"},
        "request": {"headers": {"Authorization": "Bearer x"}, "data": {"password": "p"}},
        "breadcrumbs": {"values": [{"message": "POST /api/auth/login pin=1234"}]},
    }
    cleaned = scrub_event(event)
    flat = json.dumps(cleaned)
    assert JWS not in flat and "10.0.0.7" not in flat and "1234" not in flat
    assert "user" not in cleaned and "headers" not in cleaned["request"]


@pytest.fixture
def root_logging() -> Iterator[None]:
    """setup_logging replaces the root handlers: give pytest's back afterwards."""
    root = logging.getLogger()
    saved, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in saved:
        root.addHandler(handler)
    root.setLevel(level)


def test_json_lines_file_is_redacted_and_rotates(tmp_path: Path, root_logging: None) -> None:
    paths = resolve_paths(tmp_path).ensure()
    handle = setup_logging(paths, "WARNING", console=False, max_bytes=2000, backup_count=9)
    try:
        log = logging.getLogger("kiosk.test")
        log.info(
            "scan %s token=%s by %s",
            SCAN_ID,
            JWS,
            "admin@golden-tiger.test",
            extra={"scan_id": SCAN_ID, "deviceToken": DEVICE_TOKEN},
        )
        try:
            raise ValueError(f"could not parse {JWS}")
        except ValueError:
            log.exception("handler failed for pin=%s", "4829")
        log.debug("below the file level: not written")
        for n in range(20):
            log.info("filler line %d", n)
    finally:
        handle.close()
    files = sorted(p.name for p in paths.logs.iterdir())
    assert files[:2] == ["kiosk.jsonl", "kiosk.jsonl.1"] and len(files) < 9  # rotated, all kept
    lines = [
        json.loads(line)
        for name in sorted(files, key=lambda n: -int(n.rsplit(".", 1)[1]) if n[-1].isdigit() else 0)
        for line in (paths.logs / name).read_text().splitlines()
    ]
    first, failure = lines[0], lines[1]
    assert first["level"] == "INFO" and first["logger"] == "kiosk.test"
    assert first["scan_id"] == SCAN_ID and first["deviceToken"] == "[redacted]"
    assert SCAN_ID in first["msg"]
    assert "Traceback" in failure["exc"] and "ValueError" in failure["exc"]
    everything = "".join((paths.logs / name).read_text() for name in files)
    for secret in (JWS, "admin@golden-tiger.test", DEVICE_TOKEN, "4829", "below the file"):
        assert secret not in everything


def test_setup_twice_does_not_duplicate_lines(tmp_path: Path, root_logging: None) -> None:
    paths = resolve_paths(tmp_path).ensure()
    setup_logging(paths, "INFO", console=False)
    handle = setup_logging(paths, "INFO", console=False)
    logging.getLogger("kiosk.test").warning("once")
    handle.close()
    assert (paths.logs / "kiosk.jsonl").read_text().count('"once"') == 1


def test_formatter_survives_a_broken_format_string() -> None:
    record = logging.LogRecord("kiosk", logging.INFO, __file__, 1, "%d items", ("x",), None)
    from kiosk.adapters.logs import RedactionFilter

    assert RedactionFilter().filter(record)
    assert "unformattable" in json.loads(JsonLinesFormatter().format(record))["msg"]


def test_crash_log_records_uncaught_exceptions_redacted(tmp_path: Path) -> None:
    code = f"""
import threading
from kiosk.adapters.logs import install_crash_handler, setup_logging
from kiosk.adapters.paths import resolve_paths
paths = resolve_paths({str(tmp_path)!r}).ensure()
setup_logging(paths, "ERROR", console=False)
install_crash_handler(paths)
worker = threading.Thread(target=lambda: 1 / 0, name="sync")
worker.start(); worker.join()
raise RuntimeError("token={JWS} for admin@golden-tiger.test")
"""
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    crash = (tmp_path / "logs" / "crash.log").read_text()
    assert "crash in thread sync" in crash and "ZeroDivisionError" in crash
    assert "crash in main thread" in crash and "RuntimeError: token=[redacted]" in crash
    logged = (tmp_path / "logs" / "kiosk.jsonl").read_text()
    assert '"level": "CRITICAL"' in logged
    for text in (crash, logged):
        assert JWS not in text and "admin@golden-tiger.test" not in text


# -- the canary sweep -----------------------------------------------------------------------


@dataclass
class Artifact:
    name: str
    text: str


#: The database and its copies hold the roster (names) by design; they are excluded, and so
#: are the database's own WAL and shared-memory files, which are part of it.
DATABASE_FILES = (
    "kiosk.sqlite3",
    "kiosk.sqlite3-wal",
    "kiosk.sqlite3-shm",
    "kiosk.sqlite3-journal",
)


def artifacts_of(data_dir: Path) -> list[Artifact]:
    found = []
    for path in sorted(data_dir.rglob("*")):
        if not path.is_file() or path.name in DATABASE_FILES:
            continue
        if path.parent.name == "backups" and path.suffix == ".sqlite3":
            continue
        found.append(
            Artifact(
                str(path.relative_to(data_dir)), path.read_bytes().decode("utf-8", errors="replace")
            )
        )
    return found


PIN_FLOW = """
import sys
from kiosk.adapters.logs import setup_logging
from kiosk.adapters.paths import resolve_paths
from kiosk.runtime import KioskRuntime
from kiosk.services.staff import PinRole, PinService

setup_logging(resolve_paths(None).ensure(), "DEBUG")
pin = sys.stdin.readline().strip()
with KioskRuntime.open() as context:
    pins = PinService(context.store, context.clock)
    pins.set_pin(PinRole.STAFF, pin)
    assert not pins.verify(str(int(pin) + 1), PinRole.STAFF).ok
    assert pins.verify(pin, PinRole.STAFF).ok
print("pin flow done")
"""


def test_canaries_never_reach_logs_or_output(tmp_path: Path) -> None:
    data_dir, keyring_file = tmp_path / "kiosk", tmp_path / "keyring.json"
    env = kiosk_env(data_dir, keyring_file, TATAMI_CAMERA_SOURCE="stdin")
    with live_server(tmp_path / "server") as server:
        assert server.seed is not None
        password = server.seed.password
        tenant = server.seed.tenants[GT]
        student_id = tenant.students["eligible"]
        with httpx.Client(base_url=server.base_url, headers={"X-Tenant": GT}) as api:
            login = api.post(
                "/api/auth/login", json={"email": ADMIN, "password": password, "tenantSlug": GT}
            ).json()
            students = api.get(
                "/api/students", headers={"Authorization": f"Bearer {login['accessToken']}"}
            ).json()["students"]
        student = next(s for s in students if s["id"] == student_id)
        pass_token = server.issue_token(GT, student_id)
        card_token = tenant.cards[student_id]
        nonce = json.loads(base64.urlsafe_b64decode(pass_token.split(".")[1] + "=="))["nonce"]
        pin = "482916"
        outputs: list[Artifact] = []

        def run(label: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
            result = kiosk(*args, env=env, stdin=stdin, logged=True)
            outputs.append(Artifact(f"{label} stdout", result.stdout))
            outputs.append(Artifact(f"{label} stderr", result.stderr))
            assert "Traceback" not in result.stderr, result.stderr
            return result

        setup = run(
            "setup",
            "setup",
            "--api",
            server.base_url,
            "--tenant",
            GT,
            "--email",
            ADMIN,
            "--password-stdin",
            stdin=password + "\n",
        )
        assert setup.returncode == 0, setup.stderr
        device_token = next(iter(json.loads(keyring_file.read_text()).values()))
        scans = "\n".join(
            [
                pass_token,
                f"https://golden-tiger.tatamitech.com/checkin?token={card_token}",
                pass_token[:-4] + "AAAA",  # forged signature
                f"\x1b[31m{ADMIN}\x07",  # junk typed by a scanner, with control characters
                pin,  # a PIN typed into the scanner field by mistake
            ]
        )
        headless = run("headless", "run", "--headless", "--source", "stdin", stdin=scans + "\n")
        assert headless.returncode == 0, headless.stderr
        outcomes = [json.loads(line)["outcome"] for line in headless.stdout.splitlines()]
        assert outcomes[0] == "accepted" and outcomes[2] == "bad_signature"
        sync = run("sync", "sync", "--once")
        assert sync.returncode == 0, sync.stdout + sync.stderr
        pins = subprocess.run(
            [sys.executable, "-c", PIN_FLOW],
            input=pin + "\n",
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=60,
            check=False,
        )
        assert pins.returncode == 0, pins.stderr
        outputs += [Artifact("pin stdout", pins.stdout), Artifact("pin stderr", pins.stderr)]
        run("doctor", "doctor", "--json")
        smoke = run(
            "smoke",
            "smoke",
            "--api",
            server.base_url,
            "--tenant",
            GT,
            "--email",
            ADMIN,
            "--password-stdin",
            "--student-id",
            student_id,
            stdin=password + "\n",
        )
        assert json.loads(smoke.stdout)["ok"], smoke.stdout
        run("backup", "backup", "create")
        # The window, as shipped (its own logging, no wrapper), scanning QR images of a pass and
        # a card from a folder source, with its sync loop talking to the server.
        images = tmp_path / "images"
        images.mkdir()
        gui_pass = server.issue_token(GT, tenant.students["close"])
        segno.make_qr(gui_pass, error="m").save(images / "pass.png", scale=6, border=4)
        segno.make_qr(card_token, error="m").save(images / "card.png", scale=6, border=4)
        gui = kiosk("run", "--source", f"folder:{images}", "--quit-after", "6", env=env)
        outputs += [Artifact("gui stdout", gui.stdout), Artifact("gui stderr", gui.stderr)]
        assert gui.returncode == 0 and "Traceback" not in gui.stderr, gui.stderr

    canaries = {
        "pass token": pass_token,
        "pass token shown to the window": gui_pass,
        "pass signature": pass_token.rsplit(".", 1)[1],
        "card token": card_token,
        "nonce": nonce,
        "staff email": ADMIN,
        "staff password": password,
        "device token": device_token,
        "PIN": pin,
        "student display name": student["displayName"],
        "student full name": student["fullName"],
    }
    files = artifacts_of(data_dir)
    log_text = "".join(a.text for a in files if a.name.startswith("logs/"))
    # Not vacuous: the flows did log, at DEBUG, with their identifiers.
    assert json.loads(headless.stdout.splitlines()[0])["scanId"] in log_text
    assert "registered" in log_text
    assert "outcome=accepted source=camera" in log_text  # the window's scans are logged too
    leaks = [
        f"{label} in {artifact.name}"
        for artifact in files + outputs
        for label, value in canaries.items()
        if value in artifact.text
    ]
    assert leaks == []


def test_headless_stdout_carries_no_student_name(tmp_path: Path) -> None:
    data_dir = tmp_path / "kiosk"
    env = kiosk_env(data_dir, TATAMI_CAMERA_SOURCE="stdin")
    roster = ROOT / "tests" / "data" / "vector_roster.json"
    assert kiosk("roster", "import", str(roster), env=env).returncode == 0
    from datetime import UTC, datetime

    from tests.support import VECTOR_ROSTER, make_token

    ana = next(s for s in VECTOR_ROSTER["students"] if s["displayName"].startswith("Ana"))
    ran = kiosk(
        "run",
        "--headless",
        "--source",
        "stdin",
        env=env,
        stdin=make_token("ana", now=datetime.now(UTC)) + "\n",
    )
    assert json.loads(ran.stdout)["outcome"] == "accepted"
    assert ana["displayName"] not in ran.stdout
