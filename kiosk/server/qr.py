"""QR tokens: issuing passes and cards, revoking cards, validating an online scan.

Tokens are issued in either form (DESIGN §3): the academy's setting chooses (``card_token_form``,
compact by default; ``pass_token_form``, JWS by default) and a request may ask for the other.
Both forms carry the same claims and the same nonce, and a stored card is the nonce: reprinting
a card in the other form gives the same card (revoking it revokes both texts).

The online scan runs the kiosk's own decision (:func:`kiosk.domain.decision.decide`) against
the server's data, so a code accepted at the front desk is accepted at the kiosk and the
reverse. Outcomes map to HTTP as the contract says: ``403`` another tenant, ``401`` expired or
forged, ``409`` replayed pass, ``404`` unknown student.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from kiosk.domain.decision import HISTORY_HORIZON, Outcome, PassUse, PriorCheckin, decide
from kiosk.domain.model import ClassSlot, Student, TenantSettings
from kiosk.domain.schedule import ClassSession, sessions_around
from kiosk.domain.tokens import TokenForm, VerificationKey, issue_in_form, nonce_digest, read_token
from kiosk.server import schema
from kiosk.server.clock import iso_z
from kiosk.server.context import AppContext, Principal, audit
from kiosk.server.errors import ApiError, forbidden, not_found
from kiosk.server.ingest import counting_duplicate, nonce_hash, record_online
from kiosk.server.keys import SigningKey, key_by_kid, public_jwks, signing_key, verification_keys
from kiosk.server.observability import log
from kiosk.server.records import select_students, student_from_row
from kiosk.server.security import STAFF, Role
from kiosk.server.tenancy import TenantInfo

C = schema.cards
S = schema.students
A = schema.attendance

PASS_MINUTES_DEFAULT, PASS_MINUTES_MIN, PASS_MINUTES_MAX = 10, 5, 15
CARD_DAYS = 2 * 365


def new_nonce() -> str:
    return secrets.token_urlsafe(18)  # 144 random bits (DESIGN §3 asks for at least 128)


def sign(
    key: SigningKey,
    student_id: str,
    tenant_id: str,
    nonce: str,
    kind: str,
    iat: datetime,
    exp: datetime,
    form: TokenForm = TokenForm.JWS,
) -> str:
    claims = {
        "studentId": student_id,
        "tenantId": tenant_id,
        "nonce": nonce,
        "iat": int(iat.timestamp()),
        "exp": int(exp.timestamp()),
        "kind": kind,
    }
    return issue_in_form(form, key.private_key, key.kid, claims)


def issue_card_row(
    conn: Connection,
    tenant_id: str,
    student_id: str,
    now: datetime,
    issued_by: str | None,
    nonce: str | None = None,
    form: TokenForm = TokenForm.COMPACT,
) -> tuple[str, str, datetime]:
    """Store a new card and sign it in ``form``: ``(card id, token, exp)``."""
    key = signing_key(conn, tenant_id)
    nonce = nonce or new_nonce()
    card_id = str(uuid.uuid4())
    exp = now + timedelta(days=CARD_DAYS)
    conn.execute(
        sa.insert(C).values(
            id=card_id,
            tenant_id=tenant_id,
            student_id=student_id,
            nonce=nonce,
            kid=key.kid,
            issued_at=now,
            expires_at=exp,
            issued_by=issued_by,
            revoked_at=None,
        )
    )
    return card_id, sign(key, student_id, tenant_id, nonce, "card", now, exp, form), exp


def card_token(conn: Connection, card: Any, form: TokenForm = TokenForm.COMPACT) -> str:
    """The token of a stored card, signed again (Ed25519 is deterministic: the same text)."""
    key = key_by_kid(conn, card.tenant_id, card.kid)
    return sign(
        key,
        card.student_id,
        card.tenant_id,
        card.nonce,
        "card",
        card.issued_at,
        card.expires_at,
        form,
    )


def issue(
    ctx: AppContext,
    tenant: TenantInfo,
    principal: Principal,
    student_id: str,
    kind: str,
    ttl_minutes: int | None,
    form: str | None = None,
) -> dict[str, Any]:
    """Issue a pass or a card; ``form`` (``jws``/``compact``) overrides the academy's setting."""
    if principal.role is Role.STUDENT:
        if kind != "pass" or principal.student_id != student_id:
            raise forbidden("students may issue a pass for themselves only")
    elif principal.role not in STAFF:
        raise forbidden()
    now = ctx.now()
    with ctx.db.write_tx() as conn:
        exists = conn.execute(
            sa.select(S.c.id).where(
                S.c.tenant_id == tenant.id, S.c.id == student_id, S.c.deleted_at.is_(None)
            )
        ).first()
        if exists is None:
            raise not_found("student")
        if kind == "card":
            card_form = TokenForm(form) if form else tenant.card_form
            card_id, token, exp = issue_card_row(
                conn, tenant.id, student_id, now, principal.id, form=card_form
            )
            return {
                "token": token,
                "kind": "card",
                "form": card_form.value,
                "exp": iso_z(exp),
                "cardId": card_id,
            }
        minutes = PASS_MINUTES_DEFAULT if ttl_minutes is None else ttl_minutes
        if not PASS_MINUTES_MIN <= minutes <= PASS_MINUTES_MAX:
            raise ApiError(
                422,
                "validation_error",
                f"a pass lives {PASS_MINUTES_MIN} to {PASS_MINUTES_MAX} minutes",
            )
        exp = now + timedelta(minutes=minutes)
        key = signing_key(conn, tenant.id)
    pass_form = TokenForm(form) if form else tenant.pass_form
    token = sign(key, student_id, tenant.id, new_nonce(), "pass", now, exp, pass_form)
    return {"token": token, "kind": "pass", "form": pass_form.value, "exp": iso_z(exp)}


