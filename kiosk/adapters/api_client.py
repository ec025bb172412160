"""The TatamiTech API over HTTP (httpx), as the kiosk uses it (docs/kiosk-api.md).

Every failure becomes one of the domain's :class:`~kiosk.domain.ports.BackendError` kinds, so the
sync engine decides retries without knowing HTTP. A 2xx counts only once its JSON body parsed
completely: a truncated or garbled answer is a :class:`TransientError` (outcome unknown, retry
the same ids).

The access token lives in this object's memory only; the device token is passed in by the caller
(which keeps it in the OS keyring).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from kiosk import __version__
from kiosk.domain.ports import (
    Answer,
    AuthExpired,
    BackendError,
    BatchRejected,
    DeviceRevoked,
    Forbidden,
    Heartbeat,
    OutboxEvent,
    OutboxItem,
    Registration,
    RetryLater,
    TransientError,
)

log = logging.getLogger(__name__)

#: Generous enough for a 10 000-student roster on a slow link, short enough not to hang a loop.
DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=15.0, pool=5.0)
MAX_RETRY_AFTER = 3600.0


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """``Retry-After`` as seconds: either delta-seconds or an HTTP date (RFC 9110)."""
    if not value:
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - now).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return min(max(0.0, seconds), MAX_RETRY_AFTER)


def _server_time(response: httpx.Response) -> datetime | None:
    return parse_http_date(response.headers.get("date"))


def parse_http_date(value: str | None) -> datetime | None:
    """An HTTP ``Date`` header as an aware UTC datetime (None when absent or unreadable)."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _error_code(response: httpx.Response) -> tuple[str, str]:
    """The platform's ``{error: {code, message}}``, tolerant of anything else."""
    try:
        body = response.json()
        error = body.get("error", {}) if isinstance(body, dict) else {}
        return str(error.get("code", "")), str(error.get("message", ""))[:200]
    except (ValueError, UnicodeDecodeError):
        return "", ""


# -- the wire format (docs/kiosk-api.md) --------------------------------------------------------


