"""The HTTP routes, one :class:`fastapi.APIRouter` per resource.

Handlers are thin: they take the request apart, check the role (a dependency of
:mod:`~kiosk.server.routes.deps`) and call the module that owns the data. Add an endpoint to
the router of its resource; a new resource gets its own module and a line in :data:`ROUTERS`.
"""

from __future__ import annotations

from fastapi import APIRouter

from kiosk.server.routes import admin, auth, kiosk_sync, ops, promotions, qr, students

#: In the order the OpenAPI document lists them.
ROUTERS: tuple[APIRouter, ...] = (
    ops.router,
    auth.router,
    qr.router,
    promotions.router,
    students.router,
    admin.router,
    kiosk_sync.router,
)
