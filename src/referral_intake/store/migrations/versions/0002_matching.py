"""matching: the embedded EHR's patient table with indexed blocking keys

Revision ID: 0002_matching
Revises: 0001_core
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import referral_intake.store.base

revision = "0002_matching"
down_revision = "0001_core"
branch_labels = ("matching",)
depends_on = None

_INDEXES = (
    ("ix_ehr_patient_dob", ["date_of_birth", "id"]),
    ("ix_ehr_patient_names", ["k_last_phon", "k_first_phon", "id"]),
    ("ix_ehr_patient_last_year", ["k_last_phon", "k_birth_year", "id"]),
    ("ix_ehr_patient_first_year", ["k_first_phon", "k_birth_year", "id"]),
    ("ix_ehr_patient_name_key", ["k_name", "id"]),
    ("ix_ehr_patient_phone", ["k_phone", "id"]),
    ("ix_ehr_patient_mrn", ["k_mrn", "id"]),
    ("ix_ehr_patient_email", ["k_email", "id"]),
)


def upgrade() -> None:
    op.create_table(
        "ehr_patient",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("mrn", sa.String(length=64), nullable=True),
        sa.Column("first_name", sa.String(length=100), nullable=True),
        sa.Column("middle_name", sa.String(length=100), nullable=True),
        sa.Column("last_name", sa.String(length=100), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("sex", sa.String(length=1), nullable=True),
        sa.Column("address_line1", sa.String(length=200), nullable=True),
        sa.Column("address_line2", sa.String(length=200), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("state", sa.String(length=2), nullable=True),
        sa.Column("postal_code", sa.String(length=10), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("ssn", sa.String(length=11), nullable=True),
        sa.Column("k_birth_year", sa.Integer(), nullable=True),
        sa.Column("k_first_phon", sa.String(length=8), nullable=True),
        sa.Column("k_last_phon", sa.String(length=8), nullable=True),
        sa.Column("k_name", sa.String(length=20), nullable=True),
        sa.Column("k_phone", sa.String(length=15), nullable=True),
        sa.Column("k_mrn", sa.String(length=64), nullable=True),
        sa.Column("k_email", sa.String(length=200), nullable=True),
        sa.Column("created_at", referral_intake.store.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", referral_intake.store.base.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ehr_patient")),
    )
    with op.batch_alter_table("ehr_patient", schema=None) as batch_op:
        for name, columns in _INDEXES:
            batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ehr_patient", schema=None) as batch_op:
        for name, _columns in reversed(_INDEXES):
            batch_op.drop_index(name)
    op.drop_table("ehr_patient")
