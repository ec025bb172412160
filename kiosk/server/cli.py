"""``tatami-server``: serve, seed, issue-cards, token-form, rotate-keys (configured by the env).

Exit codes: 0 done, 1 failed, 2 bad usage or configuration.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from kiosk.server import schema
from kiosk.server.cards import Card, write_pdf, write_png
from kiosk.server.config import ConfigError, ServerConfig
from kiosk.server.db import Database

FORMS = ("compact", "jws")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tatami-server",
        description="Reference TatamiTech backend. Configuration comes from the environment "
        "(DATABASE_URL, JWT_SECRET, APP_ENV, PORT, CORS_ORIGINS, LOG_LEVEL, SENTRY_DSN, "
        "APP_DOMAIN, TATAMI_SEED_PASSWORD); see docs/server.md.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=None, help="default: $PORT or 4000")
    commands.add_parser("seed", help="create Golden Tiger and Iron Crane (not in production)")
    cards = commands.add_parser("issue-cards", help="write printable QR cards of a tenant")
    cards.add_argument("--tenant", required=True, metavar="SLUG")
    cards.add_argument("--out", required=True, type=Path, metavar="DIR")
    cards.add_argument("--format", choices=("png", "pdf"), default="pdf")
    cards.add_argument(
        "--form",
        choices=FORMS,
        default=None,
        help="token form of the cards (default: the academy's setting, compact unless changed)",
    )
    forms = commands.add_parser(
        "token-form", help="show or set an academy's QR token form for new cards and passes"
    )
    forms.add_argument("--tenant", required=True, metavar="SLUG")
    forms.add_argument("--cards", choices=FORMS, default=None)
    forms.add_argument("--passes", choices=FORMS, default=None)
    rotate = commands.add_parser("rotate-keys", help="new active QR key; the old one retires")
    rotate.add_argument("--tenant", required=True, metavar="SLUG")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        config = ServerConfig.from_env(os.environ)
    except ConfigError as exc:
        print(f"tatami-server: {exc}", file=sys.stderr)
        return 2
    if args.command == "serve":
        return _serve(config, args.host, args.port if args.port is not None else config.port)
    if args.command == "seed":
        return _seed(config)
    if args.command == "issue-cards":
        return _issue_cards(config, args.tenant, args.out, args.format, args.form)
    if args.command == "token-form":
        return _token_form(config, args.tenant, args.cards, args.passes)
    return _rotate(config, args.tenant)


def _serve(config: ServerConfig, host: str, port: int) -> int:
    import uvicorn

    from kiosk.server.app import create_app
    from kiosk.server.observability import configure_logging

    configure_logging(config.log_level)
    app = create_app(config)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        date_header=False,
        server_header=False,
        proxy_headers=False,
    )
    return 0


def _seed(config: ServerConfig) -> int:
    from kiosk.server.seed import SeedRefused, seed

    try:
        summary = seed(config.database_url, password=config.seed_password, app_env=config.app_env)
    except SeedRefused as exc:
        print(f"tatami-server: {exc}", file=sys.stderr)
        return 2
    verb = "seeded" if summary.created else "already seeded"
    for tenant in summary.tenants.values():
        print(
            f"{verb}: {tenant.slug} ({tenant.name}, {tenant.time_zone}), "
            f"{len(tenant.student_ids)} students"
        )
        for email in tenant.users:
            print(f"  {email}")
    print("password: from TATAMI_SEED_PASSWORD (or the documented default, see docs/server.md)")
    return 0


def _issue_cards(config: ServerConfig, slug: str, out: Path, fmt: str, form: str | None) -> int:
    from kiosk.domain.tokens import TokenForm
    from kiosk.server.qr import card_token, issue_card_row

    db = Database(config.database_url)
    try:
        db.migrate()
        now = datetime.now(UTC)
        S, C = schema.students, schema.cards
        with db.write_tx() as conn:
            T = schema.tenants
            tenant = conn.execute(
                sa.select(T.c.id, T.c.name, T.c.card_token_form).where(T.c.slug == slug)
            ).first()
            if tenant is None:
                print(f"tatami-server: no tenant {slug!r}", file=sys.stderr)
                return 2
            card_form = TokenForm(form or tenant.card_token_form)
            students = conn.execute(
                sa.select(S.c.id, S.c.display_name)
                .where(
                    S.c.tenant_id == tenant.id, S.c.deleted_at.is_(None), S.c.status != "inactive"
                )
                .order_by(S.c.display_name, S.c.id)
            ).all()
            cards: list[Card] = []
            for student in students:
                # Reprinting gives the same card: a valid stored card is signed again (in
                # either form: the card is its nonce, which both forms carry).
                existing = conn.execute(
                    sa.select(C)
                    .where(
                        C.c.tenant_id == tenant.id,
                        C.c.student_id == student.id,
                        C.c.revoked_at.is_(None),
                        C.c.expires_at > now,
                    )
                    .order_by(C.c.issued_at.desc())
                    .limit(1)
                ).first()
                if existing is not None:
                    token = card_token(conn, existing, card_form)
                else:
                    token = issue_card_row(conn, tenant.id, student.id, now, None, form=card_form)[
                        1
                    ]
                cards.append(Card(student.id, student.display_name, token))
    finally:
        db.dispose()
    if fmt == "png":
        paths = write_png(cards, out)
        print(f"wrote {len(paths)} PNG cards to {out}")
    else:
        path = write_pdf(cards, tenant.name, out / f"cards-{slug}.pdf")
        print(f"wrote {len(cards)} cards to {path}")
    return 0


def _token_form(config: ServerConfig, slug: str, cards: str | None, passes: str | None) -> int:
    """Show, or set, the forms an academy issues (a running server reads it at its next start)."""
    T = schema.tenants
    db = Database(config.database_url)
    try:
        db.migrate()
        with db.write_tx() as conn:
            changes = {
                column: value
                for column, value in (("card_token_form", cards), ("pass_token_form", passes))
                if value is not None
            }
            if changes:
                conn.execute(sa.update(T).where(T.c.slug == slug).values(**changes))
            row = conn.execute(
                sa.select(T.c.card_token_form, T.c.pass_token_form).where(T.c.slug == slug)
            ).first()
    finally:
        db.dispose()
    if row is None:
        print(f"tatami-server: no tenant {slug!r}", file=sys.stderr)
        return 2
    print(f"{slug}: cards {row.card_token_form}, passes {row.pass_token_form}")
    return 0


def _rotate(config: ServerConfig, slug: str) -> int:
    from kiosk.server.keys import rotate_keys

    db = Database(config.database_url)
    try:
        db.migrate()
        try:
            kid, retired = rotate_keys(db, slug, datetime.now(UTC))
        except LookupError as exc:
            print(f"tatami-server: {exc}", file=sys.stderr)
            return 2
    finally:
        db.dispose()
    print(f"{slug}: new active key {kid}; retired {', '.join(retired) or 'none'}")
    return 0
