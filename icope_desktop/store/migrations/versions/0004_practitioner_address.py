"""The practitioner's postal address (the GP letter's sender block).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

A referral letter says where it comes from: the GP letter's sender block had the
practitioner's name, profession, RPPS, phone and mail but no postal address, because
the profile had none (DESIGN.md "Letters": the letter holds the practitioner). Three
nullable columns, as for the GP; existing profiles simply have no address yet.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("practitioner") as batch:
        batch.add_column(sa.Column("address", sa.String(200)))
        batch.add_column(sa.Column("postal_code", sa.String(10)))
        batch.add_column(sa.Column("city", sa.String(100)))


def downgrade() -> None:
    with op.batch_alter_table("practitioner") as batch:
        batch.drop_column("city")
        batch.drop_column("postal_code")
        batch.drop_column("address")
