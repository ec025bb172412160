"""Students and the class schedule: list, read, create, change, delete (tombstone)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from kiosk.server import students
from kiosk.server.models import ClassesOut, StudentIn, StudentOut, StudentPatch, StudentsOut
from kiosk.server.roster import list_classes as classes_of
from kiosk.server.routes.deps import Admin, Anyone, Ctx, Reception, Staff, Tenant

router = APIRouter(prefix="/api", tags=["students"])


@router.get("/classes", response_model=ClassesOut)
def list_classes(tenant: Tenant, principal: Anyone, ctx: Ctx) -> Any:
    return {"classes": classes_of(ctx.db, tenant)}


@router.get("/students", response_model=StudentsOut)
def list_students(
    tenant: Tenant,
    principal: Staff,
    ctx: Ctx,
    q: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Any:
    return students.list_students(ctx, tenant, q, limit, offset)


@router.post("/students", status_code=201, response_model=StudentOut)
def create_student(body: StudentIn, tenant: Tenant, principal: Admin, ctx: Ctx) -> Any:
    return students.create_student(ctx, tenant, principal, body.model_dump(exclude_none=True))


@router.get("/students/{student_id}", response_model=StudentOut)
def get_student(student_id: str, tenant: Tenant, principal: Staff, ctx: Ctx) -> Any:
    return students.get_student(ctx, tenant, student_id)


@router.patch("/students/{student_id}", response_model=StudentOut)
def patch_student(
    student_id: str, body: StudentPatch, tenant: Tenant, principal: Reception, ctx: Ctx
) -> Any:
    changes = body.model_dump(exclude_unset=True)
    if isinstance(changes.get("flags"), dict):
        changes["flags"] = {k: v for k, v in changes["flags"].items() if v is not None}
    return students.update_student(ctx, tenant, principal, student_id, changes)


@router.delete("/students/{student_id}", status_code=204)
def delete_student(student_id: str, tenant: Tenant, principal: Admin, ctx: Ctx) -> Response:
    students.delete_student(ctx, tenant, principal, student_id)
    return Response(status_code=204)
