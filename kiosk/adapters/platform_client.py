"""The platform's API as an operator uses it: probes for ``doctor``, calls for the release smoke.

Unlike :class:`kiosk.adapters.api_client.HttpBackend` (the kiosk's sync client, which turns every
failure into a retry decision), this client reports what happened (status, error code, timing,
the server's ``Date``) so that a person or CI can read it. It never raises for an HTTP status;
only :class:`PlatformUnreachable` when no answer came at all.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from kiosk import __version__
from kiosk.adapters.api_client import parse_http_date

DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=15.0, write=10.0, pool=5.0)


class PlatformUnreachable(Exception):
    """No HTTP answer: refused, reset, timed out, TLS or name resolution failure."""


@dataclass(frozen=True, slots=True)
class Reply:
    """One HTTP exchange, as far as an operator cares."""

    method: str
    path: str
    status: int
    body: Any
    elapsed_ms: float
    server_date: datetime | None
    sent_at: datetime
    received_at: datetime
    request_id: str | None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def error_code(self) -> str | None:
        error = self.body.get("error") if isinstance(self.body, dict) else None
        return str(error.get("code")) if isinstance(error, dict) and "code" in error else None

    @property
    def error_message(self) -> str | None:
        error = self.body.get("error") if isinstance(self.body, dict) else None
        if isinstance(error, dict) and "message" in error:
            return str(error["message"])[:200]
        return None

    def clock_skew(self) -> timedelta | None:
        """Local clock minus server clock, from the ``Date`` header at the round trip's middle.

        ``Date`` has one-second resolution, so the estimate is good to about a second.
        """
        if self.server_date is None:
            return None
        local_mid = self.sent_at + (self.received_at - self.sent_at) / 2
        return local_mid - self.server_date

    def describe(self) -> str:
        text = f"{self.method} {self.path} → {self.status}"
        if self.error_code:
            text += f" {self.error_code}"
        return text


class PlatformClient:
    """Plain calls to one tenant of one TatamiTech environment.

    Args:
        base_url: e.g. ``https://golden-tiger.staging.tatamitech.com``.
        tenant: The academy slug; also sent as ``X-Tenant`` (development hosts need it).
        timeout: Per-request timeouts.
        transport: An httpx transport (tests may route to an in-process app).
    """

    def __init__(
        self,
        base_url: str,
        tenant: str | None,
        *,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        headers = {"User-Agent": f"tatami-kiosk-ops/{__version__}", "Accept": "application/json"}
        if tenant:
            headers["X-Tenant"] = tenant
        self.tenant = tenant
        self._client = httpx.Client(
            base_url=self.base_url,
            timeout=timeout,
            headers=headers,
            transport=transport,
            follow_redirects=False,
        )
        self._access_token: str | None = None

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> PlatformClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: Mapping[str, Any] | None = None,
        auth: bool = True,
    ) -> Reply:
        headers = {}
        if auth and self._access_token:
            headers["Authorization"] = f"Bearer {self._access_token}"
        sent_at = datetime.now(UTC)
        started = time.perf_counter()
        try:
            response = self._client.request(method, path, json=body, params=params, headers=headers)
            content = response.read()
        except httpx.HTTPError as exc:
            # The exception text can carry the URL; the operator knows it, the type is enough.
            raise PlatformUnreachable(f"{method} {path}: {type(exc).__name__}") from None
        elapsed = (time.perf_counter() - started) * 1000
        received_at = datetime.now(UTC)
        try:
            parsed: Any = json.loads(content) if content else None
        except (UnicodeDecodeError, json.JSONDecodeError):
            parsed = None
        return Reply(
            method=method,
            path=path,
            status=response.status_code,
            body=parsed,
            elapsed_ms=round(elapsed, 1),
            server_date=parse_http_date(response.headers.get("date")),
            sent_at=sent_at,
            received_at=received_at,
            request_id=response.headers.get("x-request-id"),
        )

    # -- operations ---------------------------------------------------------------------------

    def health(self) -> Reply:
        return self.request("GET", "/health", auth=False)

    def ready(self) -> Reply:
        return self.request("GET", "/ready", auth=False)

    # -- staff calls ----------------------------------------------------------------------------

    def login(self, email: str, password: str) -> Reply:
        """Staff login; on success the access token is kept in this object's memory only."""
        reply = self.request(
            "POST",
            "/api/auth/login",
            body={"email": email, "password": password, "tenantSlug": self.tenant},
            auth=False,
        )
        token = reply.body.get("accessToken") if isinstance(reply.body, dict) else None
        if reply.ok and isinstance(token, str):
            self._access_token = token
        return reply

    @property
    def logged_in(self) -> bool:
        return self._access_token is not None

    def students(self) -> Reply:
        return self.request("GET", "/api/students")

    def issue_qr(self, student_id: str, kind: str = "pass") -> Reply:
        return self.request("POST", "/api/qr", body={"studentId": student_id, "kind": kind})

    def scan(self, token: str, class_id: str | None = None) -> Reply:
        body: dict[str, Any] = {"token": token}
        if class_id:
            body["classId"] = class_id
        return self.request("POST", "/api/attendance/scan", body=body)

    def promotion_check(self, student_id: str) -> Reply:
        return self.request("POST", "/api/promotions/check", body={"studentId": student_id})

    def logout(self) -> None:
        """Forget the access token (the refresh token was never kept)."""
        self._access_token = None