def wire_time(instant: datetime) -> str:
    """An instant as the API writes it: UTC, microseconds, ``Z``."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def checkin_json(item: OutboxItem) -> dict[str, object]:
    """One upload item of ``POST /api/kiosk/checkins``."""
    return {
        "scanId": item.scan_id,
        "studentId": item.student_id,
        "scannedAt": wire_time(item.scanned_at),
        "clockOffsetMs": item.clock_offset_ms,
        "classId": item.class_id,
        "sessionId": item.session_id,
        "nonce": item.nonce,
        "kind": item.kind.value if item.kind else None,
        "source": item.source.value,
        "createdBy": item.created_by,
    }


def event_json(event: OutboxEvent) -> dict[str, object]:
    """One event of ``POST /api/kiosk/events``."""
    return {
        "eventId": event.event_id,
        "kind": event.kind,
        "at": wire_time(event.at),
        "data": dict(event.data),
    }


def heartbeat_json(report: Heartbeat) -> dict[str, object]:
    """The body of ``POST /api/kiosk/heartbeat``."""

    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "version": report.version,
        "queueDepth": report.queue_depth,
        "parked": report.parked,
        "lastUploadAt": iso(report.last_upload_at),
        "lastPullAt": iso(report.last_pull_at),
        "rosterSeq": report.roster_seq,
        "cameraState": report.camera_state,
        "clockOffsetMs": report.clock_offset_ms,
    }


class HttpBackend:
    """Implements :class:`kiosk.domain.ports.BackendApi` with httpx.

    Thread-safe: the upload and pull threads share one instance (httpx.Client is thread-safe;
    the access token is guarded by a lock).
    """

    def __init__(
        self,
        base_url: str,
        tenant_slug: str,
        *,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.tenant_slug = tenant_slug
        self._client = httpx.Client(
            base_url=self.base_url,
            timeout=timeout,
            transport=transport,
            headers={
                # The backend resolves the tenant from the host; on a development host
                # (127.0.0.1, localhost) it accepts this header instead.
                "X-Tenant": tenant_slug,
                "User-Agent": f"tatami-kiosk/{__version__}",
                "Accept": "application/json",
            },
            follow_redirects=False,
        )
        self._access_token: str | None = None
        self._lock = threading.Lock()

    def close(self) -> None:
        self._client.close()

    # -- transport --------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: Mapping[str, Any] | None = None,
        token: str | None = None,
        session_call: bool = False,
    ) -> Answer:
        headers = {}
        bearer = token if token is not None else self._token()
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        sent_at = datetime.now(UTC)
        try:
            response = self._client.request(method, path, json=body, params=params, headers=headers)
            content = response.read()
        except httpx.TimeoutException as exc:
            raise TransientError(f"{method} {path}: timed out ({type(exc).__name__})") from None
        except httpx.TransportError as exc:
            # Connection refused or reset, body cut short: the outcome is unknown.
            raise TransientError(f"{method} {path}: {type(exc).__name__}") from None
        received_at = datetime.now(UTC)
        status = response.status_code
        log.debug("%s %s -> %s (%d bytes)", method, path, status, len(content))
        if 200 <= status < 300:
            try:
                parsed = json.loads(content) if content else None
            except (UnicodeDecodeError, json.JSONDecodeError):
                raise TransientError(f"{method} {path}: unreadable {status} answer") from None
            return Answer(parsed, _server_time(response), sent_at, received_at)
        code, message = _error_code(response)
        detail = f"{method} {path}: {status} {code or response.reason_phrase}".strip()
        if status == 401:
            if session_call:
                raise DeviceRevoked(f"{detail}: {message}".rstrip(": "))
            raise AuthExpired(detail)
        if status == 403:
            raise Forbidden(f"{detail}: {message}".rstrip(": "))
        if status in (429, 503):
            retry_after = parse_retry_after(
                response.headers.get("retry-after"), _server_time(response) or received_at
            )
            if retry_after is not None:
                raise RetryLater(detail, retry_after)
            raise TransientError(detail)
        if status in (400, 413, 422):
            raise BatchRejected(f"{detail}: {message}".rstrip(": "), status)
        if status >= 500:
            raise TransientError(detail)
        raise BackendError(detail)

    def _token(self) -> str | None:
        with self._lock:
            return self._access_token

    # -- staff set-up -----------------------------------------------------------------------

    def login(self, email: str, password: str) -> Answer:
        """Staff login; returns the platform's ``{accessToken, user}``. Nothing is stored."""
        answer = self._request(
            "POST",
            "/api/auth/login",
            body={"email": email, "password": password, "tenantSlug": self.tenant_slug},
            token="",
        )
        if not isinstance(answer.body, dict) or not isinstance(answer.body.get("accessToken"), str):
            raise TransientError("login: unexpected answer")
        return answer

    def register_kiosk(self, staff_access_token: str, name: str) -> Registration:
        answer = self._request("POST", "/api/kiosks", body={"name": name}, token=staff_access_token)
        body = answer.body
        try:
            tenant = body["tenant"]
            registration = Registration(
                kiosk_id=str(body["kioskId"]),
                device_token=str(body["deviceToken"]),
                tenant_id=str(tenant["id"]),
                tenant_slug=str(tenant["slug"]),
                tenant_name=str(tenant["name"]),
            )
        except (KeyError, TypeError):
            raise TransientError("register: unexpected answer") from None
        if not registration.device_token or len(registration.device_token) > 256:
            raise TransientError("register: device token missing or too long")
        return registration

    def health(self) -> Answer:
        return self._request("GET", "/health", token="")

    def ready(self) -> Answer:
        return self._request("GET", "/ready", token="")

    # -- BackendApi ---------------------------------------------------------------------------

    def open_session(self, device_token: str) -> Answer:
        answer = self._request(
            "POST",
            "/api/auth/refresh",
            body={"deviceToken": device_token},
            token="",
            session_call=True,
        )
        access = answer.body.get("accessToken") if isinstance(answer.body, dict) else None
        if not isinstance(access, str) or not access:
            raise TransientError("session: unexpected answer")
        with self._lock:
            self._access_token = access
        return answer

    def has_session(self) -> bool:
        return self._token() is not None

    def drop_session(self) -> None:
        with self._lock:
            self._access_token = None

    def pull_roster(self, since: int) -> Answer:
        return self._request("GET", "/api/kiosk/roster", params={"since": since})

    def push_checkins(self, items: Sequence[OutboxItem]) -> Answer:
        body = {"items": [checkin_json(item) for item in items]}
        return self._request("POST", "/api/kiosk/checkins", body=body)

    def push_events(self, events: Sequence[OutboxEvent]) -> Answer:
        body = {"events": [event_json(event) for event in events]}
        return self._request("POST", "/api/kiosk/events", body=body)

    def heartbeat(self, report: Heartbeat) -> Answer:
        return self._request("POST", "/api/kiosk/heartbeat", body=heartbeat_json(report))

    def promotion_check(self, student_id: str) -> Answer:
        return self._request("POST", "/api/promotions/check", body={"studentId": student_id})