def revoke_card(ctx: AppContext, tenant: TenantInfo, principal: Principal, card_id: str) -> None:
    with ctx.db.write_tx() as conn:
        updated = conn.execute(
            sa.update(C)
            .where(C.c.tenant_id == tenant.id, C.c.id == card_id, C.c.revoked_at.is_(None))
            .values(revoked_at=ctx.now())
        ).rowcount
        if not updated:
            exists = conn.execute(
                sa.select(C.c.id).where(C.c.tenant_id == tenant.id, C.c.id == card_id)
            ).first()
            if exists is None:
                raise not_found("card")
        audit(conn, tenant.id, ctx.now(), principal.id, "card.revoke", card_id, {})


def list_cards(ctx: AppContext, tenant: TenantInfo, student_id: str) -> list[dict[str, Any]]:
    with ctx.db.read_tx() as conn:
        rows = conn.execute(
            sa.select(C.c.id, C.c.issued_at, C.c.expires_at, C.c.revoked_at)
            .where(C.c.tenant_id == tenant.id, C.c.student_id == student_id)
            .order_by(C.c.issued_at)
        ).all()
    return [
        {
            "cardId": r.id,
            "issuedAt": iso_z(r.issued_at),
            "exp": iso_z(r.expires_at),
            "revokedAt": iso_z(r.revoked_at) if r.revoked_at else None,
        }
        for r in rows
    ]


# --- online scan -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _View:
    """The decision's RosterView and CheckinHistory over rows read for this one scan."""

    tenant_id: str
    keys: Mapping[str, VerificationKey]
    settings: TenantSettings
    classes: Sequence[ClassSlot]
    revoked: bool
    found: Student | None
    priors: Sequence[PriorCheckin]
    pass_used: PassUse | None

    def is_revoked(self, nonce: str) -> bool:
        return self.revoked

    def student(self, student_id: str) -> Student | None:
        return self.found

    def accepted_since(self, student_id: str, since: datetime) -> Sequence[PriorCheckin]:
        return [p for p in self.priors if p.scanned_at >= since]

    def pass_use(self, nonce: str) -> PassUse | None:
        return self.pass_used


