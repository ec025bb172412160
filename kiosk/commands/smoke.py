"""``tatami-kiosk smoke``: the platform's release smoke against any environment.

    tatami-kiosk smoke --api https://golden-tiger.staging.tatamitech.com \\
        --tenant golden-tiger --email smoke@golden-tiger.test --password-stdin < secret

Steps (the platform's release checklist: health, login, attendance scan, promotion check):
health → ready → staff login → pick a student → issue a pass (``POST /api/qr``) → scan it
(``POST /api/attendance/scan``, 201 created or 200 duplicate) → scan it again (200 duplicate:
counted once) → promotion check. A step that cannot run because an earlier one failed is
``skipped``. One JSON report on stdout; exit 0 when every step passed, 1 otherwise, 2 on usage
errors.

It records a real attendance: in production, use a dedicated smoke student (``--student-id``).
The password and the issued token are never printed.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from kiosk.adapters.platform_client import PlatformClient, Reply

NAME = "smoke"
STAFF_ROLES = ("admin", "instructor", "assistant")
PASS_MIN_SECONDS = 60  # a pass shorter-lived than this could expire during the smoke itself
PASS_MAX_SECONDS = 15 * 60 + 60  # DESIGN §3: 5–15 min, with a minute of clock allowance


@dataclass
class Step:
    name: str
    ok: bool | None = None  # None: skipped
    detail: str = ""
    ms: float = 0.0
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return "skipped" if self.ok is None else ("passed" if self.ok else "failed")

    def to_json(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"name": self.name, "status": self.status, "ms": self.ms}
        if self.detail:
            entry["detail"] = self.detail
        if self.data:
            entry["data"] = self.data
        return entry


class StepFailed(Exception):
    pass


def add_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: list[argparse.ArgumentParser],
) -> None:
    parser = subparsers.add_parser(
        NAME,
        parents=parents,
        help="release smoke: health, ready, login, pass, scan, promotion check (JSON report)",
    )
    parser.add_argument("--api", required=True, help="environment URL of the tenant")
    parser.add_argument("--tenant", required=True, help="academy slug, e.g. golden-tiger")
    parser.add_argument(
        "--email", required=True, help="a staff account (admin, instructor, assistant)"
    )
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of stdin (else a prompt)",
    )
    parser.add_argument(
        "--student-id", default=None, help="student to scan (default: the first active student)"
    )
    parser.add_argument(
        "--timeout", type=float, default=15.0, metavar="SECONDS", help="per request"
    )


def run(args: argparse.Namespace) -> int:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"Password for {args.email}: ")
    if not password:
        print("tatami-kiosk: smoke: empty password", file=sys.stderr)
        return 2
    report = run_smoke(
        args.api, args.tenant, args.email, password, args.student_id, timeout=args.timeout
    )
    del password
    print(json.dumps(report, indent=2))
    return 0 if report["ok"] else 1


def run_smoke(
    api: str,
    tenant: str,
    email: str,
    password: str,
    student_id: str | None = None,
    *,
    timeout: float = 15.0,
) -> dict[str, Any]:
    """Run every step against ``api`` and return the report (see the module docstring)."""
    from kiosk import __version__
    from kiosk.adapters.platform_client import PlatformClient

    started = time.perf_counter()
    started_at = datetime.now(UTC)
    steps: list[Step] = []
    with PlatformClient(api, tenant, timeout=timeout) as client:
        smoke = _Smoke(client, email, password, student_id)
        for name, action in (
            ("health", smoke.health),
            ("ready", smoke.ready),
            ("login", smoke.login),
            ("student", smoke.student),
            ("issue_pass", smoke.issue_pass),
            ("attendance_scan", smoke.scan),
            ("rescan_counted_once", smoke.rescan),
            ("promotion_check", smoke.promotion_check),
        ):
            steps.append(smoke.step(name, action))
        client.logout()
    return {
        "ok": all(step.ok for step in steps),
        "api": api,
        "tenant": tenant,
        "kioskVersion": __version__,
        "startedAt": started_at.isoformat(timespec="seconds"),
        "ms": round((time.perf_counter() - started) * 1000, 1),
        "steps": [step.to_json() for step in steps],
    }


class _Smoke:
    """The steps, sharing what earlier ones found (user, student, token)."""

    #: Steps whose failure makes the listed later steps meaningless.
    NEEDS: ClassVar[dict[str, str]] = {
        "student": "login",
        "issue_pass": "student",
        "attendance_scan": "issue_pass",
        "rescan_counted_once": "attendance_scan",
        "promotion_check": "student",
    }

    def __init__(
        self, client: PlatformClient, email: str, password: str, student_id: str | None
    ) -> None:
        self.client = client
        self.email = email
        self.password = password
        self.student_id = student_id
        self.tenant_id: str | None = None
        self.token: str | None = None
        self.attendance_id: str | None = None
        self.results: dict[str, bool | None] = {}

    def step(self, name: str, action: Callable[[Step], object]) -> Step:
        from kiosk.adapters.platform_client import PlatformUnreachable

        step = Step(name)
        needed = self.NEEDS.get(name)
        if needed and not self.results.get(needed):
            step.detail = f"needs {needed}"
            self.results[name] = None
            return step
        started = time.perf_counter()
        try:
            action(step)
            step.ok = True
        except StepFailed as exc:
            step.ok, step.detail = False, str(exc)
        except PlatformUnreachable as exc:
            step.ok, step.detail = False, f"no answer: {exc}"
        step.ms = round((time.perf_counter() - started) * 1000, 1)
        self.results[name] = step.ok
        return step

    @staticmethod
    def _expect(reply: Reply, *statuses: int) -> None:
        if reply.status not in statuses:
            message = f": {reply.error_message}" if reply.error_message else ""
            raise StepFailed(
                f"{reply.describe()}{message} (expected {' or '.join(map(str, statuses))}; "
                f"request id {reply.request_id or '-'})"
            )

    def health(self, step: Step) -> None:
        reply = self.client.health()
        self._expect(reply, 200)
        status = reply.body.get("status") if isinstance(reply.body, dict) else None
        if status != "ok":
            raise StepFailed(f"/health answered 200 but status {status!r}")
        step.detail = f"{reply.describe()}"

    def ready(self, step: Step) -> None:
        reply = self.client.ready()
        self._expect(reply, 200)
        step.detail = reply.describe()
        if isinstance(reply.body, dict) and reply.body.get("revision"):
            step.data["revision"] = reply.body["revision"]

    def login(self, step: Step) -> None:
        reply = self.client.login(self.email, self.password)
        self.password = ""  # used once
        self._expect(reply, 200)
        user = reply.body.get("user") if isinstance(reply.body, dict) else None
        if not isinstance(user, dict) or not self.client.logged_in:
            raise StepFailed("login answered 200 without an access token and user")
        role = str(user.get("role"))
        if role not in STAFF_ROLES:
            raise StepFailed(
                f"the smoke account has role {role!r}; it needs a staff role "
                f"({', '.join(STAFF_ROLES)}) to issue passes and scan"
            )
        self.tenant_id = str(user.get("tenantId"))
        step.detail = f"{reply.describe()} as {role}"
        step.data = {"role": role, "tenantId": self.tenant_id}

    def student(self, step: Step) -> None:
        if self.student_id:
            step.detail = "given with --student-id"
            step.data = {"studentId": self.student_id}
            return
        reply = self.client.students()
        self._expect(reply, 200)
        students = reply.body.get("students") if isinstance(reply.body, dict) else None
        if not isinstance(students, list):
            raise StepFailed("GET /api/students answered without a student list")
        active = [s for s in students if isinstance(s, dict) and s.get("status") == "active"]
        if not active:
            raise StepFailed("no active student in this tenant; pass --student-id")
        self.student_id = str(active[0]["id"])
        step.detail = f"first active of {len(students)}"
        step.data = {"studentId": self.student_id}

    def issue_pass(self, step: Step) -> None:
        from kiosk.domain.tokens import read_token

        assert self.student_id is not None
        reply = self.client.issue_qr(self.student_id, "pass")
        self._expect(reply, 200, 201)
        token = reply.body.get("token") if isinstance(reply.body, dict) else None
        if not isinstance(token, str):
            raise StepFailed("POST /api/qr answered without a token")
        # The kiosk's own reader: the pass must be a TatamiTech token a kiosk would accept.
        claims = read_token(token).claims
        if claims is None:
            raise StepFailed(
                f"the issued token is not a TatamiTech QR token ({read_token(token).problem})"
            )
        problems = []
        if claims.tenant_id != str(self.tenant_id).lower():
            problems.append("tenantId differs from the staff user's tenant")
        if claims.student_id != self.student_id.lower():
            problems.append("studentId differs from the requested student")
        if claims.kind.value != "pass":
            problems.append(f"kind is {claims.kind.value!r}, not pass")
        lifetime = claims.exp - time.time()
        if not PASS_MIN_SECONDS <= lifetime <= PASS_MAX_SECONDS:
            problems.append(f"pass lifetime {lifetime:.0f} s is outside 5–15 minutes")
        if problems:
            raise StepFailed("; ".join(problems))
        self.token = token
        step.detail = f"{reply.describe()}, pass valid {lifetime / 60:.0f} min"
        step.data = {"tokenChars": len(token)}

    def scan(self, step: Step) -> None:
        assert self.token is not None
        reply = self.client.scan(self.token)
        self._expect(reply, 200, 201)
        status = reply.body.get("status") if isinstance(reply.body, dict) else None
        if status not in ("created", "duplicate"):
            raise StepFailed(f"scan answered {reply.status} with status {status!r}")
        self.attendance_id = _attendance_id(reply.body)
        step.detail = f"{reply.describe()} {status}"
        step.data = {"status": status}

    def rescan(self, step: Step) -> None:
        """The same pass again: answered as already checked in, and not counted twice.

        The domain reports a pass re-shown by its own student in the same session as
        ``duplicate`` rather than ``replay`` (kiosk/domain/decision.py), so 200 is expected.
        """
        assert self.token is not None
        reply = self.client.scan(self.token)
        self._expect(reply, 200)
        body = reply.body if isinstance(reply.body, dict) else {}
        if body.get("status") != "duplicate":
            raise StepFailed(f"a re-scan answered status {body.get('status')!r}, not duplicate")
        first = self.attendance_id
        again = _attendance_id(body)
        if first and again and first != again:
            raise StepFailed("a re-scan points to a different attendance than the first scan")
        step.detail = f"{reply.describe()} duplicate (counted once)"

    def promotion_check(self, step: Step) -> None:
        assert self.student_id is not None
        reply = self.client.promotion_check(self.student_id)
        self._expect(reply, 200)
        body = reply.body if isinstance(reply.body, dict) else {}
        missing = [k for k in ("eligible", "reasons", "nextSteps", "stats") if k not in body]
        if missing or not isinstance(body.get("eligible"), bool):
            raise StepFailed(f"promotion check answer lacks {', '.join(missing) or 'eligible'}")
        step.detail = f"{reply.describe()} eligible={body['eligible']}"
        step.data = {"eligible": body["eligible"], "nextSteps": body["nextSteps"]}


def _attendance_id(body: Any) -> str | None:
    attendance = body.get("attendance") if isinstance(body, dict) else None
    value = attendance.get("id") if isinstance(attendance, dict) else None
    return str(value) if value else None
