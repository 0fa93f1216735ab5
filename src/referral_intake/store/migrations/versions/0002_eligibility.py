"""eligibility: payer directory overrides, raw 270/271 exchanges

Revision ID: 0002_eligibility
Revises: 0001_core
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import referral_intake.store.base

revision = "0002_eligibility"
down_revision = "0001_core"
branch_labels = ("eligibility",)
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "eligibility_payer",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("payer_id", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("aliases", _JSON, nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", referral_intake.store.base.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eligibility_payer")),
        sa.UniqueConstraint("payer_id", name=op.f("uq_eligibility_payer_payer_id")),
    )
    op.create_table(
        "eligibility_exchange",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("case_id", _ID, nullable=True),
        sa.Column("payer_id", sa.String(length=80), nullable=True),
        sa.Column("control_number", sa.String(length=9), nullable=True),
        sa.Column("request_270", sa.Text(), nullable=True),
        sa.Column("response_271", sa.Text(), nullable=False),
        sa.Column("meta", _JSON, nullable=False),
        sa.Column("created_at", referral_intake.store.base.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eligibility_exchange")),
        sa.UniqueConstraint("sha256", name=op.f("uq_eligibility_exchange_sha256")),
    )
    op.create_index(
        op.f("ix_eligibility_exchange_case_id"), "eligibility_exchange", ["case_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_eligibility_exchange_case_id"), table_name="eligibility_exchange")
    op.drop_table("eligibility_exchange")
    op.drop_table("eligibility_payer")
