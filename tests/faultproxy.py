"""A fault-injecting HTTP proxy on loopback (asyncio), for real-traffic network fault tests.

``tc netem`` is not available here, so faults are made one level up: the proxy sits between the
kiosk and the reference server and, request by request, passes through, delays, answers with a
status of its own (5xx, 429 with ``Retry-After``), resets the connection before or *after* the
server committed (the response is lost), or cuts the response body short.

    with FaultProxy(server_port) as proxy:
        proxy.plan("/api/kiosk/checkins", Fault.reset_after_commit(), Fault.status(503))
        ... point the kiosk at proxy.base_url ...

Faults queued for a path prefix are used in order, one per matching request; a fault set with
``proxy.always`` answers every matching request once the queue is empty; requests with no fault
pass through. ``proxy.seen`` lists ``(method, path, fault)`` of every request, ``proxy.answered``
``(method, path, status)`` of every answer the server itself gave. ``proxy.refuse()`` closes the
listener (connections are refused, as when a middlebox is down) until ``proxy.accept()``.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Fault:
    kind: str
    code: int = 0
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0
    body: bytes = b""
    action: Callable[[], None] | None = None

    @staticmethod
    def passthrough() -> Fault:
        return Fault("pass")

    @staticmethod
    def delayed(seconds: float) -> Fault:
        return Fault("pass", delay=seconds)

    @staticmethod
    def before_forwarding(action: Callable[[], None]) -> Fault:
        """Run ``action`` (e.g. move the server's clock) just before forwarding the request."""
        return Fault("pass", action=action)

    @staticmethod
    def status(
        code: int,
        retry_after: str | None = None,
        body: bytes = b"",
        headers: tuple[tuple[str, str], ...] = (),
    ) -> Fault:
        if retry_after is not None:
            headers = (*headers, ("Retry-After", retry_after))
        return Fault("status", code=code, headers=headers, body=body)

    @staticmethod
    def reset_before() -> Fault:
        """Drop the connection without forwarding: the server never saw the request."""
        return Fault("reset_before")

    @staticmethod
    def reset_after_commit() -> Fault:
        """Forward, let the server answer, then reset: the client never sees the answer."""
        return Fault("reset_after")

    @staticmethod
    def truncate() -> Fault:
        """Forward, then send only half of the server's response and close."""
        return Fault("truncate")

    @staticmethod
    def garbage() -> Fault:
        """Forward, then replace the body with non-JSON of the declared length."""
        return Fault("garbage")


@dataclass
class _Plan:
    queues: dict[str, deque[Fault]] = field(default_factory=dict)
    always: dict[str, Fault] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, path: str) -> Fault:
        with self.lock:
            for prefix, queue in self.queues.items():
                if path.startswith(prefix) and queue:
                    return queue.popleft()
            for prefix, fault in self.always.items():
                if path.startswith(prefix):
                    return fault
        return Fault.passthrough()


async def _read_request(reader: asyncio.StreamReader) -> tuple[bytes, bytes] | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    body = await reader.readexactly(length) if length else b""
    return head, body


def _force_close(head: bytes) -> bytes:
    """Ask the upstream to close after answering, so its response ends at EOF."""
    lines = [
        line
        for line in head.rstrip(b"\r\n").split(b"\r\n")
        if not line.lower().startswith((b"connection:", b"keep-alive:"))
    ]
    lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n"


def _response(status: int, headers: tuple[tuple[str, str], ...], body: bytes) -> bytes:
    reason = {
        200: "OK",
        401: "Unauthorized",
        429: "Too Many Requests",
        500: "Internal Server Error",
        502: "Bad Gateway",
        503: "Service Unavailable",
        504: "Gateway Timeout",
    }.get(status, "Error")
    lines = [
        f"HTTP/1.1 {status} {reason}",
        f"Content-Length: {len(body)}",
        "Content-Type: application/json",
        "Connection: close",
    ]
    lines += [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _abort(writer: asyncio.StreamWriter) -> None:
    """Close with RST (SO_LINGER 0), as a crashed middlebox or a dropped link would."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class FaultProxy:
    def __init__(self, upstream_port: int, upstream_host: str = "127.0.0.1") -> None:
        self.upstream = (upstream_host, upstream_port)
        self.seen: list[tuple[str, str, str]] = []
        self.answered: list[tuple[str, str, int]] = []
        self._plan = _Plan()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fault-proxy", daemon=True)
        self._server: asyncio.AbstractServer | None = None
        self.port = 0

    # -- control (any thread) -------------------------------------------------------------

    def plan(self, path_prefix: str, *faults: Fault) -> None:
        with self._plan.lock:
            self._plan.queues.setdefault(path_prefix, deque()).extend(faults)

    def always(self, path_prefix: str, fault: Fault | None) -> None:
        """Answer every request under ``path_prefix`` with ``fault`` (None: stop doing so)."""
        with self._plan.lock:
            if fault is None:
                self._plan.always.pop(path_prefix, None)
            else:
                self._plan.always[path_prefix] = fault

    def clear(self) -> None:
        with self._plan.lock:
            self._plan.queues.clear()
            self._plan.always.clear()

    def refuse(self) -> None:
        """Close the listening socket: new connections are refused (ECONNREFUSED)."""
        asyncio.run_coroutine_threadsafe(self._close_listener(), self._loop).result(10)

    def accept(self) -> None:
        """Listen again, on the same port."""
        asyncio.run_coroutine_threadsafe(self._listen(), self._loop).result(10)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FaultProxy:
        self._thread.start()
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._close_listener(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- the proxy (its own thread and event loop) ---------------------------------------

    async def _listen(self) -> None:
        # Port 0 the first time; the same port again after refuse().
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _close_listener(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
            await server.wait_closed()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._listen())
        self._ready.set()
        self._loop.run_forever()
        # Close what is still open so that no ResourceWarning escapes.
        pending = asyncio.all_tasks(self._loop)
        for task in pending:
            task.cancel()
        if pending:
            self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))

    async def _upstream(self, head: bytes, body: bytes) -> bytes:
        reader, writer = await asyncio.open_connection(*self.upstream)
        try:
            writer.write(_force_close(head) + body)
            await writer.drain()
            return await reader.read()
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    break
                head, body = request
                request_line = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
                method, path = request_line[0], request_line[1].split("?")[0]
                fault = self._plan.take(path)
                self.seen.append((method, path, fault.kind))
                if fault.delay:
                    await asyncio.sleep(fault.delay)
                if fault.action is not None:
                    fault.action()
                if fault.kind == "reset_before":
                    _abort(writer)
                    return
                if fault.kind == "status":
                    writer.write(_response(fault.code, fault.headers, fault.body))
                    await writer.drain()
                    break
                response = await self._upstream(head, body)
                status_line = response.split(b"\r\n", 1)[0].split(b" ")
                if len(status_line) > 1 and status_line[1].isdigit():
                    self.answered.append((method, path, int(status_line[1])))
                if fault.kind == "reset_after":
                    _abort(writer)
                    return
                if fault.kind == "truncate":
                    writer.write(response[: max(1, len(response) - 40)])
                    await writer.drain()
                    _abort(writer)
                    return
                if fault.kind == "garbage":
                    split = response.find(b"\r\n\r\n") + 4
                    response = response[:split] + b"\x00<html>oops".ljust(
                        len(response) - split, b"!"
                    )
                writer.write(response)
                await writer.drain()
                # The upstream answered "Connection: close"; honour it towards the client too.
                break
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            if not writer.is_closing():
                writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()
