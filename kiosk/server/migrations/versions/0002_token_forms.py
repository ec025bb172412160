"""Per-academy QR token form for new cards and passes (compact CWT or JWS, DESIGN §3).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # Existing academies get the defaults: compact for new printed cards, JWS for passes.
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(
            sa.Column(
                "card_token_form", sa.String(length=16), nullable=False, server_default="compact"
            )
        )
        batch.add_column(
            sa.Column("pass_token_form", sa.String(length=16), nullable=False, server_default="jws")
        )


def downgrade() -> None:
    with op.batch_alter_table("tenants") as batch:
        batch.drop_column("pass_token_form")
        batch.drop_column("card_token_form")
