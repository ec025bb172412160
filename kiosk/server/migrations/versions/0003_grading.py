"""Grading: stripes and degrees, class rules, rank snapshots, promotions made at kiosks.

Existing rows get the old meaning: no stripes, classes that count and have no limits, every
attendance counted, belt promotions made online.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(
            sa.Column(
                "restricted_class_policy",
                sa.String(length=16),
                nullable=False,
                server_default="warn",
            )
        )
    with op.batch_alter_table("students") as batch:
        batch.add_column(
            sa.Column("stripes", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("stripe_since", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("classes_since_stripe", sa.Integer(), nullable=False, server_default="0")
        )
    # Until a stripe is given, the stripe count is the belt's.
    op.execute("UPDATE students SET classes_since_stripe = classes_since_promotion")
    with op.batch_alter_table("classes") as batch:
        batch.add_column(
            sa.Column("counts", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch.add_column(sa.Column("min_rank", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("checkin_opens_minutes", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("checkin_closes_minutes", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("tardy_after_minutes", sa.Integer(), nullable=True))
    with op.batch_alter_table("attendance") as batch:
        batch.add_column(
            sa.Column("counts", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch.add_column(
            sa.Column("tardy", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("below_min_rank", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("rank_id", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("stripes", sa.Integer(), nullable=True))
    with op.batch_alter_table("promotions") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(length=8), nullable=False, server_default="belt")
        )
        batch.add_column(
            sa.Column("from_stripes", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("to_stripes", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(
            sa.Column("source", sa.String(length=16), nullable=False, server_default="online")
        )
        batch.add_column(sa.Column("kiosk_id", sa.String(length=36), nullable=True))
        batch.create_foreign_key(
            op.f("fk_promotions_kiosk_id_kiosks"), "kiosks", ["kiosk_id"], ["id"]
        )
    op.create_table(
        "kiosk_promotions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("kiosk_id", sa.String(length=36), nullable=False),
        sa.Column("promotion_id", sa.String(length=36), nullable=False),
        sa.Column("student_id", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=True),
        sa.Column("seq", sa.BigInteger(), nullable=True),
        sa.Column("promotion_ref", sa.String(length=36), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["kiosk_id"], ["kiosks.id"], name=op.f("fk_kiosk_promotions_kiosk_id_kiosks")
        ),
        sa.ForeignKeyConstraint(
            ["promotion_ref"],
            ["promotions.id"],
            name=op.f("fk_kiosk_promotions_promotion_ref_promotions"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_kiosk_promotions_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kiosk_promotions")),
        sa.UniqueConstraint(
            "tenant_id",
            "kiosk_id",
            "promotion_id",
            name=op.f("uq_kiosk_promotions_tenant_id_kiosk_id_promotion_id"),
        ),
    )


def downgrade() -> None:
    op.drop_table("kiosk_promotions")
    with op.batch_alter_table("promotions") as batch:
        batch.drop_constraint(op.f("fk_promotions_kiosk_id_kiosks"), type_="foreignkey")
        batch.drop_column("kiosk_id")
        batch.drop_column("source")
        batch.drop_column("to_stripes")
        batch.drop_column("from_stripes")
        batch.drop_column("kind")
    with op.batch_alter_table("attendance") as batch:
        for column in ("stripes", "rank_id", "below_min_rank", "tardy", "counts"):
            batch.drop_column(column)
    with op.batch_alter_table("classes") as batch:
        for column in (
            "tardy_after_minutes",
            "checkin_closes_minutes",
            "checkin_opens_minutes",
            "min_rank",
            "counts",
        ):
            batch.drop_column(column)
    with op.batch_alter_table("students") as batch:
        batch.drop_column("classes_since_stripe")
        batch.drop_column("stripe_since")
        batch.drop_column("stripes")
    with op.batch_alter_table("tenants") as batch:
        batch.drop_column("restricted_class_policy")
