"""Request and response bodies as the OpenAPI document describes them (camelCase, as on the wire).

Handlers return plain dicts built by the modules that own the data; these models validate
requests and document responses. Check-in and event batches are parsed item by item instead
(a malformed item must not fail its batch), so their models are documentation only.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from kiosk.server.qr import PASS_MINUTES_DEFAULT, PASS_MINUTES_MAX, PASS_MINUTES_MIN


class _In(BaseModel):
    # Unknown fields are ignored: clients may be newer than the server.
    model_config = ConfigDict(extra="ignore")


class _Out(BaseModel):
    model_config = ConfigDict(extra="allow")


class ErrorDetail(_Out):
    code: str
    message: str
    details: dict[str, Any] | None = None


class ErrorOut(_Out):
    error: ErrorDetail


class HealthOut(_Out):
    status: str


class ReadyOut(_Out):
    status: str
    revision: str | None = None


class LoginIn(_In):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=1024)
    tenantSlug: str | None = Field(default=None, max_length=64)


class UserOut(_Out):
    id: str
    email: str
    name: str
    role: str
    tenantId: str
    studentId: str | None = None


class LoginOut(_Out):
    accessToken: str
    refreshToken: str
    expiresIn: int
    user: UserOut


class RefreshIn(_In):
    refreshToken: str | None = Field(default=None, max_length=256)
    deviceToken: str | None = Field(default=None, max_length=256)


class RefreshOut(_Out):
    accessToken: str
    expiresIn: int
    refreshToken: str | None = None
    kioskId: str | None = None


class LogoutIn(_In):
    refreshToken: str | None = Field(default=None, max_length=256)


class MeOut(_Out):
    id: str
    role: str
    tenantId: str
    kind: Literal["user", "kiosk"]
    name: str
    email: str | None = None
    studentId: str | None = None


class QrIn(_In):
    studentId: str = Field(min_length=36, max_length=36)
    kind: Literal["pass", "card"] = "pass"
    # qr.issue's own bounds, so that /openapi.json documents what the server accepts.
    ttlMinutes: int | None = Field(
        default=None,
        ge=PASS_MINUTES_MIN,
        le=PASS_MINUTES_MAX,
        description=f"lifetime of a pass in minutes (default {PASS_MINUTES_DEFAULT})",
    )
    form: Literal["jws", "compact"] | None = Field(
        default=None,
        description="token form: compact (CWT, base45: a smaller QR) or jws; default: the "
        "academy's setting (compact for cards, jws for passes unless changed)",
    )


class QrOut(_Out):
    token: str
    kind: Literal["pass", "card"]
    form: Literal["jws", "compact"]
    exp: str
    cardId: str | None = None


class CardOut(_Out):
    cardId: str
    issuedAt: str
    exp: str
    revokedAt: str | None = None


class CardsOut(_Out):
    cards: list[CardOut]


class ScanIn(_In):
    token: str = Field(min_length=1, max_length=4096)
    classId: str | None = Field(default=None, max_length=64)


class ScanOut(_Out):
    status: Literal["created", "duplicate"]
    attendance: dict[str, Any]
    student: dict[str, Any]


class StudentRef(_In):
    studentId: str = Field(min_length=36, max_length=36)


class EligibilityOut(_Out):
    studentId: str
    eligible: bool
    status: str
    reasons: list[str]
    nextSteps: list[str]
    stats: dict[str, Any]


class PromoteIn(_In):
    studentId: str = Field(min_length=36, max_length=36)
    toRank: str | None = Field(default=None, max_length=64)
    notes: str = Field(default="", max_length=1000)


class PromotionOut(_Out):
    id: str
    studentId: str
    fromRank: str
    toRank: str
    promotedAt: str
    actorId: str | None
    notes: str
    classesAttended: int
    wasEligible: bool
    seq: int


class StudentOut(_Out):
    id: str
    displayName: str
    fullName: str
    program: str
    rank: str
    rankSince: str
    classesSincePromotion: int
    status: str
    flags: dict[str, bool]
    override: dict[str, Any] | None
    dateOfBirth: str | None
    seq: int


class PromoteOut(_Out):
    promotion: PromotionOut
    student: StudentOut


class HistoryOut(_Out):
    promotions: list[PromotionOut]


class OverrideIn(_In):
    type: Literal["eligible", "defer", "clear"]
    note: str = Field(default="", max_length=500)


class Flags(_In):
    feesPaid: bool | None = None
    assessmentPassed: bool | None = None
    instructorApproval: bool | None = None


StatusText = Literal["active", "suspended", "frozen", "inactive"]


class StudentIn(_In):
    fullName: str = Field(min_length=1, max_length=200)
    displayName: str | None = Field(default=None, max_length=120)
    email: str | None = Field(default=None, max_length=254)
    program: str = Field(min_length=1, max_length=64)
    rank: str = Field(min_length=1, max_length=64)
    rankSince: str | None = Field(default=None, max_length=40)
    dateOfBirth: str | None = Field(default=None, max_length=10)
    status: StatusText = "active"
    flags: Flags | None = None


class StudentPatch(_In):
    fullName: str | None = Field(default=None, min_length=1, max_length=200)
    displayName: str | None = Field(default=None, min_length=1, max_length=120)
    email: str | None = Field(default=None, max_length=254)
    dateOfBirth: str | None = Field(default=None, max_length=10)
    status: StatusText | None = None
    flags: Flags | None = None


class StudentsOut(_Out):
    students: list[StudentOut]
    total: int


class ClassOut(_Out):
    id: str
    name: str
    program: str | None
    weekday: int
    start: str
    durationMinutes: int


class ClassesOut(_Out):
    classes: list[ClassOut]


class KioskIn(_In):
    name: str = Field(min_length=1, max_length=120)


class TenantRef(_Out):
    id: str
    slug: str
    name: str


class KioskOut(_Out):
    kioskId: str
    deviceToken: str
    tenant: TenantRef


class KiosksOut(_Out):
    kiosks: list[dict[str, Any]]


class RosterOut(_Out):
    """The roster document of docs/roster.md (schema ``tatamitech.kiosk.roster/1``)."""

    schema_: str = Field(alias="schema")
    tenant: dict[str, Any]
    seq: int
    since: int
    full: bool
    generatedAt: str
    settings: dict[str, Any]
    ranks: list[dict[str, Any]]
    programs: list[dict[str, Any]]
    rules: dict[str, Any]
    keys: list[dict[str, Any]]
    revokedNonces: list[str]
    classes: list[ClassOut]
    students: list[dict[str, Any]]
    removedStudentIds: list[str]


class CheckinItem(BaseModel):
    scanId: str = Field(description="client UUID, the idempotency key forever")
    studentId: str
    scannedAt: str = Field(description="ISO 8601 instant, server-corrected kiosk clock")
    clockOffsetMs: int = 0
    classId: str | None = None
    sessionId: str | None = Field(default=None, description="'<classId>@<YYYY-MM-DD>'")
    nonce: str | None = Field(default=None, description="token nonce; null for manual")
    kind: Literal["pass", "card"] | None = None
    source: Literal["camera", "wedge", "manual"] = "camera"
    createdBy: str | None = None


class CheckinBatch(BaseModel):
    items: list[CheckinItem] = Field(max_length=500)


class CheckinResult(_Out):
    scanId: str | None
    status: Literal["created", "duplicate", "flagged", "rejected"]
    seq: int | None = None
    reason: str | None = None


class CheckinResultsOut(_Out):
    results: list[CheckinResult]
    seq: int


class KioskEvent(BaseModel):
    eventId: str
    kind: str = Field(description="scan_error, security, attempt, override, …")
    at: str
    data: dict[str, Any] = Field(default_factory=dict)


class EventBatch(BaseModel):
    events: list[KioskEvent] = Field(max_length=500)


class EventsOut(_Out):
    accepted: list[str]
    rejected: list[dict[str, Any]] = Field(default_factory=list)


class HeartbeatIn(BaseModel):
    model_config = ConfigDict(extra="allow")

    version: str | None = Field(default=None, max_length=64)
    queueDepth: int | None = None
    parked: int | None = None
    lastUploadAt: str | None = Field(default=None, max_length=40)
    lastPullAt: str | None = Field(default=None, max_length=40)
    rosterSeq: int | None = None
    cameraState: str | None = Field(default=None, max_length=64)
    clockOffsetMs: int | None = None


class HeartbeatOut(_Out):
    serverTime: str


class EventListOut(_Out):
    events: list[dict[str, Any]]


class AuditOut(_Out):
    entries: list[dict[str, Any]]
