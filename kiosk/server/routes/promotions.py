"""Rank progression: eligibility, promotion, history and instructor overrides."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from kiosk.server import students
from kiosk.server.context import Principal
from kiosk.server.models import (
    EligibilityOut,
    HistoryOut,
    OverrideIn,
    PromoteIn,
    PromoteOut,
    StudentOut,
    StudentRef,
)
from kiosk.server.routes.deps import Ctx, Teachers, Tenant, allow
from kiosk.server.security import STAFF, Role

router = APIRouter(prefix="/api", tags=["promotions"])


@router.post("/promotions/check", response_model=EligibilityOut)
def check(
    body: StudentRef,
    tenant: Tenant,
    principal: Annotated[Principal, allow(*STAFF, Role.STUDENT, Role.KIOSK)],
    ctx: Ctx,
) -> Any:
    return students.check(ctx, tenant, principal, body.studentId.lower())


@router.post("/promotions/promote", response_model=PromoteOut)
def promote(body: PromoteIn, tenant: Tenant, principal: Teachers, ctx: Ctx) -> Any:
    return students.promote(ctx, tenant, principal, body.studentId.lower(), body.toRank, body.notes)


@router.get("/promotions/history", response_model=HistoryOut)
def promotion_history(
    tenant: Tenant,
    principal: Annotated[Principal, allow(Role.ADMIN, Role.INSTRUCTOR, Role.STUDENT)],
    ctx: Ctx,
    studentId: Annotated[str | None, Query(max_length=36)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Any:
    return students.history(ctx, tenant, principal, studentId, limit)


@router.post("/students/{student_id}/override", response_model=StudentOut)
def override(
    student_id: str, body: OverrideIn, tenant: Tenant, principal: Teachers, ctx: Ctx
) -> Any:
    return students.set_override(ctx, tenant, principal, student_id, body.type, body.note)
