"""The reference server issues either token form (DESIGN §3): per academy, per request, per print run.

Golden Tiger has the defaults (compact cards, JWS passes); the seed gives Iron Crane JWS cards.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import cv2
import pytest
import sqlalchemy as sa
import zxingcpp

from kiosk.domain.tokens import TokenForm, read_token
from kiosk.server import schema
from kiosk.server.embedded import RunningServer
from kiosk.server.qr import card_token
from kiosk.server.seed import student_id_for
from tests.server_support import GT, IC, Api, bearer, running


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    with running(tmp_path) as (server, _clock):
        yield server


def _issue(api: Api, staff: dict[str, str], **body: object) -> dict[str, object]:
    response = api.http.post("/api/qr", json=body, headers=staff)
    assert response.status_code == 200, response.text
    issued: dict[str, object] = response.json()
    return issued


def _form(token: object) -> TokenForm:
    assert isinstance(token, str)
    reading = read_token(token)
    assert reading.claims is not None, reading.problem
    return reading.form


def test_academy_setting_and_request_choose_the_form(server: RunningServer) -> None:
    tiger, crane = Api(server), Api(server, IC)
    staff, crane_staff = bearer(tiger.token("assistant")), bearer(crane.token("assistant"))
    student = student_id_for(GT, "close")
    card = _issue(tiger, staff, studentId=student, kind="card")
    assert card["form"] == "compact" and str(card["token"]).startswith("TT1:")
    assert _form(card["token"]) is TokenForm.COMPACT
    a_pass = _issue(tiger, staff, studentId=student)
    assert a_pass["form"] == "jws" and _form(a_pass["token"]) is TokenForm.JWS
    compact_pass = _issue(tiger, staff, studentId=student, form="compact")
    assert _form(compact_pass["token"]) is TokenForm.COMPACT
    jws_card = _issue(tiger, staff, studentId=student, kind="card", form="jws")
    assert jws_card["form"] == "jws" and _form(jws_card["token"]) is TokenForm.JWS
    crane_card = _issue(crane, crane_staff, studentId=student_id_for(IC, "close"), kind="card")
    assert crane_card["form"] == "jws"
    refused = tiger.http.post(
        "/api/qr", json={"studentId": student, "form": "qr-v1"}, headers=staff
    )
    assert refused.status_code == 422
    schema_doc = tiger.http.get("/openapi.json").json()["components"]["schemas"]
    assert "form" in schema_doc["QrIn"]["properties"] and "form" in schema_doc["QrOut"]["required"]
    for api in (tiger, crane):
        api.close()


def test_online_scan_of_both_forms(server: RunningServer) -> None:
    api = Api(server)
    staff = bearer(api.token("assistant"))
    student = student_id_for(GT, "eligible_adult")
    compact_pass = _issue(api, staff, studentId=student, form="compact")["token"]
    scanned = api.http.post("/api/attendance/scan", json={"token": compact_pass}, headers=staff)
    assert scanned.status_code == 201, scanned.text
    # The seeded revoked card, reprinted in each form: the card is its nonce, revoked in both.
    with server.database.write_tx() as conn:
        row = conn.execute(
            sa.select(schema.cards).where(
                schema.cards.c.student_id == student_id_for(GT, "revoked_card")
            )
        ).one()
        texts = [card_token(conn, row, form) for form in TokenForm]
    assert {_form(t) for t in texts} == set(TokenForm)
    for text in texts:
        refused = api.http.post("/api/attendance/scan", json={"token": text}, headers=staff)
        assert (refused.status_code, refused.json()["error"]["code"]) == (403, "revoked")
    api.close()


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("APP_", "JWT_"))}
    environ["DATABASE_URL"] = f"sqlite:///{tmp_path / 'cli.db'}"
    return subprocess.run(
        [sys.executable, "-m", "kiosk.server", *args],
        capture_output=True,
        text=True,
        env=environ,
        timeout=120,
        check=False,
    )


def _first_card(folder: Path) -> tuple[str, str]:
    """(file name, decoded text) of the first PNG card in ``folder``."""
    path = sorted(folder.glob("*.png"))[0]
    decoded = zxingcpp.read_barcodes(cv2.imread(str(path)))
    return path.name, decoded[0].text


@pytest.mark.slow
def test_issue_cards_and_token_form_commands(tmp_path: Path) -> None:
    assert _cli(tmp_path, "seed").returncode == 0
    shown = _cli(tmp_path, "token-form", "--tenant", GT)
    assert shown.stdout.strip() == f"{GT}: cards compact, passes jws"
    assert "cards jws" in _cli(tmp_path, "token-form", "--tenant", IC).stdout

    def print_cards(folder: str, *extra: str) -> tuple[str, str]:
        out = tmp_path / folder
        done = _cli(
            tmp_path, "issue-cards", "--tenant", GT, "--out", str(out), "--format", "png", *extra
        )
        assert done.returncode == 0, done.stderr
        return _first_card(out)

    name, compact = print_cards("default")
    assert compact.startswith("TT1:")
    same_name, jws = print_cards("jws", "--form", "jws")
    assert same_name == name and _form(jws) is TokenForm.JWS
    # The same stored card in either form: same claims, nonce included.
    assert read_token(jws).claims == read_token(compact).claims

    changed = _cli(tmp_path, "token-form", "--tenant", GT, "--cards", "jws", "--passes", "compact")
    assert changed.stdout.strip() == f"{GT}: cards jws, passes compact"
    assert _form(print_cards("after")[1]) is TokenForm.JWS
    assert _cli(tmp_path, "token-form", "--tenant", "nobody").returncode == 2
