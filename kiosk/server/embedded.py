"""Run the reference server in a background thread on loopback: demo mode and tests.

    from kiosk.server.embedded import start_server

    with start_server("sqlite:////tmp/demo.db", clock=clock) as server:
        httpx.get(f"{server.base_url}/health")
        server.issue_token("golden-tiger", server.seed.tenants["golden-tiger"].students["eligible"])

API (kept small on purpose):

* :func:`start_server` ``(database_url, *, host="127.0.0.1", port=0, seed=True, clock=None,
  app_env="development", jwt_secret=None, config_overrides=None) -> RunningServer``. It binds
  the socket itself (port 0 → a free port, known before the call returns), builds the app
  (migrations applied), seeds the two academies when ``seed`` is true (idempotent), starts
  uvicorn in a daemon thread and returns once the server accepts connections.
* :class:`RunningServer`: ``base_url``, ``host``, ``port``, ``config``, ``clock``, ``seed``
  (the :class:`~kiosk.server.seed.SeedSummary`, or None), ``database`` (the app's
  :class:`~kiosk.server.db.Database`), ``metrics``, ``issue_token(slug, student_id, kind="pass",
  ttl=timedelta(minutes=10), now=None)`` (a QR token signed with the tenant's active key; cards
  are stored so that they can be revoked), ``stop()``; also a context manager.

Requests name their tenant with ``X-Tenant: <slug>`` (development) or ``Host: <slug>.localhost``.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any

import sqlalchemy as sa
import uvicorn

from kiosk.domain.tokens import TokenForm
from kiosk.server import schema
from kiosk.server.app import create_app
from kiosk.server.clock import Clock, SystemClock
from kiosk.server.config import AppEnv, ServerConfig
from kiosk.server.context import AppContext
from kiosk.server.db import Database
from kiosk.server.keys import signing_key
from kiosk.server.observability import Metrics
from kiosk.server.qr import issue_card_row, new_nonce, sign
from kiosk.server.seed import SeedSummary
from kiosk.server.seed import seed as seed_data

_START_TIMEOUT = 30.0


class _Server(uvicorn.Server):
    """uvicorn's server, telling a thread when it listens (no polling, no sleeps)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.ready.set()


class RunningServer:
    """A started server. ``stop()`` (or leaving the ``with`` block) shuts it down."""

    def __init__(
        self,
        server: _Server,
        thread: threading.Thread,
        sock: socket.socket,
        ctx: AppContext,
        summary: SeedSummary | None,
    ) -> None:
        self._server = server
        self._thread = thread
        self._socket = sock
        self._ctx = ctx
        self.host, self.port = sock.getsockname()[:2]
        self.base_url = f"http://{self.host}:{self.port}"
        self.seed = summary

    @property
    def config(self) -> ServerConfig:
        return self._ctx.config

    @property
    def clock(self) -> Clock:
        return self._ctx.clock

    @property
    def database(self) -> Database:
        return self._ctx.db

    @property
    def metrics(self) -> Metrics:
        return self._ctx.metrics

    def issue_token(
        self,
        slug: str,
        student_id: str,
        kind: str = "pass",
        ttl: timedelta = timedelta(minutes=10),
        now: datetime | None = None,
        form: TokenForm | None = None,
    ) -> str:
        """A QR token for a student of ``slug`` (expired ones: a negative ``ttl`` or old ``now``).

        Cards are stored (and so revocable); ``ttl`` is ignored for them. ``form``: the
        academy's setting for that kind unless given.
        """
        issued = now or self.clock.now()
        T = schema.tenants
        with self.database.write_tx() as conn:
            tenant = conn.execute(
                sa.select(T.c.id, T.c.card_token_form, T.c.pass_token_form).where(T.c.slug == slug)
            ).one()
            if kind == "card":
                card_form = form or TokenForm(tenant.card_token_form)
                return issue_card_row(conn, tenant.id, student_id, issued, None, form=card_form)[1]
            key = signing_key(conn, tenant.id)
        pass_form = form or TokenForm(tenant.pass_token_form)
        return sign(
            key, student_id, tenant.id, new_nonce(), "pass", issued, issued + ttl, pass_form
        )

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.should_exit = True
            self._thread.join(timeout=_START_TIMEOUT)
        self._socket.close()
        self._ctx.db.dispose()

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def start_server(
    database_url: str,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    seed: bool = True,
    clock: Clock | None = None,
    app_env: str = "development",
    jwt_secret: str | None = None,
    config_overrides: Mapping[str, Any] | None = None,
) -> RunningServer:
    """Start a server on ``host:port`` (port 0: any free port) and wait until it listens."""
    clock = clock or SystemClock()
    config = ServerConfig(database_url=database_url, app_env=AppEnv(app_env), port=port)
    if jwt_secret:
        config = replace(config, jwt_secret=jwt_secret)
    if config_overrides:
        config = replace(config, **dict(config_overrides))
    app = create_app(config, clock)
    ctx: AppContext = app.state.ctx
    summary = None
    if seed:
        summary = seed_data(
            ctx.db, now=clock.now(), password=config.seed_password, app_env=config.app_env
        )
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets that say so, and Nagle
    # plus delayed ACKs would add 40 ms to every response.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
        sock.setblocking(False)
    except OSError:
        sock.close()
        ctx.db.dispose()
        raise
    uv_config = uvicorn.Config(
        app,
        log_config=None,  # leave the host's logging alone
        access_log=False,  # ours leaves query strings out
        lifespan="on",
        date_header=False,  # the app sends Date from its own clock
        server_header=False,
        timeout_graceful_shutdown=5,
        loop="asyncio",
        http="h11",
    )
    server = _Server(uv_config)
    failure: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(server.serve(sockets=[sock]))
        except BaseException as exc:
            failure.append(exc)
        finally:
            server.ready.set()

    thread = threading.Thread(
        target=run, name=f"tatami-server-{sock.getsockname()[1]}", daemon=True
    )
    thread.start()
    if not server.ready.wait(_START_TIMEOUT) or failure or not server.started:
        server.should_exit = True
        thread.join(timeout=_START_TIMEOUT)
        sock.close()
        ctx.db.dispose()
        raise RuntimeError("the reference server did not start") from (
            failure[0] if failure else None
        )
    return RunningServer(server, thread, sock, ctx, summary)