_SCAN_ERRORS: Mapping[Outcome, tuple[int, str]] = {
    Outcome.INVALID_CODE: (400, "not a TatamiTech code"),
    Outcome.WRONG_TENANT: (403, "this code belongs to another academy"),
    Outcome.BAD_SIGNATURE: (401, "code not valid"),
    Outcome.EXPIRED: (401, "code expired: refresh it on your phone"),
    Outcome.REVOKED: (403, "card deactivated: see the front desk"),
    Outcome.UNKNOWN_STUDENT: (404, "student not found: see the front desk"),
    Outcome.STUDENT_INACTIVE: (409, "membership not active: see the front desk"),
    Outcome.REPLAY: (409, "code already used: refresh it on your phone"),
}
_SCAN_CODES: Mapping[Outcome, str] = {
    Outcome.INVALID_CODE: "invalid_code",
    Outcome.WRONG_TENANT: "wrong_tenant",
    Outcome.BAD_SIGNATURE: "bad_signature",
    Outcome.EXPIRED: "token_expired",
    Outcome.REVOKED: "revoked",
    Outcome.UNKNOWN_STUDENT: "unknown_student",
    Outcome.STUDENT_INACTIVE: "student_inactive",
    Outcome.REPLAY: "replay",
}


def load_classes(conn: Connection, tenant_id: str) -> list[ClassSlot]:
    K = schema.classes
    rows = conn.execute(sa.select(K).where(K.c.tenant_id == tenant_id)).all()
    return [
        ClassSlot(
            id=r.id,
            name=r.name,
            weekday=r.weekday,
            start=time.fromisoformat(r.start_time),
            duration_minutes=r.duration_minutes,
            program_id=r.program_id,
        )
        for r in rows
    ]


def _forced_session(
    classes: Sequence[ClassSlot], class_id: str, now: datetime, settings: TenantSettings
) -> ClassSession:
    slots = [c for c in classes if c.id == class_id]
    if not slots:
        raise not_found("class")
    lead = timedelta(minutes=settings.class_lead_minutes)
    for session in sessions_around(slots, now, settings):
        if session.starts_at - lead <= now < session.ends_at:
            return session
    raise ApiError(409, "class_not_in_session", "that class is not on now")


def scan(
    ctx: AppContext, tenant: TenantInfo, principal: Principal, text: str, class_id: str | None
) -> tuple[int, dict[str, Any]]:
    """Validate and record an online scan: ``(HTTP status, body)`` or raise :class:`ApiError`."""
    now = ctx.now()
    reading = read_token(text)
    claims = reading.claims
    with ctx.db.write_tx() as conn:
        jwks = public_jwks(conn, tenant.id)
        found = None
        revoked = False
        priors: list[PriorCheckin] = []
        pass_used = None
        if claims is not None and claims.tenant_id == tenant.id:
            row = conn.execute(
                select_students().where(
                    S.c.tenant_id == tenant.id,
                    S.c.id == claims.student_id,
                    S.c.deleted_at.is_(None),
                )
            ).first()
            found = student_from_row(row) if row is not None else None
            if claims.kind.value == "card":
                card = conn.execute(
                    sa.select(C.c.revoked_at).where(
                        C.c.tenant_id == tenant.id, C.c.nonce == claims.nonce
                    )
                ).first()
                revoked = card is None or card.revoked_at is not None
            horizon = max(
                timedelta(minutes=tenant.settings.checkin_window_minutes), HISTORY_HORIZON
            )
            priors = [
                PriorCheckin(r.id, r.scanned_at, r.session_id)
                for r in conn.execute(
                    sa.select(A.c.id, A.c.scanned_at, A.c.session_id).where(
                        A.c.tenant_id == tenant.id,
                        A.c.student_id == claims.student_id,
                        A.c.scanned_at >= now - horizon,
                    )
                )
            ]
            use = conn.execute(
                sa.select(schema.pass_uses).where(
                    schema.pass_uses.c.tenant_id == tenant.id,
                    schema.pass_uses.c.nonce_hash == nonce_hash(claims.nonce),
                )
            ).first()
            if use is not None:
                pass_used = PassUse(use.student_id, use.attendance_id, use.used_at)
        classes = load_classes(conn, tenant.id)
        view = _View(
            tenant.id,
            verification_keys(jwks),
            tenant.settings,
            classes,
            revoked,
            found,
            priors,
            pass_used,
        )
        decision = decide(reading, view, view, now)
        outcome = decision.outcome
        session = decision.session
        if outcome is Outcome.ACCEPTED and class_id is not None and found is not None:
            session = _forced_session(classes, class_id, now, tenant.settings)
            # A class named by staff may make this a duplicate the auto-attach did not see.
            window = timedelta(minutes=tenant.settings.checkin_window_minutes)
            prior = counting_duplicate(priors, session.session_id, window, now)
            if prior is not None:
                outcome = Outcome.DUPLICATE
                decision = type(decision)(
                    Outcome.DUPLICATE, decision.claims, found, session, previous=prior
                )
        result = "ok" if outcome in (Outcome.ACCEPTED, Outcome.DUPLICATE) else outcome.value
        ctx.metrics.inc("tatami_scans_total", tenant=tenant.slug, result=result)
        digest = nonce_digest(claims.nonce) if claims else None
        log(logging.INFO, "online scan", event="scan", outcome=outcome.value, nonce=digest)
        if outcome in (Outcome.WRONG_TENANT, Outcome.BAD_SIGNATURE):
            ctx.record_event(
                tenant,
                "security",
                {"reason": outcome.value, "nonce": digest, "by": principal.id},
                conn=conn,
            )
        elif outcome is Outcome.STUDENT_INACTIVE and found is not None:
            ctx.record_event(
                tenant,
                "attempt",
                {"reason": outcome.value, "studentId": found.id, "by": principal.id},
                conn=conn,
            )
        elif outcome not in (Outcome.ACCEPTED, Outcome.DUPLICATE):
            ctx.record_event(
                tenant,
                "scan_error",
                {"reason": outcome.value, "nonce": digest, "by": principal.id},
                conn=conn,
            )
        if outcome in _SCAN_ERRORS:
            status, message = _SCAN_ERRORS[outcome]
            error = ApiError(status, _SCAN_CODES[outcome], message)
        else:
            error = None
        if error is None and outcome is Outcome.ACCEPTED:
            assert found is not None and claims is not None
            attendance_id, seq = record_online(
                conn,
                tenant,
                found.id,
                now,
                session,
                kind=claims.kind.value,
                nonce=claims.nonce,
                created_by=principal.id,
            )
            body = {
                "status": "created",
                "attendance": {
                    "id": attendance_id,
                    "studentId": found.id,
                    "classId": session.slot.id if session else None,
                    "sessionId": session.session_id if session else None,
                    "scannedAt": iso_z(now),
                    "source": "online",
                    "seq": seq,
                },
                "student": {
                    "id": found.id,
                    "displayName": found.display_name,
                    "rank": found.rank_id,
                    "classesSincePromotion": found.classes_since_promotion
                    + (1 if now > found.rank_since else 0),
                },
            }
            return 201, body
    if error is not None:
        raise error
    assert decision.previous is not None and found is not None
    previous = decision.previous
    return 200, {
        "status": "duplicate",
        "attendance": {
            "id": previous.scan_id,
            "studentId": found.id,
            "sessionId": previous.session_id,
            "scannedAt": iso_z(previous.scanned_at),
        },
        "student": {
            "id": found.id,
            "displayName": found.display_name,
            "rank": found.rank_id,
            "classesSincePromotion": found.classes_since_promotion,
        },
    }
